"""HTML of variant 2 (see :mod:`tests.replica.variant2`): articles, listings, home page.

Same site, same stories as variant 0 (a few edited as variant 2 says); a third set of
WordPress/Divi/Jetpack markup choices.  Listing URLs are variant 0's (no trailing slash).
"""
from __future__ import annotations

import json
from datetime import timedelta, timezone

from .layout import SITE_NAME, TITLE_SUFFIXES, page
from .markup import NUMERIC, attr, doubled_spaces, escape, odd_text, story_rng, title_attr, title_html
from .model import Entry, PageMeta, Story
from .render import _related, _sharing, _tags, short_date
from .textgen import straighten, switch_quotes

ALL_META = PageMeta(pm_author=True, pm_date=True, pm_cat=True)
NAMED = {"\u2026": "&hellip;", "\u2013": "&ndash;", "\u2014": "&mdash;"}


# ----- text -----------------------------------------------------------------------------------
def title_html_v2(story: Story, rng, odd: bool = True) -> str:
    """The title as WordPress writes it: numeric and named entities for typographic
    characters (``&#8211;``, ``&#8220;``, ``&hellip;``), ``&#039;`` for apostrophes;
    2005-2008 items keep variant 0's ``&#34`` forms."""
    if story.double_escape or story.old:
        return title_html(story, rng, odd)
    out = []
    for ch in story.title:
        if ch in NAMED and rng.random() < 0.5:
            out.append(NAMED[ch])
        elif ch in NUMERIC or ch == "\u2026":
            out.append(f"&#{ord(ch)};")
        elif ch == "'":
            out.append("&#039;")
        elif ch == '"':
            out.append(rng.choice(["&quot;", "&#34;"]))
        elif ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        else:
            out.append(ch)
    text = "".join(out)
    if odd and rng.random() < 0.1:
        text = text.replace(" ", "&nbsp;", 1)
    return text


def byline(story: Story) -> str:
    return story.v2.byline_text


def post_meta_v2(site, base: str, story: Story, category: str, meta: PageMeta = ALL_META) -> str:
    """Divi's post meta; ``postmeta_bare``: no span wrappers, the date as plain text."""
    v2 = story.v2
    by = "By" if v2.by_caps else "by"
    name = escape(byline(story))
    link = (f'<a href="{base}/author/{story.author_slug}" title="Posts by {attr(byline(story))}" '
            f'rel="author">{name}</a>')
    parts = []
    if meta.pm_author:
        parts.append(f"{by} {link}" if v2.postmeta_bare
                     else f'{by} <span class="author vcard">{link}</span>')
    if meta.pm_date:
        parts.append(short_date(story) if v2.postmeta_bare
                     else f'<span class="published">{short_date(story)}</span>')
    if meta.pm_cat:
        parts.append(f'<a href="{base}/category/{category}" rel="category tag">'
                     f'{site.categories[category]}</a>')
    return f'<p class="post-meta">{" | ".join(parts)}</p>'


# ----- <head> ---------------------------------------------------------------------------------
def _iso(story: Story) -> str:
    return story.v2.shown_time(story.published).isoformat()


def _json_ld(site, base: str, story: Story, url: str) -> str:
    m, v2 = story.meta, story.v2
    data = {"@context": "http://schema.org", "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url}, "headline": story.title}
    if m.ld_date:
        if v2.ld_z:
            data["datePublished"] = story.published.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            data["datePublished"] = story.published.isoformat()
    if v2.ld_created:   # the draft's creation, hours before publication
        created = story.published - timedelta(hours=3, minutes=story.post_id % 50)
        data["dateCreated"] = created.isoformat()
    if v2.ld_org_author:
        data["author"] = {"@type": "Organization", "name": "Asharq Al-Awsat"}
    elif m.ld_author:
        people = [{"@type": "Person", "name": n} for n in story.authors]
        data["author"] = people[0] if len(people) == 1 else people
    if m.ld_section:
        data["articleSection"] = site.categories[story.category]
    if story.image:
        data["image"] = {"@type": "ImageObject", "url": base + story.upload_path(), "width": 1080,
                         "height": 675}
    data["publisher"] = {"@type": "Organization", "name": "Asharq Al-Awsat",
                         "logo": {"@type": "ImageObject",
                                  "url": f"{base}/wp-content/uploads/2017/01/logo.png"}}
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def _article_head(site, base: str, story: Story, own_url: str, canonical: str | None,
                  post_id: int) -> str:
    m, v2 = story.meta, story.v2
    og_title = title_attr(story) + (attr(f" | {SITE_NAME}") if v2.og_title_suffix else "")
    lines = [f'<meta name="description" content="{attr(_plain_excerpt(story, 155))}" />']
    if canonical:
        lines.append(f'<link rel="canonical" href="{canonical}" />')
    lines += ['<meta property="og:locale" content="en_US" />',
              '<meta property="og:type" content="article" />',
              f'<meta property="og:title" content="{og_title}" />',
              f'<meta property="og:description" content="{attr(_plain_excerpt(story, 155))}" />']
    if canonical:
        lines.append(f'<meta property="og:url" content="{canonical}" />')
    lines.append(f'<meta property="og:site_name" content="{SITE_NAME}" />')
    for _, name in story.tags:
        lines.append(f'<meta property="article:tag" content="{attr(name)}" />')
    if m.og_section:
        lines.append(f'<meta property="article:section" content="{site.categories[story.category]}" />')
    if m.og_time:
        lines.append(f'<meta property="article:published_time" content="{_iso(story)}" />')
    if m.meta_author:
        lines.append(f'<meta name="author" content="{attr(byline(story))}" />')
    if story.image:
        lines.append(f'<meta property="og:image" content="{base}{story.upload_path()}" />')
    if m.ld:
        lines.append(_json_ld(site, base, story, canonical or own_url))
    lines.append(f"<link rel='shortlink' href='{base}/?p={post_id}' />")
    return "\n".join(lines)


# ----- entry content --------------------------------------------------------------------------
def _img(story: Story, src: str, alt: str, classes: str) -> str:
    return (f'<img class="{classes} wp-image-{story.attachment_id}" src="{src}" alt="{alt}" '
            f'width="1024" height="683" />')


def _caption_in_content(story: Story, base: str, rng) -> str:
    img, form = story.image, story.v2.caption_form
    src = base + story.upload_path()
    if form == "triple":
        repeat = escape(doubled_spaces(switch_quotes(img.full), rng), story.old)
        return (f'<figure id="attachment_{story.attachment_id}" class="wp-caption aligncenter">'
                f'<a href="{base}{story.attachment_path}">'
                f'{_img(story, src, attr(straighten(img.full)), "size-large")}</a>'
                f'<figcaption class="wp-caption-text">{escape(img.full, story.old)}</figcaption></figure>\n'
                f"<p><strong>Caption:</strong> {repeat}</p>")
    if form == "none" and rng.random() < 0.5:   # the picture once more, still without caption
        return f'<p>{_img(story, src, title_attr(story), "aligncenter size-large")}</p>'
    return ""   # meta_plain: in the meta wrapper; span: with the Media ID


def _paragraph(i: int, text: str, story: Story, rng) -> str:
    prefix = ""
    if story.qa_prefixes and story.strong_prefix:
        for p in story.qa_prefixes:
            if text.startswith(p + " "):
                prefix, text = f"<strong>{escape(p, story.old)}</strong> ", text[len(p) + 1:]
                break
    inner = prefix + odd_text(text, rng, story.old, odd=0.4, em=0.1 if i else 0.0)
    kind = story.v2.kinds[i]
    if kind == "quote":
        return f'<blockquote class="wp-block-quote"><p>{inner}</p></blockquote>'
    if kind == "li":
        return f"<li>{inner}</li>"
    tag = story.v2.para_tag
    return f"<{tag}>{inner}</{tag}>"


AD = ('<script async src="//pagead2.googlesyndication.com/pagead/js/adsbygoogle.js"></script>\n'
      '<ins class="adsbygoogle" style="display:block; text-align:center;" data-ad-layout="in-article" '
      'data-ad-format="fluid" data-ad-client="ca-pub-7241386720592810" data-ad-slot="4518293012"></ins>\n'
      '<script>\n     (adsbygoogle = window.adsbygoogle || []).push({});\n</script>')


def _social(story: Story, url: str, post_id: int, where: str) -> str:
    nets = [("facebook", "Facebook", f"http://www.facebook.com/sharer.php?u={url}&#038;t="),
            ("twitter", "Twitter", f"http://twitter.com/share?text=&#038;url={url}"),
            ("whatsapp", "WhatsApp", f"whatsapp://send?text={url}")]
    items = "".join(
        f'<li class="et_social_{key}"><a href="{href}{attr(story.title) if key == "facebook" else ""}" '
        f'class="et_social_share" rel="nofollow" data-social_name="{key}" data-post_id="{post_id}" '
        f'data-social_type="share" data-location="inline"><i class="et_social_icon et_social_icon_{key}"></i>'
        f'<div class="et_social_network_label"><div class="et_social_networkname">{label}</div></div>'
        f'<span class="et_social_overlay"></span></a></li>' for key, label, href in nets)
    return (f'<div class="et_social_inline et_social_mobile_on et_social_inline_{where}">'
            f'<div class="et_social_networks et_social_autowidth et_social_slide et_social_rounded '
            f'et_social_top et_social_no_animation et_social_outer_dark">'
            f'<ul class="et_social_icons_container">{items}</ul></div></div>')


def content_v2(story: Story, base: str, url: str, post_id: int) -> tuple[str, str]:
    """(top part: Media ID and captions, body part) of the entry content."""
    rng = story_rng(story, "content-v2")
    v2 = story.v2
    top = []
    if v2.social == "top":
        top.append(_social(story, url, post_id, "top"))
    if story.media_id is not None:
        if v2.media_form == "plain":
            top.append(f"<p>Media ID: {story.media_id}</p>")
        elif v2.media_form == "span":
            top.append(f'<p><span class="media-id">Media ID: {story.media_id}</span><br />\n'
                       f"{escape(story.image.full, story.old)}</p>")
    if story.image:
        cap = _caption_in_content(story, base, rng)
        if cap:
            top.append(cap)
    body = []
    in_list = False
    for i, text in enumerate(story.body):
        if i in v2.spacers:
            body.append(rng.choice(["<p>&nbsp;</p>", "<p>\u00a0</p>"]))
        kind = v2.kinds[i]
        if kind == "li" and not in_list:
            body.append("<ul>")
            in_list = True
        elif kind != "li" and in_list:
            body.append("</ul>")
            in_list = False
        body.append(_paragraph(i, text, story, rng))
        if i == v2.ad_after and kind != "li":
            body.append(AD)
    if in_list:
        body.append("</ul>")
    if v2.social == "bottom":
        body.append(_social(story, url, post_id, "bottom"))
    return "\n".join(top), "\n".join(body)


def _builder(modules: list[str]) -> str:
    mods = "\n".join(
        f'<div class="et_pb_module et_pb_text et_pb_text_{i} et_pb_bg_layout_light  et_pb_text_align_left">\n'
        f'<div class="et_pb_text_inner">\n{m}\n</div>\n</div> <!-- .et_pb_text -->'
        for i, m in enumerate(modules) if m)
    return ('<div class="et_pb_section et_pb_section_0 et_section_regular">\n'
            '<div class="et_pb_row et_pb_row_0">\n'
            '<div class="et_pb_column et_pb_column_4_4 et_pb_column_0  et_pb_css_mix_blend_mode_passthrough et-last-child">\n'
            f'{mods}\n</div> <!-- .et_pb_column -->\n</div> <!-- .et_pb_row -->\n</div> <!-- .et_pb_section -->')


def _featured(base: str, story: Story, alt: str) -> str:
    return f'<img src="{base}{story.upload_path()}" alt="{alt}" class="" width=\'1080\' height=\'675\' />'


def _featured_alt(story: Story) -> str:
    if story.image.caption is None:
        return title_attr(story)
    return attr(straighten(story.image.full))


def _meta_wrapper(site, base: str, story: Story, rng) -> str:
    v2 = story.v2
    top = []
    if story.has_h1:
        top.append(f'<h1 class="entry-title">{title_html_v2(story, rng)}</h1>')
    if story.media_id is not None and v2.media_form == "title":
        top.append(f'<p class="media-id">Media ID: {story.media_id}</p>')
    if story.meta.post_meta:
        top.append(post_meta_v2(site, base, story, story.category, story.meta))
    if story.image:
        top.append(_featured(base, story, _featured_alt(story)))
        if v2.caption_form == "meta_plain":
            top.append(f'<p class="wp-caption-text">{escape(story.image.full, story.old)}</p>')
    return "\n\t\t\t\t\t\t".join(top)


def article_page(site, base: str, story: Story, path: str, post_id: int,
                 canonical: str | None) -> str:
    """Divi single-post template for ``story`` served at ``path`` (variant 2)."""
    rng = story_rng(story, "article-v2")
    v2 = story.v2
    own_url = base + path
    head_title = title_html_v2(story, rng) + TITLE_SUFFIXES[story.title_form]
    top, body = content_v2(story, base, own_url, post_id)
    jetpack = f"{_sharing(own_url, post_id)}\n{_related(site, base, story)}"
    if v2.template == "builder":
        content = f'<div class="entry-content">\n{_builder([top + chr(10) + body])}\n{jetpack}\n</div> <!-- .entry-content -->'
    elif v2.template == "builder2":
        content = f'<div class="entry-content">\n{_builder([top, body])}\n{jetpack}\n</div> <!-- .entry-content -->'
    elif v2.template == "post_content":
        content = (f'<div class="et_pb_module et_pb_post_content et_pb_post_content_0_tb_body">\n'
                   f'{top}\n{body}\n{jetpack}\n</div> <!-- .et_pb_post_content -->')
    else:
        content = f'<div class="entry-content">\n{top}\n{body}\n{jetpack}\n\t\t\t\t\t</div> <!-- .entry-content -->'
    tag_classes = "".join(f" tag-{slug}" for slug, _ in story.tags)
    thumb = " has-post-thumbnail" if story.image else ""
    left = f"""\t\t\t\t\t\t\t<article id="post-{post_id}" class="et_pb_post post-{post_id} post type-post status-publish format-standard{thumb} hentry category-{story.category}{tag_classes}">
\t\t\t\t\t<div class="et_post_meta_wrapper">
\t\t\t\t\t\t{_meta_wrapper(site, base, story, rng)}
\t\t\t\t\t\t\t\t\t\t\t\t</div> <!-- .et_post_meta_wrapper -->
\t\t\t\t{content}
\t\t\t\t\t<div class="et_post_meta_wrapper">
\t\t\t\t\t{_tags(base, story)}
\t\t\t\t\t</div> <!-- .et_post_meta_wrapper -->
\t\t\t\t</article> <!-- .et_pb_post -->"""
    extra = _article_head(site, base, story, own_url, canonical, post_id)
    body_class = f"post-template-default single single-post postid-{post_id} single-format-standard"
    if v2.template != "classic":
        body_class += " et_pb_pagebuilder_layout"
    return page(site, base, head_title, body_class, left, extra)


# ----- listings ---------------------------------------------------------------------------------
def _plain_excerpt(story: Story, limit: int) -> str:
    pieces = []
    if story.media_id is not None:
        pieces.append(f"Media ID: {story.media_id}")
    if story.image and story.image.full:
        pieces.append(story.image.full)
    pieces.extend(story.body)
    text = " ".join(pieces)
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "..."
    return text


def _link(base: str, entry: Entry, form: str, utm: bool) -> str:
    url = base + entry.path
    if form in ("plain", "article"):
        return f"{url}?utm_source=aawsat&amp;utm_medium=archive&amp;utm_campaign={entry.category}" \
            if utm else url
    return {"share": f"{url}?share=facebook", "slash": f"{url}/",
            "shortlink": f"{base}/?p={entry.post_id}",
            "attachment": base + entry.story.attachment_path if entry.story.image else url}[form]


def entry_html(site, base: str, entry: Entry, sticky: bool = False) -> str:
    """One post on a listing page: the link only in the title (featured image link only
    where an oddity is planned)."""
    story = entry.story
    v2 = story.v2
    rng = story_rng(story, f"entry-v2-{entry.post_id}")
    own = entry.path == story.path
    utm = v2.utm and own and entry.link_form == "plain"
    image = ""
    if story.image and entry.image_link and (v2.image_link or not own):
        image = (f'<a href="{_link(base, entry, entry.image_link, False)}" class="entry-featured-image-url">'
                 f'{_featured(base, story, _featured_alt(story))}</a>')
    if entry.full:
        top, body = content_v2(story, base, base + entry.path, entry.post_id)
        text = f'<div class="entry-content">\n{top}\n{body}\n</div>'
    else:
        text = f"<p>{escape(_plain_excerpt(story, 270), story.old)}</p>"
    thumb = " has-post-thumbnail" if story.image else ""
    sticky_class = " sticky" if sticky else ""
    return f"""\t\t\t\t\t<article id="post-{entry.post_id}" class="et_pb_post clearfix post-{entry.post_id} post type-post status-publish format-standard{thumb}{sticky_class} hentry category-{entry.category}">
\t\t\t\t\t\t{image}
\t\t\t\t\t\t\t<h2 class="entry-title"><a href="{_link(base, entry, entry.link_form, utm)}">{title_html_v2(story, rng)}</a></h2>
\t\t\t\t\t{post_meta_v2(site, base, story, entry.category)}{text}
\t\t\t\t\t</article> <!-- .et_pb_post -->"""


def _pagination(base: str, root: str, page_no: int, n_pages: int, older_href: str | None = None) -> str:
    if older_href is None and page_no < n_pages:
        older_href = f"{base}{root}/page/{page_no + 1}"
    older = f'<a href="{older_href}">&laquo; Older Entries</a>' if older_href else ""
    newer_path = root if page_no == 2 else f"{root}/page/{page_no - 1}"
    newer = f'<a href="{base}{newer_path}">Next Entries &raquo;</a>' if page_no > 1 else ""
    return (f'<div class="pagination clearfix">\n\t<div class="alignleft">{older}</div>\n'
            f'\t<div class="alignright">{newer}</div>\n</div>')


def sticky_entry(site, root: str) -> Entry | None:
    from .variant2 import STICKY_CATEGORY
    story = getattr(site, "v2_sticky", None)
    if story is None or root != f"/category/{STICKY_CATEGORY}":
        return None
    return Entry(story, story.post_id, story.path, story.category, "plain", "article", False)


def listing_page(site, base: str, root: str, name: str, body_class: str,
                 entries: list[Entry], page_no: int, n_pages: int, older_href: str | None = None) -> str:
    """Page ``page_no`` of an archive listing rooted at ``root`` (variant 0's URLs)."""
    own = root if page_no == 1 else f"{root}/page/{page_no}"
    links = [f'<link rel="canonical" href="{base}{own}" />']
    if page_no > 1:
        links.append(f'<link rel="prev" href="{base}{root if page_no == 2 else f"{root}/page/{page_no - 1}"}" />')
    if older_href:
        links.append(f'<link rel="next" href="{older_href}" />')
    elif page_no < n_pages:
        links.append(f'<link rel="next" href="{base}{root}/page/{page_no + 1}" />')
    items = [entry_html(site, base, e) for e in entries]
    sticky = sticky_entry(site, root)
    if sticky is not None:
        items.insert(0, entry_html(site, base, sticky, sticky=True))
    left = "\n".join(items) + f"\n{_pagination(base, root, page_no, n_pages, older_href)}"
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
