"""Page chrome of the Divi theme: <head>, header and menus, sidebar, footer."""
from __future__ import annotations

from .markup import attr, escape, story_rng, title_html, title_html_v1

SITE_NAME = "ASHARQ AL-AWSAT English Archive 2005 -2017"
LOGO_TEXT = "Middle-east Arab News Opinion | Asharq Al-awsat"
TITLE_SUFFIXES = [f" | {SITE_NAME}", f" - {SITE_NAME}", " - ASHARQ AL-AWSAT English Archive"]
DIVI = "ver=3.0.34"
MAIN_MENU = ["news-middle-east", "features", "interviews", "business", "opinion"]
MORE_MENU = ["majalla-blogs", "sports"]


def head(base: str, title: str, extra: str = "") -> str:
    """<head> of every page; ``title`` is already HTML (escaped, with its suffix)."""
    return f"""<!DOCTYPE html>
<!--[if IE 6]>
<html id="ie6" lang="en-US" prefix="og: http://ogp.me/ns#">
<![endif]-->
<!--[if !(IE 6) | !(IE 7) | !(IE 8)  ]><!-->
<html lang="en-US" prefix="og: http://ogp.me/ns#">
<!--<![endif]-->
<head>
\t<meta charset="UTF-8" />
\t\t\t<meta http-equiv="X-UA-Compatible" content="IE=edge">
\t<link rel="pingback" href="{base}/xmlrpc.php" />
\t<script type="text/javascript">
\t\tdocument.documentElement.className = 'js';
\t</script>
<title>{title}</title>
{extra}
<link rel='dns-prefetch' href='//fonts.googleapis.com' />
<link rel='dns-prefetch' href='//s.w.org' />
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" href="{base}/feed/" />
<link rel='stylesheet' id='divi-fonts-css'  href='https://fonts.googleapis.com/css?family=Open+Sans:400,700&#038;subset=latin' type='text/css' media='all' />
<link rel='stylesheet' id='divi-style-css'  href='{base}/wp-content/themes/Divi/style.css?{DIVI}' type='text/css' media='all' />
<link rel='stylesheet' id='jetpack_css-css'  href='{base}/wp-content/plugins/jetpack/css/jetpack.css?ver=4.9' type='text/css' media='all' />
<script type='text/javascript' src='{base}/wp-includes/js/jquery/jquery.js?ver=1.12.4'></script>
<link rel='https://api.w.org/' href='{base}/wp-json/' />
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{base}/xmlrpc.php?rsd" />
<meta name="generator" content="WordPress 4.7.5" />
<meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=0" />
<link rel="shortcut icon" href="{base}/wp-content/uploads/2017/01/favicon.png" />
</head>"""


def _menu_item(item_id: int, href: str, text: str, kind: str = "taxonomy menu-item-object-category") -> str:
    return (f'<li id="menu-item-{item_id}" class="menu-item menu-item-type-{kind} '
            f'menu-item-{item_id}"><a href="{href}">{text}</a></li>')


def header(site, base: str) -> str:
    """Top bar with the logo text, desktop menu, search form and mobile menu stub."""
    if site.variant == 1:
        return _header_top(base, _menu_v1(site, base))
    if site.variant == 4:
        from .variant4 import header as header_v4
        return header_v4(site, base)
    items = [_menu_item(10, f"{base}/", "Home", "custom menu-item-object-custom menu-item-home")]
    for i, slug in enumerate(MAIN_MENU):
        trail = "/" if slug == "features" else ""   # one menu link has a trailing slash
        items.append(_menu_item(20 + i, f"{base}/category/{slug}{trail}", site.categories[slug]))
    sub = [_menu_item(40 + i, f"{base}/category/{slug}", site.categories[slug])
           for i, slug in enumerate(MORE_MENU)]
    sub.append(_menu_item(50, f"{base}/about-us", "About", "post_type menu-item-object-page"))
    sub.append(_menu_item(51, "https://english.aawsat.com/", "Asharq Al-Awsat Today",
                          "custom menu-item-object-custom"))
    sub.append(_menu_item(52, f"{base}/members/login", "Members", "custom menu-item-object-custom"))
    items.append('<li id="menu-item-39" class="menu-item menu-item-type-custom '
                 'menu-item-object-custom menu-item-has-children menu-item-39"><a href="#">More</a>'
                 '\n\t<ul class="sub-menu">\n\t\t' + "\n\t\t".join(sub) + "\n\t</ul>\n</li>")
    menu = "\n".join(items)
    return _header_top(base, menu)


# Variant 1: category links end with a slash and sit in sub-menus of "News" and "Opinion".
MENU_V1 = [("News", ["news-middle-east", "business", "sports"]), (None, ["features", "interviews"]),
           ("Opinion", ["opinion", "majalla-blogs"])]


def _parent_item(item_id: int, text: str, href: str, children: list[str]) -> str:
    return (f'<li id="menu-item-{item_id}" class="menu-item menu-item-type-custom '
            f'menu-item-object-custom menu-item-has-children menu-item-{item_id}"><a href="{href}">{text}</a>'
            '\n\t<ul class="sub-menu">\n\t\t' + "\n\t\t".join(children) + "\n\t</ul>\n</li>")


def _menu_v1(site, base: str) -> str:
    items = [_menu_item(110, f"{base}/", "Home", "custom menu-item-object-custom menu-item-home")]
    item_id = 120
    for parent, slugs in MENU_V1:
        links = []
        for slug in slugs:
            links.append(_menu_item(item_id, f"{base}/category/{slug}/", site.categories[slug]))
            item_id += 1
        if parent is None:
            items.extend(links)
        else:
            items.append(_parent_item(item_id, parent, "#", links))
            item_id += 1
    more = [_menu_item(150, f"{base}/about-us/", "About", "post_type menu-item-object-page"),
            _menu_item(151, "https://english.aawsat.com/", "Asharq Al-Awsat Today",
                       "custom menu-item-object-custom"),
            _menu_item(152, f"{base}/members/login", "Members", "custom menu-item-object-custom")]
    items.append(_parent_item(149, "More", "#", more))
    return "\n".join(items)


def _header_top(base: str, menu: str) -> str:
    return f"""<div id="page-container">
\t<div id="top-header">
\t\t<div class="container clearfix">
\t\t\t<div id="et-info"><span class="et-site-title">{escape(LOGO_TEXT)}</span></div>
\t\t</div>
\t</div>
\t<header id="main-header" data-height-onload="66">
\t\t<div class="container clearfix et_menu_container">
\t\t\t<div class="logo_container">
\t\t\t\t<span class="logo_helper"></span>
\t\t\t\t<a href="{base}/">
\t\t\t\t\t<img src="{base}/wp-content/uploads/2017/01/logo.png" alt="{attr(LOGO_TEXT)}" id="logo" data-height-percentage="54" />
\t\t\t\t</a>
\t\t\t</div>
\t\t\t<div id="et-top-navigation" data-height="66" data-fixed-height="40">
\t\t\t\t<nav id="top-menu-nav">
\t\t\t\t<ul id="top-menu" class="nav">{menu}
</ul>\t\t\t\t</nav>
\t\t\t\t<div id="et_top_search"><span id="et_search_icon"></span></div>
\t\t\t\t<div id="et_mobile_nav_menu">
\t\t\t\t<div class="mobile_nav closed">
\t\t\t\t\t<span class="select_page">Select Page</span>
\t\t\t\t\t<span class="mobile_menu_bar mobile_menu_bar_toggle"></span>
\t\t\t\t</div>
\t\t\t</div>
\t\t\t</div> <!-- #et-top-navigation -->
\t\t</div> <!-- .container -->
\t\t<div class="et_search_outer">
\t\t\t<div class="container et_search_form_container">
\t\t\t\t<form role="search" method="get" class="et-search-form" action="{base}/">
\t\t\t\t<input type="search" class="et-search-field" placeholder="Search &hellip;" value="" name="s" title="Search for:" />
\t\t\t\t</form>
\t\t\t\t<span class="et_close_search_field"></span>
\t\t\t</div>
\t\t</div>
\t</header> <!-- #main-header -->
\t<div id="et-main-area">"""


def sidebar(site, base: str) -> str:
    """Recent posts, categories and tag cloud widgets (links only, no post meta).

    The same on every page of a site: rendered once per site state (large replicas).
    """
    key = (base, len(site.stories), site.variant)
    cache = site.__dict__.setdefault("_sidebar_cache", {})
    if key not in cache:
        cache.clear()
        cache[key] = _render_sidebar(site, base)
    return cache[key]


def _render_sidebar(site, base: str) -> str:
    v1 = site.variant == 1
    titles = title_html_v1 if v1 else title_html
    trail = "/" if v1 else ""
    recent = "\n".join(
        f'\t\t\t\t<li>\n\t\t\t\t<a href="{base}{s.path}">{titles(s, story_rng(s, "side"))}</a>\n\t\t\t\t</li>'
        for s in site.newest(5))
    cats = "\n".join(
        f'\t<li class="cat-item cat-item-{3 + i}"><a href="{base}/category/{slug}{trail}" >{name}</a>\n</li>'
        for i, (slug, name) in enumerate(sorted(site.categories.items(), key=lambda kv: kv[1])))
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for story in site.stories:
        for slug, name in story.tags:
            counts[slug] = counts.get(slug, 0) + 1
            names[slug] = name
    cloud = "\n".join(
        f'<a href="{base}/tag/{slug}{trail}" class="tag-cloud-link tag-link-{60 + i} tag-link-position-{i + 1}" '
        f'style="font-size: {8 + min(counts[slug], 14)}pt;" aria-label="{names[slug]} ({counts[slug]} items)">'
        f'{names[slug]}</a>' for i, slug in enumerate(sorted(counts)))
    return f"""\t\t\t\t<div id="sidebar">
\t\t<div id="recent-posts-2" class="et_pb_widget widget_recent_entries">\t\t<h4 class="widgettitle">Recent Posts</h4>\t\t<ul>
{recent}
\t\t\t\t</ul>
\t\t</div> <!-- end .et_pb_widget -->\t\t<div id="categories-2" class="et_pb_widget widget_categories"><h4 class="widgettitle">Categories</h4>\t\t<ul>
{cats}
\t\t</ul>
</div> <!-- end .et_pb_widget --><div id="tag_cloud-2" class="et_pb_widget widget_tag_cloud"><h4 class="widgettitle">Tags</h4><div class="tagcloud">{cloud}</div>
</div> <!-- end .et_pb_widget -->\t</div> <!-- end #sidebar -->"""


def footer(base: str) -> str:
    return f"""\t\t\t<footer id="main-footer">
\t\t\t\t<div id="footer-bottom">
\t\t\t\t\t<div class="container clearfix">
\t\t\t\t<ul class="et-social-icons">
\t<li class="et-social-icon et-social-rss"><a href="{base}/feed/" class="icon"><span>RSS</span></a></li>
</ul><div id="footer-info">Designed by <a href="http://www.elegantthemes.com" title="Premium WordPress Themes">Elegant Themes</a> | Powered by <a href="http://www.wordpress.org">WordPress</a></div>\t\t\t\t\t</div>\t<!-- .container -->
\t\t\t\t</div>
\t\t\t</footer> <!-- #main-footer -->
\t\t</div> <!-- #et-main-area -->
\t</div> <!-- #page-container -->
\t<script type='text/javascript' src='{base}/wp-content/themes/Divi/js/custom.min.js?{DIVI}'></script>
\t<script type='text/javascript' src='{base}/wp-includes/js/wp-embed.min.js?ver=4.7.5'></script>
</body>
</html>
"""


def page(site, base: str, title: str, body_class: str, left: str, extra_head: str = "",
         with_sidebar: bool = True) -> str:
    """A complete Divi page: ``left`` goes into #left-area, the sidebar beside it."""
    side = sidebar(site, base) if with_sidebar else ""
    return f"""{head(base, title, extra_head)}
<body class="{body_class} et_pb_button_helper_class et_fixed_nav et_show_nav et_cover_background et_pb_gutter et_primary_nav_dropdown_animation_fade et_secondary_nav_dropdown_animation_fade et_pb_footer_columns4 et_header_style_left et_right_sidebar et_divi_theme chrome">
{header(site, base)}
<div id="main-content">
\t<div class="container">
\t\t<div id="content-area" class="clearfix">
\t\t\t<div id="left-area">
{left}
\t\t\t</div> <!-- #left-area -->
{side}
\t\t</div> <!-- #content-area -->
\t</div> <!-- .container -->
</div> <!-- #main-content -->
{footer(base)}"""


def not_found(site, base: str) -> str:
    left = """\t\t\t\t<article id="post-0" class="et_pb_post not_found">
\t\t\t\t\t<div class="entry">
\t<!--If no results are found-->
\t\t<h1>No Results Found</h1>
\t\t<p>The page you requested could not be found. Try refining your search, or use the navigation above to locate the post.</p>
\t</div>
<!--End if no results are found-->\t\t\t\t</article> <!-- .et_pb_post -->"""
    return page(site, base, f"Page not found{TITLE_SUFFIXES[0]}", "error404", left)


def plain_page(site, base: str, title: str, paragraphs: list[str], page_id: int,
               path: str) -> str:
    """A static WordPress page (About, Members)."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    left = f"""\t\t\t\t<article id="post-{page_id}" class="post-{page_id} page type-page status-publish hentry">
\t\t\t\t\t<h1 class="entry-title main_title">{escape(title)}</h1>
\t\t\t\t\t<div class="entry-content">
{body}
\t\t\t\t\t</div> <!-- .entry-content -->
\t\t\t\t</article> <!-- .et_pb_post -->"""
    extra = f'<link rel="canonical" href="{base}{path}" />'
    return page(site, base, f"{escape(title)}{TITLE_SUFFIXES[0]}",
                f"page-template-default page page-id-{page_id}", left, extra)
