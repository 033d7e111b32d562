"""HTML of variant 1 (see :mod:`tests.replica.variant1`): articles, listings, home page.

Same site, same stories as variant 0; other WordPress/Divi/Jetpack markup choices.
"""
from __future__ import annotations

import hashlib
import json

from .layout import SITE_NAME, TITLE_SUFFIXES, page
from .markup import SEPARATORS, attr, doubled_spaces, escape, excerpt, story_rng, title_attr, title_html_v1
from .model import Entry, PageMeta, Story
from .render import SHARES, _entry_link, short_date
from .textgen import straighten, switch_quotes
from .words import TAGS

ALL_META = PageMeta(pm_author=True, pm_date=True, pm_cat=True)


def long_date(story: Story) -> str:
    d = story.published
    return f"{d:%B} {d.day}, {d.year}"


def post_meta_v1(site, base: str, story: Story, categories: list[str],
                 meta: PageMeta = ALL_META) -> str:
    """Post meta with the author link inside the vcard span, "F j, Y" dates and every
    category of the post."""
    parts = []
    if meta.pm_author:
        parts.append(f'<span class="author vcard">by <a href="{base}/author/{story.author_slug}/" '
                     f'title="Posts by {attr(story.byline)}" rel="author">{escape(story.byline)}</a></span>')
    if meta.pm_date:
        parts.append(f'<span class="published">{long_date(story)}</span>')
    if meta.pm_cat:
        parts.append(", ".join(f'<a href="{base}/category/{c}/" rel="category tag">{site.categories[c]}</a>'
                               for c in categories))
    return f'<p class="post-meta">{" | ".join(parts)}</p>'


# ----- <head> ---------------------------------------------------------------------------
def _times(story: Story) -> tuple[str, str]:
    v1 = story.v1
    return (v1.shown_time(story.published).isoformat(), v1.shown_time(v1.modified).isoformat())


def _json_ld_graph(site, base: str, story: Story, url: str) -> str:
    """Yoast-style JSON-LD: one @graph with Organization, WebSite, WebPage, NewsArticle."""
    m, v1 = story.meta, story.v1
    published, modified = _times(story)
    webpage = {"@type": "WebPage", "@id": f"{url}#webpage", "url": url,
               "name": f"{story.title} - {SITE_NAME}", "isPartOf": {"@id": f"{base}/#website"},
               "inLanguage": "en-US"}
    article = {"@type": "NewsArticle", "@id": f"{url}#article", "isPartOf": {"@id": f"{url}#webpage"},
               "mainEntityOfPage": {"@id": f"{url}#webpage"}, "headline": story.title}
    graph = [{"@type": "Organization", "@id": f"{base}/#organization", "name": "Asharq Al-Awsat",
              "url": f"{base}/"},
             {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": SITE_NAME,
              "publisher": {"@id": f"{base}/#organization"}},
             webpage, article]
    if m.ld_date:
        webpage["datePublished"] = article["datePublished"] = published
        webpage["dateModified"] = article["dateModified"] = modified
    if m.ld_author:
        person = {"@type": "Person", "name": story.byline}
        if v1.ld_author_ref:
            pid = f"{base}/#/schema/person/{hashlib.md5(story.author_slug.encode()).hexdigest()}"
            article["author"] = {"@id": pid}
            graph.append({"@type": ["Person"], "@id": pid, **{k: v for k, v in person.items() if k != "@type"}})
        else:
            article["author"] = person
    if m.ld_section:
        names = [site.categories[c] for c in v1.categories]
        article["articleSection"] = names if len(names) > 1 else names[0]
    if story.image:
        article["image"] = {"@id": f"{url}#primaryimage"}
        graph.append({"@type": "ImageObject", "@id": f"{url}#primaryimage",
                      "url": base + story.upload_path(), "width": 1024, "height": 683})
    article["publisher"] = {"@id": f"{base}/#organization"}
    data = {"@context": "https://schema.org", "@graph": graph}
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f"<script type='application/ld+json' class='yoast-schema-graph'>{text}</script>"


def _article_head(site, base: str, story: Story, own_url: str, canonical: str | None,
                  post_id: int) -> str:
    m, v1 = story.meta, story.v1
    published, modified = _times(story)
    lines = ["<!-- This site is optimized with the Yoast SEO plugin v11.4 -->"]
    if canonical:
        lines.append(f'<link rel="canonical" href="{canonical}" />')
    og_title = title_attr(story) + (attr(f" - {SITE_NAME}") if v1.og_title_suffix else "")
    lines += ['<meta property="og:locale" content="en_US" />',
              '<meta property="og:type" content="article" />',
              f'<meta property="og:title" content="{og_title}" />']
    if canonical:
        lines.append(f'<meta property="og:url" content="{canonical}" />')
    lines.append(f'<meta property="og:site_name" content="{SITE_NAME}" />')
    if m.og_section:
        lines.append(f'<meta property="article:section" content="{site.categories[story.category]}" />')
    if m.og_time:
        lines.append(f'<meta property="article:published_time" content="{published}" />')
        lines.append(f'<meta property="article:modified_time" content="{modified}" />')
        lines.append(f'<meta property="og:updated_time" content="{modified}" />')
    if m.meta_author:
        lines.append(f'<meta name="author" content="{attr(story.byline)}" />')
    if story.image:
        lines.append(f'<meta property="og:image" content="{base}{story.upload_path()}" />')
    lines.append('<meta name="twitter:card" content="summary_large_image" />')
    if m.ld:
        lines.append(_json_ld_graph(site, base, story, canonical or own_url))
    lines.append("<!-- / Yoast SEO plugin. -->")
    lines.append(f"<link rel='shortlink' href='{base}/?p={post_id}' />")
    return "\n".join(lines)


# ----- entry content ------------------------------------------------------------------------
TAG_WORDS = {name: slug for slug, name in TAGS}


def _tag_spot(words: list[str]) -> tuple[int, int, str, str] | None:
    """A tag's display name written in the text (from the seventh word on):
    (first word, number of words, tag slug, trailing punctuation)."""
    for i in range(6, len(words)):
        for name, slug in TAG_WORDS.items():
            names = name.split(" ")
            last = words[i + len(names) - 1] if i + len(names) <= len(words) else ""
            stem = last.rstrip(",.;:")
            if words[i:i + len(names) - 1] == names[:-1] and stem == names[-1]:
                return i, len(names), slug, last[len(stem):]
    return None


def _inline(text: str, story: Story, base: str, rng, links: bool = True) -> str:
    """Escape one paragraph; odd word gaps, and inline <a>/<em>/<strong> never in the first
    six words (the dateline).  Links go to another post, to an outside site, or (as an
    auto-linking plugin does) from a tag's name in the text to that tag's archive."""
    old = story.old
    words = text.split(" ")
    parts = [escape(w, old, numeric=0.5, rng=rng) for w in words]
    if len(parts) > 9 and rng.random() < 0.45:
        kind = rng.choice(["a", "a", "em", "strong"] if links else ["em", "strong"])
        spot = _tag_spot(words) if kind == "a" and rng.random() < 0.6 else None
        if spot:
            start, span, slug, punct = spot
            parts[start] = f'<a href="{base}/tag/{slug}/">' + parts[start]
            end = start + span - 1
            parts[end] = parts[end][:len(parts[end]) - len(punct)] + "</a>" + punct
        else:
            start = rng.randrange(6, len(parts) - 3)
            span = rng.randint(1, 3)
            if kind == "a":
                target = story.related[0] if story.related else story.post_id
                href = rng.choice(["https://www.un.org/en/", f"{base}/?p={target}"])
                opening, closing = f'<a href="{href}">', "</a>"
            else:
                opening, closing = f"<{kind}>", f"</{kind}>"
            parts[start] = opening + parts[start]
            parts[start + span - 1] += closing
    gaps = [" "] * (len(parts) - 1)
    if gaps and rng.random() < 0.5:
        for i in rng.sample(range(len(gaps)), min(len(gaps), rng.randint(1, 2))):
            gaps[i] = rng.choice(SEPARATORS)
    return parts[0] + "".join(g + p for g, p in zip(gaps, parts[1:]))


def _lead(text: str, story: Story, base: str, rng) -> str:
    """The lead: the dateline may be bold (``<strong>Cairo, Asharq Al-Awsat-</strong> The``)."""
    v1 = story.v1
    n = v1.dateline_len
    if v1.dateline_strong and n and text[n:n + 1] == " ":
        return (f"<strong>{escape(text[:n], story.old)}</strong> "
                + _inline(text[n + 1:], story, base, rng, links=False))
    return _inline(text, story, base, rng)


def _paragraph(i: int, text: str, story: Story, base: str, rng) -> str:
    kind = story.v1.kinds[i]
    if kind == "h3":
        return f"<h3>{escape(text, story.old)}</h3>"
    if i == 0:
        inner = _lead(text, story, base, rng)
    elif story.qa_prefixes and story.strong_prefix and any(text.startswith(p + " ") for p in story.qa_prefixes):
        p = next(p for p in story.qa_prefixes if text.startswith(p + " "))
        inner = f"<strong>{escape(p, story.old)}</strong> " + _inline(text[len(p) + 1:], story, base, rng)
    else:
        inner = _inline(text, story, base, rng)
    if kind == "quote":
        return f"<blockquote><p>{inner}</p></blockquote>"
    attrs = rng.choices(["", ' dir="ltr"', ' style="text-align: justify;"'], [70, 15, 15])[0]
    return f"<p{attrs}>{inner}</p>"


def _spacer(rng) -> str:
    return rng.choice(["<p>&nbsp;</p>", "<p>\u00a0</p>", "<p> &nbsp; </p>"])


def _img(story: Story, src: str, alt: str, classes: str) -> str:
    return (f'<img class="{classes} wp-image-{story.attachment_id}" src="{src}" alt="{alt}" '
            f'width="1024" height="683" srcset="{src} 1024w, {src[:-4]}-300x200.jpg 300w" '
            f'sizes="(max-width: 1024px) 100vw, 1024px" />')


def _repeat(story: Story, rng) -> str:
    """The caption once more as a plain paragraph: other quotes, other spacing."""
    return f"<p>{escape(doubled_spaces(switch_quotes(story.image.full), rng), story.old)}</p>"


def _caption_in_content(story: Story, base: str, rng) -> str:
    """The caption copies shown inside entry-content (by ``story.v1.caption_form``)."""
    img = story.image
    form = story.v1.caption_form
    src = base + story.upload_path()
    full = escape(img.full, story.old)
    link = f"{base}{story.attachment_path}"
    if form in ("figure", "figure_repeat"):
        out = (f'<figure id="attachment_{story.attachment_id}" aria-describedby="caption-attachment-'
               f'{story.attachment_id}" style="width: 1024px" class="wp-caption aligncenter">'
               f'<a href="{link}">{_img(story, src, attr(straighten(img.full)), "size-large")}</a>'
               f'<figcaption id="caption-attachment-{story.attachment_id}" class="wp-caption-text">'
               f'{full}</figcaption></figure>')
        return out + ("\n" + _repeat(story, rng) if form == "figure_repeat" else "")
    if form == "alt_para":
        return (f'<p><a href="{link}">{_img(story, src, attr(straighten(img.full)), "aligncenter size-large")}'
                f"</a></p>\n<p>{full}</p>")
    if form == "label_para":
        label = "<strong>Caption:</strong>" if story.v1.label_strong else "Caption:"
        return (f'<p>{_img(story, src, "", "aligncenter size-full")}</p>\n'
                f"<p>{label}</p>\n<p>{full}</p>")
    if form == "in_meta_repeat":
        return _repeat(story, rng)
    return ""   # in_meta: the caption is in the meta wrapper; media_p: with the Media ID


def _media_in_content(story: Story) -> str:
    mid, form = story.media_id, story.v1.media_form
    if form == "bare":
        return f"Media ID: {mid}<br />"
    if form == "strong":
        return f"<p><strong>Media ID:</strong> {mid}</p>"
    if form == "nbsp":
        return f"<p>Media ID:&nbsp;{mid}</p>"
    if form == "plain":
        return f"<p>Media ID: {mid}</p>"
    if form == "caption":
        return f"<p>Media ID: {mid}<br />\n{escape(story.image.full, story.old)}</p>"
    return ""   # meta: in the meta wrapper


def content_v1(story: Story, base: str) -> str:
    """Media ID, caption copies and body paragraphs, in the story's wrapper."""
    rng = story_rng(story, "content-v1")
    v1 = story.v1
    parts = []
    if story.media_id is not None and v1.media_form != "meta":
        parts.append(_media_in_content(story))
    if story.image:
        cap = _caption_in_content(story, base, rng)
        if cap:
            parts.append(cap)
    if v1.wrapper == "br":
        blocks = [_inline(t, story, base, rng, links=False) for t in story.body]
        parts.append("<p>" + "<br />\n<br />\n".join(blocks) + "</p>")
    else:
        for i, text in enumerate(story.body):
            if i in v1.spacers:
                parts.append(_spacer(rng))
            parts.append(_paragraph(i, text, story, base, rng))
    inner = "\n".join(parts)
    if v1.wrapper == "builder":
        return ('<div class="et_pb_section et_pb_section_0 et_section_regular">\n'
                '<div class="et_pb_row et_pb_row_0">\n'
                '<div class="et_pb_column et_pb_column_4_4 et_pb_column_0  et_pb_css_mix_blend_mode_passthrough et-last-child">\n'
                '<div class="et_pb_module et_pb_text et_pb_text_0 et_pb_bg_layout_light  et_pb_text_align_left">\n'
                f'<div class="et_pb_text_inner">\n{inner}\n</div>\n</div> <!-- .et_pb_text -->\n'
                '</div> <!-- .et_pb_column -->\n</div> <!-- .et_pb_row -->\n</div> <!-- .et_pb_section -->')
    if v1.wrapper == "div":
        return f'<div class="article-body">\n<div dir="ltr">\n{inner}\n</div>\n</div>'
    return inner


def _tags_v1(base: str, story: Story) -> str:
    if not story.tags:
        return ""
    links = ", ".join(f'<a href="{base}/tag/{slug}/" rel="tag">{name}</a>' for slug, name in story.tags)
    return f'<div class="post-tags">Tags: {links}</div>'


def _sharing_v1(url: str, post_id: int) -> str:
    items = "".join(
        f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{key}-{post_id}" '
        f'class="share-{key} sd-button share-icon no-text" href="{url}?share={key}" target="_blank" '
        f'title="Click to share on {label}"><span></span><span class="sharing-screen-reader-text">'
        f'Click to share on {label} (Opens in new window)</span></a></li>' for key, label in SHARES)
    return (f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social '
            f'sd-social-icon sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content">'
            f'<ul>{items}<li class="share-end"></li></ul></div></div></div>')


def _likes(base: str, post_id: int) -> str:
    return (f"<div class='sharedaddy sd-block sd-like jetpack-likes-widget-wrapper jetpack-likes-widget-unloaded' "
            f"id='like-post-wrapper-129384712-{post_id}-5d1a2b3c4d5e6' data-src='https://widgets.wp.com/likes/"
            f"#blog_id=129384712&amp;post_id={post_id}&amp;origin={base.split('//')[1]}&amp;obj_id=129384712-{post_id}' "
            f"data-name='like-post-frame-129384712-{post_id}'><h3 class=\"sd-title\">Like this:</h3>"
            f"<div class='likes-widget-placeholder post-likes-widget-placeholder' style='height: 55px;'>"
            f"<span class='button'><span>Like</span></span> <span class=\"loading\">Loading...</span></div>"
            f"<span class='sd-text-color'></span><a class='sd-link-color'></a></div>")


def _related_v1(site, base: str, story: Story) -> str:
    posts = []
    for i, pid in enumerate(story.related):
        other = site.story_by_id(pid)
        if other is None:
            continue
        teaser = escape(" ".join(other.body[0].split()[:18]) + "\u2026", other.old)
        posts.append(
            f'<div class="jp-relatedposts-post jp-relatedposts-post{i} jp-relatedposts-post-thumbs" '
            f'data-post-id="{pid}" data-post-format="false"><a class="jp-relatedposts-post-a" '
            f'href="{base}/?p={pid}" title="{title_attr(other)}" rel="nofollow" data-origin="{story.post_id}" '
            f'data-position="{i}"></a><h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" '
            f'href="{base}/?p={pid}" rel="nofollow" data-position="{i}">'
            f'{title_html_v1(other, story_rng(other, "rel"), False)}</a></h4>'
            f'<p class="jp-relatedposts-post-excerpt">{teaser}</p>'
            f'<p class="jp-relatedposts-post-date">{short_date(other)}</p>'
            f'<p class="jp-relatedposts-post-context">In &quot;{site.categories[other.category]}&quot;</p></div>')
    return (f"<div id='jp-relatedposts' class='jp-relatedposts' ><h3 class=\"jp-relatedposts-headline\">"
            f"<em>Related</em></h3><div class=\"jp-relatedposts-items jp-relatedposts-items-visual "
            f"jp-relatedposts-grid\">{''.join(posts)}</div></div>")


def _featured(base: str, story: Story) -> str:
    alt = {"title": title_attr(story), "empty": "",
           "caption": attr(straighten(story.image.full))}[story.v1.featured_alt]
    return (f'<img src="{base}{story.upload_path()}" alt="{alt}" class="" width=\'1080\' height=\'675\' />')


def _meta_wrapper(site, base: str, story: Story, rng) -> str:
    v1 = story.v1
    top = []
    if story.has_h1:
        top.append(f'<h1 class="entry-title">{title_html_v1(story, rng)}</h1>')
    if story.meta.post_meta:
        top.append(post_meta_v1(site, base, story, v1.categories, story.meta))
    if story.media_id is not None and v1.media_form == "meta":
        top.append(f'<div class="media-id">Media ID: {story.media_id}</div>')
    if story.image:
        if v1.caption_form in ("in_meta", "in_meta_repeat"):
            top.append(f'<div id="attachment_{story.attachment_id}" style="width: 1090px" '
                       f'class="wp-caption alignnone">{_featured(base, story)}'
                       f'<p class="wp-caption-text">{escape(story.image.full, story.old)}</p></div>')
        else:
            top.append(_featured(base, story))
    return "\n\t\t\t\t\t\t".join(top)


def article_page(site, base: str, story: Story, path: str, post_id: int,
                 canonical: str | None) -> str:
    """Divi single-post template for ``story`` served at ``path`` (variant 1)."""
    rng = story_rng(story, "article-v1")
    own_url = base + path
    head_title = title_html_v1(story, rng) + TITLE_SUFFIXES[story.title_form]
    cat_classes = "".join(f" category-{c}" for c in story.v1.categories)
    tag_classes = "".join(f" tag-{slug}" for slug, _ in story.tags)
    thumb = " has-post-thumbnail" if story.image else ""
    left = f"""\t\t\t\t\t\t\t<article id="post-{post_id}" class="et_pb_post post-{post_id} post type-post status-publish format-standard{thumb} hentry{cat_classes}{tag_classes}">
\t\t\t\t\t<div class="et_post_meta_wrapper">
\t\t\t\t\t\t{_meta_wrapper(site, base, story, rng)}
\t\t\t\t\t\t\t\t\t\t\t\t</div> <!-- .et_post_meta_wrapper -->
\t\t\t\t<div class="entry-content">
{content_v1(story, base)}
{_tags_v1(base, story)}
{_sharing_v1(own_url, post_id)}
{_likes(base, post_id)}
{_related_v1(site, base, story)}
\t\t\t\t\t</div> <!-- .entry-content -->
\t\t\t\t\t<div class="et_post_meta_wrapper">
\t\t\t\t\t</div> <!-- .et_post_meta_wrapper -->
\t\t\t\t</article> <!-- .et_pb_post -->"""
    extra = _article_head(site, base, story, own_url, canonical, post_id)
    body_class = f"post-template-default single single-post postid-{post_id} single-format-standard et_pb_pagebuilder_layout" \
        if story.v1.wrapper == "builder" else \
        f"post-template-default single single-post postid-{post_id} single-format-standard"
    return page(site, base, head_title, body_class, left, extra)


# ----- listings -----------------------------------------------------------------------------
def entry_html(site, base: str, entry: Entry) -> str:
    """One post on a listing page: featured image, title, post meta, excerpt, "read more"."""
    story = entry.story
    rng = story_rng(story, f"entry-v1-{entry.post_id}-{entry.category}")
    image = ""
    if story.image and entry.image_link:
        image = (f'<a href="{_entry_link(base, entry, entry.image_link)}" class="entry-featured-image-url">'
                 f'{_featured(base, story)}</a>')
    cats = story.v1.categories if entry.path == story.path else [entry.category]
    plain = base + entry.path
    if entry.full:
        text = f'<div class="entry-content">{content_v1(story, base)}</div>'
    else:
        text = (f'<div class="post-content"><p>{excerpt(story)}</p>\n'
                f'<a href="{plain}" class="more-link" >read more</a></div>')
    thumb = " has-post-thumbnail" if story.image else ""
    cat_classes = "".join(f" category-{c}" for c in cats)
    return f"""\t\t\t\t\t<article id="post-{entry.post_id}" class="et_pb_post clearfix post-{entry.post_id} post type-post status-publish format-standard{thumb} hentry{cat_classes}">
\t\t\t\t\t\t{image}
\t\t\t\t\t\t\t<h2 class="entry-title"><a href="{_entry_link(base, entry, entry.link_form)}">{title_html_v1(story, rng)}</a></h2>
\t\t\t\t\t{post_meta_v1(site, base, story, cats)}{text}
\t\t\t\t\t</article> <!-- .et_pb_post -->"""


def _page_path(root: str, page_no: int) -> str:
    return f"{root}/" if page_no == 1 else f"{root}/page/{page_no}/"


def _pagination(base: str, root: str, page_no: int, n_pages: int, older_href: str | None = None) -> str:
    if older_href is None and page_no < n_pages:
        older_href = f"{base}{_page_path(root, page_no + 1)}"
    older = f'<a href="{older_href}" >&laquo; Older Entries</a>' if older_href else ""
    newer = (f'<a href="{base}{_page_path(root, page_no - 1)}" >Next Entries &raquo;</a>'
             if page_no > 1 else "")
    return (f'<div class="pagination clearfix">\n\t<div class="alignleft">{older}</div>\n'
            f'\t<div class="alignright">{newer}</div>\n</div>')


def listing_page(site, base: str, root: str, name: str, body_class: str,
                 entries: list[Entry], page_no: int, n_pages: int, older_href: str | None = None) -> str:
    """Page ``page_no`` of an archive listing; every listing URL ends with a slash.

    ``older_href`` replaces the "« Older Entries" target (fault mode: pagination traps).
    """
    links = [f'<link rel="canonical" href="{base}{_page_path(root, page_no)}" />']
    if page_no > 1:
        links.append(f'<link rel="prev" href="{base}{_page_path(root, page_no - 1)}" />')
    if older_href:
        links.append(f'<link rel="next" href="{older_href}" />')
    elif page_no < n_pages:
        links.append(f'<link rel="next" href="{base}{_page_path(root, page_no + 1)}" />')
    items = "\n".join(entry_html(site, base, e) for e in entries)
    left = f"{items}\n{_pagination(base, root, page_no, n_pages, older_href)}"
    suffix = f" - Page {page_no} of {n_pages}" if page_no > 1 else ""
    title = f"{escape(name)} Archives{suffix}{TITLE_SUFFIXES[0]}"
    if page_no > 1:
        body_class += " paged paged-%d" % page_no
    return page(site, base, title, body_class, left, "\n".join(links))


def _slider(site, base: str) -> str:
    slides = []
    for i, story in enumerate(site.newest(4)):
        rng = story_rng(story, "slide")
        bg = f' style="background-image:url({base}{story.upload_path()});"' if story.image else ""
        active = " et-pb-active-slide" if i == 0 else ""
        teaser = escape(" ".join(story.body[0].split()[:25]) + "...", story.old)
        slides.append(
            f'<div class="et_pb_slide et_pb_slide_{i} et_pb_bg_layout_dark et_pb_media_alignment_center{active}"{bg}>\n'
            f'\t<div class="et_pb_container clearfix"><div class="et_pb_slider_container_inner">'
            f'<div class="et_pb_slide_description">\n'
            f'\t\t<h2 class="et_pb_slide_title"><a href="{base}{story.path}">{title_html_v1(story, rng)}</a></h2>\n'
            f'\t\t<div class="et_pb_slide_content"><p>{teaser}</p></div>\n'
            f'\t\t<div class="et_pb_button_wrapper"><a href="{base}{story.path}" class="et_pb_button '
            f'et_pb_more_button">Read More</a></div>\n\t</div></div></div>\n</div>')
    return ('<div class="et_pb_module et_pb_slider et_pb_slider_0 et_pb_slider_fullwidth_off '
            'et_slider_auto et_slider_speed_7000">\n<div class="et_pb_slides">\n'
            + "\n".join(slides) + "\n</div>\n</div> <!-- .et_pb_slider -->")


def home_page(site, base: str) -> str:
    entries = [Entry(s, s.post_id, s.path, s.category, "plain", "article", False)
               for s in site.newest(6)]
    posts = "\n".join(entry_html(site, base, e) for e in entries)
    left = (f"{_slider(site, base)}\n"
            f'<div class="et_pb_module et_pb_posts et_pb_blog_0">\n{posts}\n</div>')
    title = f"{SITE_NAME} | Middle-east Arab News Opinion"
    return page(site, base, title, "home page-template-default page et_pb_pagebuilder_layout", left,
                f'<link rel="canonical" href="{base}/" />')
