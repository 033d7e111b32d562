"""Variant 4: variant 0's stories and pages, with other navigation markup.

Only the way to the stories changes (menu, listing entries, pagination); articles,
the home page's entries, tag and author listings are variant 0's, byte for byte.
Choices other replicas built from the site notes might plausibly make:

- menu: ``nav#top-menu-nav > ul.nav`` (no ``#top-menu``), category links only inside a
  "Sections" sub-menu, two of them absolute on the real domain
  (``https://eng-archive.aawsat.com/category/.../``, to be rebased), some with a
  trailing slash; ``majalla-blogs`` only in the sidebar's categories widget; an extra
  empty category ``culture`` whose listing says "No Results Found".
- listing entries by category:
  news-middle-east  ``div.et_pb_post`` entries (no ``article``, no ``post`` class),
                    WP-PageNavi pagination (``div.wp-pagenavi a.nextpostslink``);
  features          ``article.post`` without ``et_pb_post``, pagination only as
                    ``<link rel="next">`` in the head;
  interviews        ``h2.entry-title`` without a link: the article link is on the
                    featured image (``a.entry-featured-image-url``), or on a
                    ``a.more-link`` when there is no image; "Older Entries" to ``/page/N/``;
  business          ``h2.entry-title`` without a link, only ``a.more-link``;
  opinion           pagination with the links the other way round: "Next Entries"
                    (newer) in ``.alignleft``, "« Older Entries" in ``.alignright``;
  sports            every entry on one page (no pagination at all);
  majalla-blogs     variant 0's markup (reachable from the sidebar only).
"""
from __future__ import annotations

from . import render
from .layout import TITLE_SUFFIXES, _header_top, _menu_item, _parent_item, page
from .markup import escape, story_rng, title_html
from .model import Entry

REAL_BASE = "https://eng-archive.aawsat.com"
EMPTY_CATEGORY = ("culture", "Culture")
ONE_PAGE = {"sports"}
# (slug, href form) in the "Sections" sub-menu; majalla-blogs is absent (sidebar only)
SECTIONS = [("news-middle-east", "real/"), ("features", "real/"), ("interviews", "/"),
            ("business", ""), ("opinion", ""), ("sports", "/")]

article_page = render.article_page
home_page = render.home_page


def per_page(root: str, n_entries: int, default: int) -> int:
    slug = root.rsplit("/", 1)[-1] if root.startswith("/category/") else None
    return max(1, n_entries) if slug in ONE_PAGE else default


def header(site, base: str) -> str:
    def href(slug: str, form: str) -> str:
        host = REAL_BASE if form.startswith("real") else base
        return f"{host}/category/{slug}{'/' if form.endswith('/') else ''}"

    items = [_menu_item(410, f"{base}/", "Home", "custom menu-item-object-custom menu-item-home")]
    links = [_menu_item(420 + i, href(slug, form), site.categories[slug]) for i, (slug, form) in enumerate(SECTIONS)]
    links.append(_menu_item(430, f"{base}/category/{EMPTY_CATEGORY[0]}", EMPTY_CATEGORY[1]))
    items.append(_parent_item(419, "Sections", "#", links))
    more = [_menu_item(450, f"{base}/about-us", "About", "post_type menu-item-object-page"),
            _menu_item(451, "https://english.aawsat.com/", "Asharq Al-Awsat Today",
                       "custom menu-item-object-custom"),
            _menu_item(452, f"{base}/members/login", "Members", "custom menu-item-object-custom")]
    items.append(_parent_item(449, "More", "#", more))
    return _header_top(base, "\n".join(items)).replace('<ul id="top-menu" class="nav">', '<ul class="nav">')


def _style(root: str) -> str:
    return root.rsplit("/", 1)[-1] if root.startswith("/category/") else ""


def entry_html(site, base: str, entry: Entry, style: str) -> str:
    if style not in ("news-middle-east", "features", "interviews", "business"):
        return render.entry_html(site, base, entry)
    story = entry.story
    rng = story_rng(story, f"entry{entry.post_id}")
    link = render._entry_link(base, entry, entry.link_form)
    thumb = " has-post-thumbnail" if story.image else ""
    more = f' <a href="{link}" class="more-link">read more</a>'
    title = f'<h2 class="entry-title"><a href="{link}">{title_html(story, rng)}</a></h2>'
    image = ""
    if story.image and entry.image_link:
        image = (f'<a class="entry-featured-image-url" href="{render._entry_link(base, entry, entry.image_link)}">'
                 f'{render._featured(base, story)}</a>')
    text = f"<p>{render.excerpt(story)}</p>"
    if style == "interviews":
        title = f'<h2 class="entry-title">{title_html(story, rng)}</h2>'
        if story.image:
            image = f'<a class="entry-featured-image-url" href="{link}">{render._featured(base, story)}</a>'
        else:
            text = f"<p>{render.excerpt(story)}{more}</p>"
    elif style == "business":
        title = f'<h2 class="entry-title">{title_html(story, rng)}</h2>'
        text = f"<p>{render.excerpt(story)}{more}</p>"
    classes = f"post-{entry.post_id} type-post status-publish format-standard{thumb} hentry category-{entry.category}"
    tag, classes = {"news-middle-east": ("div", f"et_pb_post {classes}"),
                    "features": ("article", f"post {classes}")}.get(style, ("article", f"et_pb_post post {classes}"))
    return f"""\t\t\t\t\t<{tag} id="post-{entry.post_id}" class="{classes}">
\t\t\t\t\t\t{image}
\t\t\t\t\t\t\t{title}
\t\t\t\t\t{render.post_meta(site, base, story, entry.category)}{text}
\t\t\t\t\t</{tag}> <!-- .et_pb_post -->"""


def _page_path(root: str, n: int) -> str:
    return root if n == 1 else f"{root}/page/{n}"


def pagination(base: str, root: str, page_no: int, n_pages: int, style: str) -> str:
    older_path = _page_path(root, page_no + 1) if page_no < n_pages else None
    newer_path = _page_path(root, page_no - 1) if page_no > 1 else None
    if style == "news-middle-east":   # WP-PageNavi
        parts = [f"<span class='pages'>Page {page_no} of {n_pages}</span>"]
        if newer_path:
            parts.append(f'<a class="previouspostslink" rel="prev" href="{base}{newer_path}">&laquo;</a>')
        for n in range(1, n_pages + 1):
            parts.append(f"<span aria-current='page' class='current'>{n}</span>" if n == page_no else
                         f'<a class="page larger" title="Page {n}" href="{base}{_page_path(root, n)}">{n}</a>')
        if older_path:
            parts.append(f'<a class="nextpostslink" rel="next" href="{base}{older_path}">&raquo;</a>')
        return f"<div class='wp-pagenavi' role='navigation'>\n{''.join(parts)}\n</div>"
    if style in ("features", "sports"):   # no pagination markup in the body
        return ""
    trail = "/" if style == "interviews" else ""
    older = f'<a href="{base}{older_path}{trail}" >&laquo; Older Entries</a>' if older_path else ""
    newer = f'<a href="{base}{newer_path}{trail}" >Next Entries &raquo;</a>' if newer_path else ""
    if style == "opinion":
        older, newer = newer, older
    return (f'<div class="pagination clearfix">\n\t<div class="alignleft">{older}</div>\n'
            f'\t<div class="alignright">{newer}</div>\n</div>')


def listing_page(site, base: str, root: str, name: str, body_class: str,
                 entries: list[Entry], page_no: int, n_pages: int, older_href: str | None = None) -> str:
    style = _style(root)
    if older_href is not None or style not in (
            "news-middle-east", "features", "interviews", "business", "opinion", "sports"):
        return render.listing_page(site, base, root, name, body_class, entries, page_no, n_pages, older_href)
    links = [f'<link rel="canonical" href="{base}{_page_path(root, page_no)}" />']
    if page_no > 1:
        links.append(f'<link rel="prev" href="{base}{_page_path(root, page_no - 1)}" />')
    if page_no < n_pages:
        links.append(f'<link rel="next" href="{base}{_page_path(root, page_no + 1)}" />')
    items = "\n".join(entry_html(site, base, e, style) for e in entries)
    left = f"{items}\n{pagination(base, root, page_no, n_pages, style)}"
    suffix = f" - Page {page_no} of {n_pages}" if page_no > 1 else ""
    title = f"{escape(name)} Archives{suffix}{TITLE_SUFFIXES[0]}"
    if page_no > 1:
        body_class += f" paged paged-{page_no}"
    return page(site, base, title, body_class, left, "\n".join(links))


def empty_listing(site, base: str) -> str:
    """The listing of a category with no posts: Divi's "No Results Found"."""
    slug, name = EMPTY_CATEGORY
    left = """\t\t\t\t<div class="entry">
\t<!--If no results are found-->
\t\t<h1>No Results Found</h1>
\t\t<p>The page you requested could not be found. Try refining your search, or use the navigation above to locate the post.</p>
\t</div>
<!--End if no results are found-->"""
    return page(site, base, f"{name} Archives{TITLE_SUFFIXES[0]}",
                f"archive category category-{slug} category-40", left,
                f'<link rel="canonical" href="{base}/category/{slug}" />')
