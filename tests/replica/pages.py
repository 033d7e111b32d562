"""The archive's HTML (WordPress + Divi + Jetpack), written from a story's look and the site's markup.

One set of renderers for every variant: what differs is data, ``site.markup``
(:class:`~tests.replica.variants.Markup`) and ``story.look`` (:class:`~tests.replica.model.Look`).
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta, timezone
from random import Random

from .model import Entry, PageMeta, Story
from .text import (attr, doubled_spaces, escape, excerpt, inline_html, story_rng, straighten, switch_quotes,
                   title_attr, title_html)

SITE_NAME = "ASHARQ AL-AWSAT English Archive 2005 -2017"
LOGO_TEXT = "Middle-east Arab News Opinion | Asharq Al-awsat"
TITLE_SUFFIXES = [f" | {SITE_NAME}", f" - {SITE_NAME}", " - ASHARQ AL-AWSAT English Archive"]
REAL_BASE = "https://eng-archive.aawsat.com"
DIVI = "ver=3.0.34"
ALL_META = PageMeta(pm_author=True, pm_date=True, pm_cat=True)
SHARES = [("twitter", "Twitter"), ("facebook", "Facebook"), ("telegram", "Telegram"),
          ("jetpack-whatsapp", "WhatsApp")]
SPACERS = ["<p>&nbsp;</p>", "<p>\u00a0</p>", "<p> &nbsp; </p>"]
NOT_FOUND = """\t\t\t\t<div class="entry">
\t<!--If no results are found-->
\t\t<h1>No Results Found</h1>
\t\t<p>The page you requested could not be found. Try refining your search, or use the navigation above to locate the post.</p>
\t</div>
<!--End if no results are found-->"""


# ----- page chrome -----------------------------------------------------------------------------
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
        return f'<li id="menu-item-{n}" class="menu-item menu-item-type-{kind} menu-item-{n}"><a href="{href}">{text}</a></li>'

    items = [f'<li id="menu-item-10" class="menu-item menu-item-type-custom menu-item-object-custom menu-item-home '
             f'menu-item-10"><a href="{base}/">Home</a></li>']
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
    recent = "\n".join(f'\t\t\t\t<li><a href="{base}{s.path}">{title_html(s, story_rng(s, "side"), site.markup.headline)}'
                       f"</a></li>" for s in site.newest(5))
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
    left = f"""\t\t\t\t<article id="post-0" class="et_pb_post not_found">\n{NOT_FOUND}\t\t\t\t</article> <!-- .et_pb_post -->"""
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


# ----- article parts ---------------------------------------------------------------------------
def short_date(story: Story) -> str:
    return f"{story.published:%b} {story.published.day}, {story.published.year}"


def post_meta(site, base: str, story: Story, categories: list[str], meta: PageMeta = ALL_META) -> str:
    """Divi's post meta (the listing form has every part; an article only those ``meta`` allows)."""
    m, look = site.markup, story.look
    slash = "/" if m.slash else ""
    title = attr(story.authors[0]) if look.byline_link and len(story.authors) == 1 else f"Posts by {attr(story.byline)}"
    link = (f'<a href="{base}/author/{story.author_slug}{slash}" title="{title}" rel="author">'
            f"{look.byline_link or escape(story.byline)}</a>")
    by = "By" if look.by_caps else "by"
    d = story.published
    date = f"{d:%B} {d.day}, {d.year}" if m.long_dates else short_date(story)
    parts = []
    if meta.pm_author:
        parts.append(f"{by} {link}" if look.postmeta_bare else f'<span class="author vcard">{by} {link}</span>'
                     if m.by_in_vcard else f' {by} <span class="author vcard">{link}</span>')
    if meta.pm_date:
        parts.append(date if look.postmeta_bare else f'<span class="published">{date}</span>')
    if meta.pm_cat:
        parts.append(", ".join(f'<a href="{base}/category/{c}{slash}" rel="category tag">{site.categories[c]}</a>'
                               for c in categories))
    return f'<p class="post-meta">{" | ".join(parts)}</p>'


def _ld_time(story: Story) -> str:
    look = story.look
    if look.ld_z:
        utc = story.published.astimezone(timezone.utc)
        return f"{utc:%Y-%m-%dT%H:%M:%S}{'.000' if look.ld_ms else ''}Z"
    return look.shown(story.published).isoformat()


def _json_ld(site, base: str, story: Story, url: str) -> str:
    """A NewsArticle, or (``markup.json_ld == 'graph'``) a Yoast @graph of Organization, WebSite,
    WebPage and NewsArticle whose author is a Person "A and B" or a reference to one."""
    meta, look = story.meta, story.look
    article = {"@type": "NewsArticle", "mainEntityOfPage": {"@type": "WebPage", "@id": url}, "headline": story.title}
    graph = site.markup.json_ld == "graph"
    if meta.ld_date:
        article["datePublished"] = _ld_time(story)
        if look.modified:
            article["dateModified"] = look.shown(look.modified).isoformat()
    if look.ld_created:   # the draft's creation, hours before publication
        article["dateCreated"] = (story.published - timedelta(hours=3, minutes=story.post_id % 50)).isoformat()
    if look.ld_org_author:
        article["author"] = {"@type": "Organization", "name": "Asharq Al-Awsat"}
    elif meta.ld_author:
        people = [{"@type": "Person", "name": n} for n in ([story.byline] if graph else story.authors)]
        article["author"] = people[0] if len(people) == 1 else people
    if meta.ld_section:
        names = [site.categories[c] for c in story.categories]
        article["articleSection"] = names if len(names) > 1 else names[0]
    if story.image:
        article["image"] = {"@type": "ImageObject", "url": base + story.upload_path()}
    article["publisher"] = {"@type": "Organization", "name": "Asharq Al-Awsat",
                            "logo": {"@type": "ImageObject", "url": f"{base}/wp-content/uploads/2017/01/logo.png"}}
    data = {"@context": "https://schema.org", **article}
    if graph:
        nodes = [{"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": SITE_NAME},
                 {"@type": "WebPage", "@id": f"{url}#webpage", "url": url, "name": f"{story.title} - {SITE_NAME}",
                  "isPartOf": {"@id": f"{base}/#website"}}, article]
        article["mainEntityOfPage"] = {"@id": f"{url}#webpage"}
        if look.ld_author_ref and "author" in article:
            ref = f"{base}/#/schema/person/{hashlib.md5(story.author_slug.encode()).hexdigest()}"
            nodes.append({"@type": ["Person"], "@id": ref, "name": story.byline})
            article["author"] = {"@id": ref}
        data = {"@context": "https://schema.org", "@graph": nodes}
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def _article_head(site, base: str, story: Story, own_url: str, canonical: str | None, post_id: int) -> str:
    m, meta, look = site.markup, story.meta, story.look
    description = f'<meta name="description" content="{attr(excerpt(story, 155, escaped=False))}" />'
    lines = ["<!-- This site is optimized with the Yoast SEO plugin v11.4 -->"] if "yoast" in m.head else []
    lines += [description] if "description" in m.head else []
    lines += [f'<link rel="canonical" href="{canonical}" />'] if canonical else []
    lines += ['<meta property="og:locale" content="en_US" />', '<meta property="og:type" content="article" />',
              f'<meta property="og:title" content="{title_attr(story)}'
              f'{attr(m.og_title_sep + SITE_NAME) if look.og_title_suffix else ""}" />']
    lines += [description.replace('name="description"', 'property="og:description"')] if "description" in m.head else []
    lines += [f'<meta property="og:url" content="{canonical}" />'] if canonical else []
    lines.append(f'<meta property="og:site_name" content="{SITE_NAME}" />')
    if "article_tag" in m.head:
        lines += [f'<meta property="article:tag" content="{attr(name)}" />' for _, name in story.tags]
    if meta.og_section:
        lines.append(f'<meta property="article:section" content="{site.categories[story.category]}" />')
    if meta.og_time:
        lines.append(f'<meta property="article:published_time" content="{look.shown(story.published).isoformat()}" />')
        if "modified" in m.head and look.modified:
            modified = look.shown(look.modified).isoformat()
            lines += [f'<meta property="article:modified_time" content="{modified}" />',
                      f'<meta property="og:updated_time" content="{modified}" />']
    if meta.meta_author:
        lines.append(f'<meta name="author" content="{attr(story.byline)}" />')
    if story.image:
        lines.append(f'<meta property="og:image" content="{base}{story.upload_path()}" />')
    if "twitter" in m.head:
        lines.append('<meta name="twitter:card" content="summary_large_image" />')
    if meta.ld:
        lines.append(_json_ld(site, base, story, canonical or own_url))
    if "yoast" in m.head:
        lines.append("<!-- / Yoast SEO plugin. -->")
    lines.append(f"<link rel='shortlink' href='{base}/?p={post_id}' />")
    return "\n".join(lines)


# form -> (where it stands, markup); where: content (top of the text) | after (the caption copies) |
# meta (the meta wrapper, after the post meta) | title (right under the h1)
MEDIA_FORMS = {
    "p": ("content", "<p>{label} {id}</p>"), "div": ("content", '<div class="media-id">{label} {id}</div>'),
    "strong": ("content", "<p><strong>{label}</strong> {id}</p>"), "bare": ("content", "{label} {id}<br />"),
    "nbsp": ("content", "<p>{label}&nbsp;{id}</p>"),
    "with_caption": ("content", "<p>{label} {id}<br />\n{caption}</p>"),
    "span_caption": ("content", '<p><span class="media-id">{label} {id}</span><br />\n{caption}</p>'),
    "after_caption": ("after", "<p>{label} {id}</p>"), "meta": ("meta", '<div class="media-id">{label} {id}</div>'),
    "title": ("title", '<p class="media-id">{label} {id}</p>'),
}
# caption form -> its blocks in order; "meta_" blocks stand in the meta wrapper instead of the
# bare featured image, the others open the text
CAPTION_FORMS = {
    "wp": ("wp_div",), "wp_repeat": ("wp_div", "repeat"), "wp_label": ("wp_div", "label_repeat"),
    "label_only": ("img", "label_full"), "figure": ("figure",), "figure_repeat": ("figure", "repeat"),
    "alt_para": ("linked_img", "full"), "label_para": ("bare_img", "label", "full"),
    "in_meta": ("meta_wp_div",), "in_meta_repeat": ("meta_wp_div", "repeat"), "meta_text": ("meta_text",),
    "triple": ("figure", "label_repeat"), "none": ("maybe_img",), "with_media": (),
}


def _media(story: Story) -> tuple[str, str]:
    where, template = MEDIA_FORMS[story.look.media]
    caption = escape(story.image.full, story.old) if story.image else ""
    return where, template.format(label=story.look.media_label, id=story.media_id, caption=caption)


def _img(story: Story, base: str, alt: str, classes: str) -> str:
    return (f'<img class="{classes} wp-image-{story.attachment_id}" src="{base}{story.upload_path()}" '
            f'alt="{alt}" width="1024" height="683" />')


def featured(base: str, story: Story) -> str:
    alt = {"caption": attr(straighten(story.image.full)), "title": title_attr(story), "empty": ""}[story.look.featured_alt]
    return f"<img src=\"{base}{story.upload_path()}\" alt=\"{alt}\" class=\"\" width='1080' height='675' />"


def _caption_block(name: str, story: Story, base: str, rng) -> str:
    full, aid = escape(story.image.full, story.old), story.attachment_id
    link = f'<a href="{base}{story.attachment_path}">'
    alt = attr(straighten(story.image.full))
    label = "<strong>Caption:</strong> " if story.look.label_strong else "Caption: "
    if name in ("repeat", "label_repeat"):
        repeat = escape(doubled_spaces(switch_quotes(story.image.full), rng), story.old)
        return f"<p>{label if name == 'label_repeat' else ''}{repeat}</p>"
    if name == "maybe_img":   # the picture once more, still without a caption
        return f'<p>{_img(story, base, title_attr(story), "aligncenter size-large")}</p>' if rng.random() < 0.5 else ""
    return {
        "wp_div": lambda: (f'<div id="attachment_{aid}" style="width: 1034px" class="wp-caption alignnone">{link}'
                           f'{_img(story, base, alt, "size-full")}</a><p class="wp-caption-text">{full}'
                           f'{" " if rng.random() < 0.3 else ""}</p></div>'),
        "figure": lambda: (f'<figure id="attachment_{aid}" aria-describedby="caption-attachment-{aid}" style="width: '
                           f'1024px" class="wp-caption aligncenter">{link}{_img(story, base, alt, "size-large")}</a>'
                           f'<figcaption id="caption-attachment-{aid}" class="wp-caption-text">{full}</figcaption>'
                           f"</figure>"),
        "img": lambda: f'<p>{_img(story, base, alt, "aligncenter size-full")}</p>',
        "label_full": lambda: f"<p>{label}{full}</p>",
        "linked_img": lambda: f'<p>{link}{_img(story, base, alt, "aligncenter size-large")}</a></p>',
        "full": lambda: f"<p>{full}</p>",
        "bare_img": lambda: f'<p>{_img(story, base, "", "aligncenter size-full")}</p>',
        "label": lambda: f"<p>{label.strip()}</p>",
        "meta_wp_div": lambda: (f'<div id="attachment_{aid}" style="width: 1090px" class="wp-caption alignnone">'
                                f'{featured(base, story)}<p class="wp-caption-text">{full}</p></div>'),
        "meta_text": lambda: f'{featured(base, story)}\n\t\t\t\t\t\t<p class="wp-caption-text">{full}</p>',
    }[name]()


def _inline_mark(story: Story, base: str) -> tuple[int, tuple[str, str]] | None:
    """(paragraph, (word, html)): one long lowercase word of the text inside an <a>, a <span> or <strong>."""
    if not story.look.inline_word:
        return None
    kind = story.look.inline_word[1]
    found = {}
    for i, text in enumerate(story.body[1:], 1):
        for token in text.split(" "):
            m = re.fullmatch(r"([a-z]{8,})\W*", token)
            if m:
                found.setdefault(m.group(1), i)
    if not found:
        return None
    word = Random(f"{story.render_seed}:inline").choice(sorted(found))
    related = story.related[0] if story.related else story.post_id
    html = {"a": f'<a href="{base}/?p={related}">{word}</a>', "span": f'<span style="font-weight: 400;">{word}</span>',
            "strong": f"<strong>{word}</strong>"}[kind]
    return found[word], (word, html)


def _paragraph(site, base: str, story: Story, i: int, text: str, kind: str, rng, mark) -> str:
    style, look = site.markup.text, story.look
    prefix = ""
    for p in story.qa_prefixes if story.strong_prefix and story.qa_prefixes else ():
        if text.startswith(p + " "):
            prefix, text = f"<strong>{escape(p, story.old)}</strong> ", text[len(p) + 1:]
            break
    n = look.dateline_strong
    if i == 0 and n and text[n:n + 1] == " ":
        prefix, text = f"<strong>{escape(text[:n], story.old)}</strong> ", text[n + 1:]
    related = story.related[0] if story.related else story.post_id
    links = () if i == 0 else ("https://www.un.org/en/", f"{base}/?p={related}")
    inner = prefix + inline_html(text, rng, story.old, style, links, f"{base}/tag/", mark[1] if mark and mark[0] == i else None)
    if rng.random() < style.newline:
        inner = f"\n{inner}\n"
    if kind == "quote":
        quote_class = f' class="{style.quote_class}"' if style.quote_class else ""
        return f"<blockquote{quote_class}><p>{inner}</p></blockquote>"
    if kind == "li":
        return f"<li>{inner}</li>"
    attrs = rng.choices(["", ' dir="ltr"', ' style="text-align: justify;"'], style.attrs)[0]
    return f"<{look.para_tag}{attrs}>{inner}</{look.para_tag}>"


AD = ('<script async src="//pagead2.googlesyndication.com/pagead/js/adsbygoogle.js"></script>\n'
      '<ins class="adsbygoogle" style="display:block; text-align:center;" data-ad-layout="in-article" '
      'data-ad-format="fluid" data-ad-client="ca-pub-7241386720592810" data-ad-slot="4518293012"></ins>\n'
      '<script>\n     (adsbygoogle = window.adsbygoogle || []).push({});\n</script>')


def _social(story: Story, url: str, post_id: int, where: str) -> str:
    """Monarch's inline share block."""
    nets = [("facebook", "Facebook", f"http://www.facebook.com/sharer.php?u={url}&#038;t={attr(story.title)}"),
            ("twitter", "Twitter", f"http://twitter.com/share?text=&#038;url={url}"),
            ("whatsapp", "WhatsApp", f"whatsapp://send?text={url}")]
    items = "".join(f'<li class="et_social_{key}"><a href="{href}" class="et_social_share" rel="nofollow" '
                    f'data-social_name="{key}" data-post_id="{post_id}" data-social_type="share" data-location="inline">'
                    f'<i class="et_social_icon et_social_icon_{key}"></i><div class="et_social_network_label">'
                    f'<div class="et_social_networkname">{label}</div></div></a></li>' for key, label, href in nets)
    return (f'<div class="et_social_inline et_social_mobile_on et_social_inline_{where}"><div class="et_social_networks '
            f'et_social_autowidth et_social_rounded"><ul class="et_social_icons_container">{items}</ul></div></div>')


def content(site, base: str, story: Story, url: str, post_id: int) -> str:
    """The text of a post: Media ID, caption copies and paragraphs, in the look's wrapper."""
    look = story.look
    rng = story_rng(story, "content")
    top = [_social(story, url, post_id, "top")] if look.social == "top" else []
    media = _media(story) if story.media_id is not None else ("", "")
    top += [media[1]] if media[0] == "content" else []
    if story.image:
        top += [_caption_block(b, story, base, rng) for b in CAPTION_FORMS[look.caption] if not b.startswith("meta_")]
    top += [media[1]] if media[0] == "after" else []
    mark = _inline_mark(story, base)
    kinds = look.kinds or ["p"] * len(story.body)
    if look.wrapper == "br":   # imported items: one paragraph, the others after <br /><br />
        body = ["<p>" + "<br />\n<br />\n".join(inline_html(t, rng, story.old, site.markup.text) for t in story.body)
                + "</p>"]
    else:
        body, in_list = [], False
        for i, (text, kind) in enumerate(zip(story.body, kinds)):
            body += [rng.choice(SPACERS)] if i in look.spacers else []
            if (kind == "li") != in_list:
                body.append("<ul>" if kind == "li" else "</ul>")
                in_list = kind == "li"
            body.append(f"<h3>{escape(text, story.old)}</h3>" if kind == "h3"
                        else _paragraph(site, base, story, i, text, kind, rng, mark))
            body += [AD] if i == look.ad_after and kind != "li" else []
        body += ["</ul>"] if in_list else []
    if look.caption_at_end and story.image and story.image.caption:
        body.append(f"<p>{escape(story.image.full, story.old)}</p>")
    body += [_social(story, url, post_id, "bottom")] if look.social == "bottom" else []
    top_html, body_html = "\n".join(top), "\n".join(body)
    if look.wrapper in ("builder", "builder2"):
        modules = [top_html + "\n" + body_html] if look.wrapper == "builder" else [top_html, body_html]
        return ('<div class="et_pb_section et_pb_section_0 et_section_regular">\n<div class="et_pb_row et_pb_row_0">\n'
                '<div class="et_pb_column et_pb_column_4_4 et_pb_column_0 et-last-child">\n' + "\n".join(
                    f'<div class="et_pb_module et_pb_text et_pb_text_{i} et_pb_bg_layout_light et_pb_text_align_left">'
                    f'\n<div class="et_pb_text_inner">\n{m}\n</div>\n</div> <!-- .et_pb_text -->'
                    for i, m in enumerate(modules) if m)
                + "\n</div> <!-- .et_pb_column -->\n</div> <!-- .et_pb_row -->\n</div> <!-- .et_pb_section -->")
    inner = f"{top_html}\n{body_html}"
    return f'<div class="article-body">\n<div dir="ltr">\n{inner}\n</div>\n</div>' if look.wrapper == "div" else inner


def _sharing(url: str, post_id: int, icons: bool) -> str:
    text = (lambda label: f'<span></span><span class="sharing-screen-reader-text">Click to share on {label} '
            f'(Opens in new window)</span>') if icons else (lambda label: f"<span>{label}</span>")
    items = "".join(f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{key}-{post_id}" '
                    f'class="share-{key} sd-button share-icon{" no-text" if icons else ""}" href="{url}?share={key}" '
                    f'target="_blank" title="Click to share on {label}">{text(label)}</a></li>' for key, label in SHARES)
    return (f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social '
            f'sd-social-icon{"" if icons else "-text"} sd-sharing"><h3 class="sd-title">Share this:</h3>'
            f'<div class="sd-content"><ul>{items}<li class="share-end"></li></ul></div></div></div>')


def _likes(base: str, post_id: int) -> str:
    return (f"<div class='sharedaddy sd-block sd-like jetpack-likes-widget-wrapper jetpack-likes-widget-unloaded' "
            f"id='like-post-wrapper-129384712-{post_id}' data-src='https://widgets.wp.com/likes/#blog_id=129384712"
            f"&amp;post_id={post_id}&amp;origin={base.split('//')[1]}'><h3 class=\"sd-title\">Like this:</h3>"
            f"<div class='likes-widget-placeholder post-likes-widget-placeholder' style='height: 55px;'><span "
            f"class='button'><span>Like</span></span> <span class=\"loading\">Loading...</span></div></div>")


def _related(site, base: str, story: Story, visual: bool) -> str:
    """Jetpack related posts, linked through ?p= shortlinks (with a teaser when ``visual``)."""
    posts = []
    for i, pid in enumerate(story.related):
        other = site.story_by_id(pid)
        if other is None:
            continue
        title = title_html(other, story_rng(other, "rel"), site.markup.headline, False)
        teaser = (f'<p class="jp-relatedposts-post-excerpt">{escape(" ".join(other.body[0].split()[:18]) + "…", other.old)}'
                  f"</p>") if visual else ""
        posts.append(f'<div class="jp-relatedposts-post jp-relatedposts-post{i}" data-post-id="{pid}"><span '
                     f'class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{base}/?p={pid}" '
                     f'title="{title_attr(other)}" rel="nofollow" data-position="{i}">{title}</a></span>{teaser}'
                     f'<span class="jp-relatedposts-post-date">{short_date(other)}</span><span class="jp-relatedposts-'
                     f'post-context">In &quot;{site.categories[other.category]}&quot;</span></div>')
    return (f"<div id='jp-relatedposts' class='jp-relatedposts' ><h3 class=\"jp-relatedposts-headline\"><em>Related"
            f"</em></h3><div class=\"jp-relatedposts-items\">{''.join(posts)}</div></div>")


def _tags(site, base: str, story: Story) -> str:
    slash = "/" if site.markup.slash else ""
    links = ", ".join(f'<a href="{base}/tag/{slug}{slash}" rel="tag">{name}</a>' for slug, name in story.tags)
    element = "div" if site.markup.tags_in_content else "p"
    return f'<{element} class="post-tags">Tags: {links}</{element}>' if story.tags else ""


def _post_classes(story: Story, categories: list[str]) -> str:
    thumb = " has-post-thumbnail" if story.image else ""
    return (f"type-post status-publish format-standard{thumb} hentry"
            + "".join(f" category-{c}" for c in categories))


def article_page(site, base: str, story: Story, path: str, post_id: int, canonical: str | None) -> str:
    """Divi's single-post template for ``story`` served at ``path``."""
    m, look = site.markup, story.look
    rng = story_rng(story, "article")
    own_url = base + path
    headline = title_html(story, rng, m.headline)
    top = []
    if story.has_h1:
        inner = {"a": f'<a href="{own_url}">{headline}</a>', "em": f"<em>{headline}</em>"}.get(look.h1_inner, headline)
        top.append(f'<h1 class="entry-title">{inner}</h1>')
    where, media = _media(story) if story.media_id is not None else ("", "")
    top += [media] if where == "title" else []
    top += [post_meta(site, base, story, story.categories, story.meta)] if story.meta.post_meta else []
    top += [media] if where == "meta" else []
    if story.image:
        in_meta = [b for b in CAPTION_FORMS[look.caption] if b.startswith("meta_")]
        top.append(_caption_block(in_meta[0], story, base, rng) if in_meta else featured(base, story))
    after = [_tags(site, base, story)] if m.tags_in_content else []
    after += [_sharing(own_url, post_id, m.jetpack == "icons")]
    after += [_likes(base, post_id)] if m.jetpack == "icons" else []
    after.append(_related(site, base, story, m.jetpack == "icons"))
    opening = ('<div class="et_pb_module et_pb_post_content et_pb_post_content_0_tb_body">'
               if look.wrapper == "post_content" else '<div class="entry-content">')
    tag_classes = "".join(f" tag-{slug}" for slug, _ in story.tags)
    left = f"""\t\t\t\t\t\t\t<article id="post-{post_id}" class="et_pb_post post-{post_id} post {_post_classes(story, story.categories)}{tag_classes}">
\t\t\t\t\t<div class="et_post_meta_wrapper">
\t\t\t\t\t\t{chr(10).join(top)}
\t\t\t\t\t</div> <!-- .et_post_meta_wrapper -->
\t\t\t\t{opening}
{content(site, base, story, own_url, post_id)}
{chr(10).join(after)}
\t\t\t\t\t</div> <!-- .entry-content -->
\t\t\t\t\t<div class="et_post_meta_wrapper">
\t\t\t\t\t{"" if m.tags_in_content else _tags(site, base, story)}
\t\t\t\t\t</div> <!-- .et_post_meta_wrapper -->
\t\t\t\t</article> <!-- .et_pb_post -->"""
    body_class = f"post-template-default single single-post postid-{post_id} single-format-standard"
    if look.wrapper in ("builder", "builder2", "post_content"):
        body_class += " et_pb_pagebuilder_layout"
    return page(site, base, headline + TITLE_SUFFIXES[story.title_form], body_class, left,
                _article_head(site, base, story, own_url, canonical, post_id))


def attachment_page(site, base: str, story: Story) -> str:
    """An image attachment page: the image and its caption, no article."""
    aid, img = story.attachment_id, story.image
    src = base + story.upload_path()
    left = f"""\t\t\t\t\t\t\t<article id="post-{aid}" class="et_pb_post post-{aid} attachment type-attachment status-inherit hentry">
\t\t\t\t\t<div class="et_post_meta_wrapper"><h1 class="entry-title">{img.slug}</h1></div>
\t\t\t\t<div class="entry-content">
<p class="attachment"><a href="{src}"><img width="300" height="200" src="{src}" class="attachment-medium size-medium" alt="{attr(img.full)}" /></a></p>
<p>{escape(img.full, story.old)}</p>
\t\t\t\t\t</div> <!-- .entry-content -->
\t\t\t\t</article> <!-- .et_pb_post -->"""
    extra = (f'<link rel="canonical" href="{base}{story.attachment_path}" />\n'
             f"<link rel='shortlink' href='{base}/?p={aid}' />")
    body_class = (f"attachment attachment-template-default single single-attachment postid-{aid} "
                  f"attachmentid-{aid} attachment-jpeg")
    return page(site, base, f"{img.slug}{TITLE_SUFFIXES[0]}", body_class, left, extra)


# ----- listings ----------------------------------------------------------------------------------
def entry_link(base: str, entry: Entry, form: str) -> str:
    url, story = base + entry.path, entry.story
    return {"plain": url, "article": url, "share": f"{url}?share=facebook", "slash": f"{url}/",
            "shortlink": f"{base}/?p={entry.post_id}",
            "attachment": base + story.attachment_path if story.image else url}[form]


def entry_html(site, base: str, entry: Entry, style) -> str:
    """One post on a listing page, in ``style`` (an EntryStyle)."""
    story, look = entry.story, entry.story.look
    rng = story_rng(story, f"entry{entry.post_id}-{entry.category}")
    own = entry.path == story.path
    link = entry_link(base, entry, entry.link_form)
    if own and entry.link_form == "plain":
        link += (f"?utm_source=aawsat&amp;utm_medium=archive&amp;utm_campaign={entry.category}" if look.utm
                 else look.link_suffix)
    image = ""
    if story.image and style.image_is_link:
        image = f'<a class="entry-featured-image-url" href="{link}">{featured(base, story)}</a>'
    elif story.image and entry.image_link and (look.listing_image or not own):
        image = (f'<a class="entry-featured-image-url" href="{entry_link(base, entry, entry.image_link)}">'
                 f"{featured(base, story)}</a>")
    headline = title_html(story, rng, site.markup.headline)
    title = f'<h2 class="entry-title"><a href="{link}">{headline}</a></h2>' if style.title_link else \
        f'<h2 class="entry-title">{headline}</h2>'
    more = f' <a href="{link}" class="more-link">read more</a>'
    if entry.full and style.title_link:   # (a listing whose titles carry no link shows excerpts only)
        text = f'<div class="entry-content">{content(site, base, story, base + entry.path, entry.post_id)}</div>'
    elif style.more == "div":
        text = (f'<div class="post-content"><p>{excerpt(story)}</p>\n'
                f'<a href="{base}{entry.path}" class="more-link" >read more</a></div>')
    elif style.more == "p" or (style.more == "p_no_image" and not story.image):
        text = f"<p>{excerpt(story)}{more}</p>"
    else:
        text = f"<p>{excerpt(story)}</p>"
    classes = style.classes.format(id=entry.post_id) + " " + _post_classes(story, entry.categories)
    if entry.sticky:
        classes = classes.replace(" hentry", " sticky hentry")
    return f"""\t\t\t\t\t<{style.element} id="post-{entry.post_id}" class="{classes}">
\t\t\t\t\t\t{image}
\t\t\t\t\t\t\t{title}
\t\t\t\t\t{post_meta(site, base, story, entry.categories)}{text}
\t\t\t\t\t</{style.element}> <!-- .et_pb_post -->"""


def _pagination(site, base: str, root: str, page_no: int, n_pages: int, style, older: str | None) -> str:
    def href(n: int) -> str:
        return base + site.listing_target(root, n) + ("/" if style.link_slash and not site.markup.slash else "")

    older = older or (href(page_no + 1) if page_no < n_pages else None)
    newer = href(page_no - 1) if page_no > 1 else None
    if style.kind == "none":   # only <link rel="next"> in the head
        return ""
    if style.kind == "pagenavi":
        parts = [f"<span class='pages'>Page {page_no} of {n_pages}</span>"]
        parts += [f'<a class="previouspostslink" rel="prev" href="{newer}">&laquo;</a>'] if newer else []
        parts += [f"<span aria-current='page' class='current'>{n}</span>" if n == page_no else
                  f'<a class="page larger" title="Page {n}" href="{href(n)}">{n}</a>' for n in range(1, n_pages + 1)]
        parts += [f'<a class="nextpostslink" rel="next" href="{older}">&raquo;</a>'] if older else []
        return f"<div class='wp-pagenavi' role='navigation'>\n{''.join(parts)}\n</div>"
    older_link = f'<a href="{older}"{style.gap}>&laquo; Older Entries</a>' if older else ""
    newer_link = f'<a href="{newer}"{style.gap}>Next Entries &raquo;</a>' if newer else ""
    left, right = (newer_link, older_link) if style.swapped else (older_link, newer_link)
    return (f'<div class="pagination clearfix">\n\t<div class="alignleft">{left}</div>\n'
            f'\t<div class="alignright">{right}</div>\n</div>')


def listing_page(site, base: str, root: str, name: str, body_class: str, entries: list[Entry], page_no: int,
                 n_pages: int, older_href: str | None = None) -> str:
    """Page ``page_no`` of an archive listing rooted at ``root`` (e.g. /category/opinion);
    ``older_href`` replaces the "« Older Entries" target (fault mode: pagination traps)."""
    m = site.markup
    slug = root.rsplit("/", 1)[-1] if root.startswith("/category/") else ""
    links = [f'<link rel="canonical" href="{base}{site.listing_target(root, page_no)}" />']
    if page_no > 1:
        links.append(f'<link rel="prev" href="{base}{site.listing_target(root, page_no - 1)}" />')
    if older_href or page_no < n_pages:
        links.append(f'<link rel="next" href="{older_href or base + site.listing_target(root, page_no + 1)}" />')
    if slug and slug == m.sticky_category and site.sticky is not None:
        s = site.sticky
        entries = [Entry(s, s.post_id, s.path, s.category, sticky=True)] + entries
    style = m.entries.get(slug, m.entry)
    items = "\n".join(entry_html(site, base, e, style) for e in entries)
    left = f"{items}\n{_pagination(site, base, root, page_no, n_pages, m.paginations.get(slug, m.pagination), older_href)}"
    suffix = f" - Page {page_no} of {n_pages}" if page_no > 1 else ""
    if page_no > 1:
        body_class += f" paged paged-{page_no}"
    return page(site, base, f"{escape(name)} Archives{suffix}{TITLE_SUFFIXES[0]}", body_class, left, "\n".join(links))


def _slider(site, base: str) -> str:
    slides = []
    for i, story in enumerate(site.newest(4)):
        bg = f' style="background-image:url({base}{story.upload_path()});"' if story.image else ""
        teaser = escape(" ".join(story.body[0].split()[:25]) + "...", story.old)
        slides.append(
            f'<div class="et_pb_slide et_pb_slide_{i} et_pb_bg_layout_dark{" et-pb-active-slide" if i == 0 else ""}"{bg}>'
            f'<div class="et_pb_container clearfix"><div class="et_pb_slide_description">\n'
            f'\t\t<h2 class="et_pb_slide_title"><a href="{base}{story.path}">'
            f'{title_html(story, story_rng(story, "slide"), site.markup.headline)}</a></h2>\n'
            f'\t\t<div class="et_pb_slide_content"><p>{teaser}</p></div>\n'
            f'\t\t<div class="et_pb_button_wrapper"><a href="{base}{story.path}" class="et_pb_button et_pb_more_button">'
            f"Read More</a></div>\n\t</div></div>\n</div>")
    return ('<div class="et_pb_module et_pb_slider et_pb_slider_0 et_slider_auto">\n<div class="et_pb_slides">\n'
            + "\n".join(slides) + "\n</div>\n</div> <!-- .et_pb_slider -->")


def home_page(site, base: str) -> str:
    """The newest posts as a blog listing; the slider home adds a Divi slider above them."""
    posts = "\n".join(entry_html(site, base, Entry(s, s.post_id, s.path, s.category), site.markup.entry)
                      for s in site.newest(6))
    title = f"{SITE_NAME} | Middle-east Arab News Opinion"
    canonical = f'<link rel="canonical" href="{base}/" />'
    if site.markup.home == "slider":
        left = f'{_slider(site, base)}\n<div class="et_pb_module et_pb_posts et_pb_blog_0">\n{posts}\n</div>'
        return page(site, base, title, "home page-template-default page et_pb_pagebuilder_layout", left, canonical)
    return page(site, base, title, "home blog", posts, canonical)
