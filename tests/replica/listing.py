"""Listing pages of the archive (category, tag and author archives, the home page).

Entry and pagination markup per category come from ``site.markup`` (:mod:`tests.replica.variants`).
"""
from __future__ import annotations

from .article import content, featured, post_classes, post_meta
from .chrome import SITE_NAME, TITLE_SUFFIXES, page
from .model import Entry
from .text import escape, excerpt, story_rng, title_html


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
    classes = style.classes.format(id=entry.post_id) + " " + post_classes(story, entry.categories)
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
        entries = [Entry(s, s.post_id, s.path, s.category, sticky=True), *entries]
    style = m.entries.get(slug, m.entry)
    items = "\n".join(entry_html(site, base, e, style) for e in entries)
    pagination = m.paginations.get(slug, m.pagination)
    left = f"{items}\n{_pagination(site, base, root, page_no, n_pages, pagination, older_href)}"
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
            f'<div class="et_pb_slide et_pb_slide_{i} et_pb_bg_layout_dark'
            f'{" et-pb-active-slide" if i == 0 else ""}"{bg}>'
            f'<div class="et_pb_container clearfix"><div class="et_pb_slide_description">\n'
            f'\t\t<h2 class="et_pb_slide_title"><a href="{base}{story.path}">'
            f'{title_html(story, story_rng(story, "slide"), site.markup.headline)}</a></h2>\n'
            f'\t\t<div class="et_pb_slide_content"><p>{teaser}</p></div>\n'
            f'\t\t<div class="et_pb_button_wrapper"><a href="{base}{story.path}" '
            f'class="et_pb_button et_pb_more_button">'
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
