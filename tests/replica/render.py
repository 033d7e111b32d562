"""HTML of the replica's pages: articles, listings, attachment pages, home page."""
from __future__ import annotations

import json

from .layout import SITE_NAME, TITLE_SUFFIXES, page
from .markup import attr, content_core, escape, excerpt, story_rng, title_attr, title_html
from .model import Entry, PageMeta, Story
from .textgen import straighten

ALL_META = PageMeta(pm_author=True, pm_date=True, pm_cat=True)
SHARES = [("twitter", "Twitter"), ("facebook", "Facebook"), ("telegram", "Telegram"),
          ("jetpack-whatsapp", "WhatsApp")]


def short_date(story: Story) -> str:
    d = story.published
    return f"{d:%b} {d.day}, {d.year}"


def post_meta(site, base: str, story: Story, category: str, meta: PageMeta = ALL_META) -> str:
    """Divi's post-meta line (listing form); on articles only the parts ``meta`` allows."""
    parts = []
    if meta.pm_author:
        parts.append(f' by <span class="author vcard"><a href="{base}/author/{story.author_slug}" '
                     f'title="Posts by {attr(story.byline)}" rel="author">{escape(story.byline)}</a></span>')
    if meta.pm_date:
        parts.append(f'<span class="published">{short_date(story)}</span>')
    if meta.pm_cat:
        parts.append(f'<a href="{base}/category/{category}" rel="category tag">'
                     f'{site.categories[category]}</a>')
    return f'<p class="post-meta">{" | ".join(parts)}</p>'


def _json_ld(site, base: str, story: Story, url: str) -> str:
    m = story.meta
    data = {"@context": "https://schema.org", "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url}, "headline": story.title}
    if m.ld_date:
        data["datePublished"] = story.published.isoformat()
    if m.ld_author:
        people = [{"@type": "Person", "name": n} for n in story.authors]
        data["author"] = people[0] if len(people) == 1 else people
    if m.ld_section:
        data["articleSection"] = site.categories[story.category]
    if story.image:
        data["image"] = {"@type": "ImageObject", "url": base + story.upload_path()}
    data["publisher"] = {"@type": "Organization", "name": "Asharq Al-Awsat"}
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def _article_head(site, base: str, story: Story, own_url: str, canonical: str | None,
                  post_id: int) -> str:
    m = story.meta
    lines = []
    if canonical:
        lines.append(f'<link rel="canonical" href="{canonical}" />')
    lines += ['<meta property="og:locale" content="en_US" />',
              '<meta property="og:type" content="article" />',
              f'<meta property="og:title" content="{title_attr(story)}" />']
    if canonical:
        lines.append(f'<meta property="og:url" content="{canonical}" />')
    lines.append(f'<meta property="og:site_name" content="{SITE_NAME}" />')
    if m.og_section:
        lines.append(f'<meta property="article:section" content="{site.categories[story.category]}" />')
    if m.og_time:
        lines.append(f'<meta property="article:published_time" content="{story.published.isoformat()}" />')
    if m.meta_author:
        lines.append(f'<meta name="author" content="{attr(story.byline)}" />')
    if story.image:
        lines.append(f'<meta property="og:image" content="{base}{story.upload_path()}" />')
    if m.ld:
        lines.append(_json_ld(site, base, story, canonical or own_url))
    lines.append(f"<link rel='shortlink' href='{base}/?p={post_id}' />")
    return "\n".join(lines)


def _sharing(url: str, post_id: int) -> str:
    items = "".join(
        f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{key}-{post_id}" '
        f'class="share-{key} sd-button share-icon" href="{url}?share={key}" target="_blank" '
        f'title="Click to share on {label}"><span>{label}</span></a></li>' for key, label in SHARES)
    return (f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social '
            f'sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content">'
            f'<ul>{items}<li class="share-end"></li></ul></div></div></div>')


def _related(site, base: str, story: Story) -> str:
    posts = []
    for i, pid in enumerate(story.related):
        other = site.story_by_id(pid)
        if other is None:
            continue
        posts.append(
            f'<p class="jp-relatedposts-post jp-relatedposts-post{i}" data-post-id="{pid}" data-post-format="false">'
            f'<span class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{base}/?p={pid}" '
            f'title="{title_attr(other)}" rel="nofollow" data-position="{i}">{title_html(other, story_rng(other, "rel"), False)}</a></span>'
            f'<span class="jp-relatedposts-post-date">{short_date(other)}</span>'
            f'<span class="jp-relatedposts-post-context">In &quot;{site.categories[other.category]}&quot;</span></p>')
    return (f"<div id='jp-relatedposts' class='jp-relatedposts' ><h3 class=\"jp-relatedposts-headline\">"
            f"<em>Related</em></h3><div class=\"jp-relatedposts-items jp-relatedposts-items-minimal\">"
            f"{''.join(posts)}</div></div>")


def _tags(base: str, story: Story) -> str:
    if not story.tags:
        return ""
    links = ", ".join(f'<a href="{base}/tag/{slug}" rel="tag">{name}</a>' for slug, name in story.tags)
    return f'<p class="post-tags">Tags: {links}</p>'


def _featured(base: str, story: Story) -> str:
    return (f'<img src="{base}{story.upload_path()}" alt="{attr(straighten(story.image.full))}" '
            f"class=\"\" width='1080' height='675' />")


def article_page(site, base: str, story: Story, path: str, post_id: int,
                 canonical: str | None) -> str:
    """Divi single-post template for ``story`` served at ``path``."""
    rng = story_rng(story, "article")
    own_url = base + path
    head_title = title_html(story, rng) + TITLE_SUFFIXES[story.title_form]
    top = []
    if story.has_h1:
        top.append(f'<h1 class="entry-title">{title_html(story, rng)}</h1>')
    if story.meta.post_meta:
        top.append(post_meta(site, base, story, story.category, story.meta))
    if story.image:
        top.append(_featured(base, story))
    tag_classes = "".join(f" tag-{slug}" for slug, _ in story.tags)
    thumb = " has-post-thumbnail" if story.image else ""
    left = f"""\t\t\t\t\t\t\t<article id="post-{post_id}" class="et_pb_post post-{post_id} post type-post status-publish format-standard{thumb} hentry category-{story.category}{tag_classes}">
\t\t\t\t\t<div class="et_post_meta_wrapper">
\t\t\t\t\t\t{"".join(top)}
\t\t\t\t\t\t\t\t\t\t\t\t</div> <!-- .et_post_meta_wrapper -->
\t\t\t\t<div class="entry-content">
{content_core(story, base)}
{_sharing(own_url, post_id)}
{_related(site, base, story)}
\t\t\t\t\t</div> <!-- .entry-content -->
\t\t\t\t\t<div class="et_post_meta_wrapper">
\t\t\t\t\t{_tags(base, story)}
\t\t\t\t\t</div> <!-- .et_post_meta_wrapper -->
\t\t\t\t</article> <!-- .et_pb_post -->"""
    extra = _article_head(site, base, story, own_url, canonical, post_id)
    body_class = f"post-template-default single single-post postid-{post_id} single-format-standard"
    return page(site, base, head_title, body_class, left, extra)


def _entry_link(base: str, entry: Entry, form: str) -> str:
    url = base + entry.path
    return {"plain": url, "article": url, "share": f"{url}?share=facebook", "slash": f"{url}/",
            "shortlink": f"{base}/?p={entry.post_id}",
            "attachment": base + entry.story.attachment_path if entry.story.image else url}[form]


def entry_html(site, base: str, entry: Entry) -> str:
    """One post on a listing page (Divi archive template)."""
    story = entry.story
    rng = story_rng(story, f"entry{entry.post_id}")
    image = ""
    if story.image and entry.image_link:
        image = (f'<a class="entry-featured-image-url" href="{_entry_link(base, entry, entry.image_link)}">'
                 f'{_featured(base, story)}</a>')
    text = f"<div class=\"entry-content\">{content_core(story, base)}</div>" if entry.full \
        else f"<p>{excerpt(story)}</p>"
    thumb = " has-post-thumbnail" if story.image else ""
    return f"""\t\t\t\t\t<article id="post-{entry.post_id}" class="et_pb_post post-{entry.post_id} post type-post status-publish format-standard{thumb} hentry category-{entry.category}">
\t\t\t\t\t\t{image}
\t\t\t\t\t\t\t<h2 class="entry-title"><a href="{_entry_link(base, entry, entry.link_form)}">{title_html(story, rng)}</a></h2>
\t\t\t\t\t{post_meta(site, base, story, entry.category)}{text}
\t\t\t\t\t</article> <!-- .et_pb_post -->"""


def _pagination(base: str, root: str, page_no: int, n_pages: int, older_href: str | None = None) -> str:
    if older_href is None and page_no < n_pages:
        older_href = f"{base}{root}/page/{page_no + 1}"
    older = f'<a href="{older_href}" >&laquo; Older Entries</a>' if older_href else ""
    newer_path = root if page_no == 2 else f"{root}/page/{page_no - 1}"
    newer = f'<a href="{base}{newer_path}" >Next Entries &raquo;</a>' if page_no > 1 else ""
    return (f'<div class="pagination clearfix">\n\t<div class="alignleft">{older}</div>\n'
            f'\t<div class="alignright">{newer}</div>\n</div>')


def listing_page(site, base: str, root: str, name: str, body_class: str,
                 entries: list[Entry], page_no: int, n_pages: int, older_href: str | None = None) -> str:
    """Page ``page_no`` of an archive listing rooted at ``root`` (e.g. /category/opinion).

    ``older_href`` replaces the "« Older Entries" target (fault mode: pagination traps).
    """
    own = root if page_no == 1 else f"{root}/page/{page_no}"
    links = [f'<link rel="canonical" href="{base}{own}" />']
    if page_no > 1:
        links.append(f'<link rel="prev" href="{base}{root if page_no == 2 else f"{root}/page/{page_no - 1}"}" />')
    if older_href:
        links.append(f'<link rel="next" href="{older_href}" />')
    elif page_no < n_pages:
        links.append(f'<link rel="next" href="{base}{root}/page/{page_no + 1}" />')
    items = "\n".join(entry_html(site, base, e) for e in entries)
    left = f"{items}\n{_pagination(base, root, page_no, n_pages, older_href)}"
    suffix = f" - Page {page_no} of {n_pages}" if page_no > 1 else ""
    title = f"{escape(name)} Archives{suffix}{TITLE_SUFFIXES[0]}"
    if page_no > 1:
        body_class += " paged paged-%d" % page_no
    return page(site, base, title, body_class, left, "\n".join(links))


def home_page(site, base: str) -> str:
    entries = [Entry(s, s.post_id, s.path, s.category, "plain", "article", False)
               for s in site.newest(6)]
    left = "\n".join(entry_html(site, base, e) for e in entries)
    title = f"{SITE_NAME} | Middle-east Arab News Opinion"
    return page(site, base, title, "home blog", left, f'<link rel="canonical" href="{base}/" />')


def attachment_page(site, base: str, story: Story) -> str:
    """An image attachment page: the image and its caption, no article."""
    aid = story.attachment_id
    img = story.image
    src = base + story.upload_path()
    left = f"""\t\t\t\t\t\t\t<article id="post-{aid}" class="et_pb_post post-{aid} attachment type-attachment status-inherit hentry">
\t\t\t\t\t<div class="et_post_meta_wrapper">
\t\t\t\t\t\t<h1 class="entry-title">{img.slug}</h1>
\t\t\t\t\t</div> <!-- .et_post_meta_wrapper -->
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
