"""Article pages of the archive (WordPress + Divi + Jetpack), written from the story's look.

One set of writers for every variant: what differs is data, ``site.markup``
(:class:`~tests.replica.variants.Markup`) and ``story.look`` (:class:`~tests.replica.model.Look`).
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, timedelta
from random import Random

from .chrome import SITE_NAME, TITLE_SUFFIXES, page
from .model import PageMeta, Story
from .text import (
    attr,
    doubled_spaces,
    escape,
    excerpt,
    inline_html,
    story_rng,
    straighten,
    switch_quotes,
    title_attr,
    title_html,
)

ALL_META = PageMeta(pm_author=True, pm_date=True, pm_cat=True)
SHARES = [("twitter", "Twitter"), ("facebook", "Facebook"), ("telegram", "Telegram"),
          ("jetpack-whatsapp", "WhatsApp")]
SPACERS = ["<p>&nbsp;</p>", "<p>\u00a0</p>", "<p> &nbsp; </p>"]


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
        utc = story.published.astimezone(UTC)
        return f"{utc:%Y-%m-%dT%H:%M:%S}{'.000' if look.ld_ms else ''}Z"
    return look.shown(story.published).isoformat()


def _json_ld(site, base: str, story: Story, url: str) -> str:
    """A NewsArticle, or (``markup.json_ld == 'graph'``) a Yoast @graph of Organization, WebSite,
    WebPage and NewsArticle whose author is a Person "A and B" or a reference to one."""
    meta, look = story.meta, story.look
    article: dict[str, object] = {"@type": "NewsArticle", "mainEntityOfPage": {"@type": "WebPage", "@id": url},
                                  "headline": story.title}
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
              (f'<meta property="og:title" content="{title_attr(story)}'
               f'{attr(m.og_title_sep + SITE_NAME) if look.og_title_suffix else ""}" />')]
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
    alts = {"caption": attr(straighten(story.featured_image.full)), "title": title_attr(story), "empty": ""}
    alt = alts[story.look.featured_alt]
    return f"<img src=\"{base}{story.upload_path()}\" alt=\"{alt}\" class=\"\" width='1080' height='675' />"


def _caption_block(name: str, story: Story, base: str, rng) -> str:
    image = story.featured_image
    full, aid = escape(image.full, story.old), story.attachment_id
    link = f'<a href="{base}{story.attachment_path}">'
    alt = attr(straighten(image.full))
    label = "<strong>Caption:</strong> " if story.look.label_strong else "Caption: "
    if name in ("repeat", "label_repeat"):
        repeat = escape(doubled_spaces(switch_quotes(image.full), rng), story.old)
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
    found: dict[str, int] = {}
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
    mark = mark[1] if mark and mark[0] == i else None
    inner = prefix + inline_html(text, rng, story.old, style, links, f"{base}/tag/", mark)
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
    items = "".join(
        f'<li class="et_social_{key}"><a href="{href}" class="et_social_share" rel="nofollow" data-social_name='
        f'"{key}" data-post_id="{post_id}" data-social_type="share" data-location="inline"><i class="et_social_icon '
        f'et_social_icon_{key}"></i><div class="et_social_network_label"><div class="et_social_networkname">{label}'
        f"</div></div></a></li>" for key, label, href in nets)
    return (f'<div class="et_social_inline et_social_mobile_on et_social_inline_{where}"><div class="'
            f'et_social_networks et_social_autowidth et_social_rounded"><ul class="et_social_icons_container">'
            f"{items}</ul></div></div>")


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
        for i, (text, kind) in enumerate(zip(story.body, kinds, strict=False)):
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
    items = "".join(
        f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{key}-{post_id}" '
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
        words = " ".join(other.body[0].split()[:18]) + "\u2026"
        teaser = f'<p class="jp-relatedposts-post-excerpt">{escape(words, other.old)}</p>' if visual else ""
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


def post_classes(story: Story, categories: list[str]) -> str:
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
    classes = post_classes(story, story.categories) + "".join(f" tag-{slug}" for slug, _ in story.tags)
    left = f"""\t\t\t\t\t\t\t<article id="post-{post_id}" class="et_pb_post post-{post_id} post {classes}">
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
    aid, img = story.attachment_id, story.featured_image
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
