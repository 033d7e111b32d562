"""The Divi theme's page chrome: <head>, header with the menu, sidebar, footer; static pages.

What varies between markup variants comes from ``site.markup`` (:mod:`tests.replica.variants`).
"""
from __future__ import annotations

from .text import attr, escape, story_rng, title_html

SITE_NAME = "ASHARQ AL-AWSAT English Archive 2005 -2017"
LOGO_TEXT = "Middle-east Arab News Opinion | Asharq Al-awsat"
TITLE_SUFFIXES = [f" | {SITE_NAME}", f" - {SITE_NAME}", " - ASHARQ AL-AWSAT English Archive"]
REAL_BASE = "https://eng-archive.aawsat.com"
DIVI = "ver=3.0.34"
NOT_FOUND = """\t\t\t\t<div class="entry">
\t<!--If no results are found-->
\t\t<h1>No Results Found</h1>
\t\t<p>The page you requested could not be found. Try refining your search, or use the navigation above to locate the post.</p>
\t</div>
<!--End if no results are found-->"""


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
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" href="{base}/feed/" />
<link rel='stylesheet' id='divi-style-css'  href='{base}/wp-content/themes/Divi/style.css?{DIVI}' type='text/css' media='all' />
<link rel='stylesheet' id='jetpack_css-css'  href='{base}/wp-content/plugins/jetpack/css/jetpack.css?ver=4.9' type='text/css' media='all' />
<script type='text/javascript' src='{base}/wp-includes/js/jquery/jquery.js?ver=1.12.4'></script>
<link rel='https://api.w.org/' href='{base}/wp-json/' />
<meta name="generator" content="WordPress 4.7.5" />
<meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=0" />
<link rel="shortcut icon" href="{base}/wp-content/uploads/2017/01/favicon.png" />
</head>"""


def _category_name(site, slug: str) -> str:
    empty = site.markup.empty_category
    return empty[1] if empty and slug == empty[0] else site.categories[slug]


def _menu(site, base: str) -> str:
    """The top menu from ``markup.menu``: groups of category slugs, pages and custom links."""
    slash = "/" if site.markup.slash else ""
    ids = iter(range(20, 100))

    def item(spec: str) -> str:
        kind = "taxonomy menu-item-object-category"
        if spec.startswith("page:"):
            href, text, kind = f"{base}/{spec[5:]}{slash}", "About", "post_type menu-item-object-page"
        elif "|" in spec:
            href, text = spec.split("|")
            href, kind = (href if "://" in href else base + href), "custom menu-item-object-custom"
        else:
            host, slug = (REAL_BASE, spec[5:]) if spec.startswith("real:") else (base, spec)
            href, text = f"{host}/category/{slug}", _category_name(site, slug.rstrip("/"))
        n = next(ids)
        return (f'<li id="menu-item-{n}" class="menu-item menu-item-type-{kind} menu-item-{n}">'
                f'<a href="{href}">{text}</a></li>')

    items = [(f'<li id="menu-item-10" class="menu-item menu-item-type-custom menu-item-object-custom '
              f'menu-item-home menu-item-10"><a href="{base}/">Home</a></li>')]
    for parent, specs in site.markup.menu:
        links = [item(spec) for spec in specs]
        if parent is None:
            items += links
            continue
        n = next(ids)
        items.append(f'<li id="menu-item-{n}" class="menu-item menu-item-type-custom menu-item-object-custom '
                     f'menu-item-has-children menu-item-{n}"><a href="#">{parent}</a>\n\t<ul class="sub-menu">'
                     "\n\t\t" + "\n\t\t".join(links) + "\n\t</ul>\n</li>")
    return "\n".join(items)


def header(site, base: str) -> str:
    """Top bar with the logo text, the menu, the search form and the mobile menu stub."""
    list_id = 'id="top-menu" ' if site.markup.menu_list_id else ""
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
\t\t\t\t<ul {list_id}class="nav">{_menu(site, base)}
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
\t\t\t</div>
\t\t</div>
\t</header> <!-- #main-header -->
\t<div id="et-main-area">"""


def sidebar(site, base: str) -> str:
    """Recent posts, categories and tag cloud widgets (links only): the same on every page of a
    site, so written once per site state (large replicas)."""
    key = (base, len(site.stories))
    cache = site.__dict__.setdefault("_sidebar_cache", {})
    if key not in cache:
        cache.clear()
        cache[key] = _sidebar(site, base)
    return cache[key]


def _sidebar(site, base: str) -> str:
    slash = "/" if site.markup.slash else ""
    recent = "\n".join(f'\t\t\t\t<li><a href="{base}{s.path}">'
                       f'{title_html(s, story_rng(s, "side"), site.markup.headline)}</a></li>' for s in site.newest(5))
    cats = "\n".join(f'\t<li class="cat-item cat-item-{3 + i}"><a href="{base}/category/{slug}{slash}" >{name}</a></li>'
                     for i, (slug, name) in enumerate(sorted(site.categories.items(), key=lambda kv: kv[1])))
    counts: dict[tuple[str, str], int] = {}
    for story in site.stories:
        for tag in story.tags:
            counts[tag] = counts.get(tag, 0) + 1
    cloud = "\n".join(f'<a href="{base}/tag/{slug}{slash}" class="tag-cloud-link tag-link-{60 + i}" style="font-size: '
                      f'{8 + min(n, 14)}pt;" aria-label="{name} ({n} items)">{name}</a>'
                      for i, ((slug, name), n) in enumerate(sorted(counts.items())))
    return f"""\t\t\t\t<div id="sidebar">
\t\t<div id="recent-posts-2" class="et_pb_widget widget_recent_entries"><h4 class="widgettitle">Recent Posts</h4><ul>
{recent}
\t\t</ul></div> <!-- end .et_pb_widget --><div id="categories-2" class="et_pb_widget widget_categories"><h4 class="widgettitle">Categories</h4><ul>
{cats}
\t\t</ul></div> <!-- end .et_pb_widget --><div id="tag_cloud-2" class="et_pb_widget widget_tag_cloud"><h4 class="widgettitle">Tags</h4><div class="tagcloud">{cloud}</div>
</div> <!-- end .et_pb_widget -->\t</div> <!-- end #sidebar -->"""


def footer(base: str) -> str:
    return f"""\t\t\t<footer id="main-footer">
\t\t\t\t<div id="footer-bottom"><div class="container clearfix">
\t\t\t\t<ul class="et-social-icons"><li class="et-social-icon et-social-rss"><a href="{base}/feed/" class="icon"><span>RSS</span></a></li></ul>
<div id="footer-info">Designed by <a href="http://www.elegantthemes.com" title="Premium WordPress Themes">Elegant Themes</a> | Powered by <a href="http://www.wordpress.org">WordPress</a></div>
\t\t\t\t</div></div>
\t\t\t</footer> <!-- #main-footer -->
\t\t</div> <!-- #et-main-area -->
\t</div> <!-- #page-container -->
\t<script type='text/javascript' src='{base}/wp-content/themes/Divi/js/custom.min.js?{DIVI}'></script>
</body>
</html>
"""


def page(site, base: str, title: str, body_class: str, left: str, extra_head: str = "") -> str:
    """A complete Divi page: ``left`` goes into #left-area, the sidebar beside it."""
    return f"""{head(base, title, extra_head)}
<body class="{body_class} et_pb_button_helper_class et_fixed_nav et_show_nav et_cover_background et_pb_gutter et_primary_nav_dropdown_animation_fade et_pb_footer_columns4 et_header_style_left et_right_sidebar et_divi_theme chrome">
{header(site, base)}
<div id="main-content">
\t<div class="container">
\t\t<div id="content-area" class="clearfix">
\t\t\t<div id="left-area">
{left}
\t\t\t</div> <!-- #left-area -->
{sidebar(site, base)}
\t\t</div> <!-- #content-area -->
\t</div> <!-- .container -->
</div> <!-- #main-content -->
{footer(base)}"""


def not_found(site, base: str) -> str:
    left = f'\t\t\t\t<article id="post-0" class="et_pb_post not_found">\n{NOT_FOUND}'
    left += "\t\t\t\t</article> <!-- .et_pb_post -->"
    return page(site, base, f"Page not found{TITLE_SUFFIXES[0]}", "error404", left)


def empty_listing(site, base: str) -> str:
    """The listing of a category with no posts: Divi's "No Results Found"."""
    slug, name = site.markup.empty_category
    return page(site, base, f"{name} Archives{TITLE_SUFFIXES[0]}", f"archive category category-{slug} category-40",
                NOT_FOUND, f'<link rel="canonical" href="{base}/category/{slug}" />')


def plain_page(site, base: str, title: str, paragraphs: list[str], page_id: int, path: str) -> str:
    """A static WordPress page (About, Members)."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    left = f"""\t\t\t\t<article id="post-{page_id}" class="post-{page_id} page type-page status-publish hentry">
\t\t\t\t\t<h1 class="entry-title main_title">{escape(title)}</h1>
\t\t\t\t\t<div class="entry-content">\n{body}\n\t\t\t\t\t</div> <!-- .entry-content -->
\t\t\t\t</article> <!-- .et_pb_post -->"""
    return page(site, base, f"{escape(title)}{TITLE_SUFFIXES[0]}", f"page-template-default page page-id-{page_id}",
                left, f'<link rel="canonical" href="{base}{path}" />')
