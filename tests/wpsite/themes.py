"""HTML of the site: post content as WordPress filters it, and three themes that draw it differently.

classic  - close to WordPress's default themes: hentry classes, vcards, posts-navigation.
magazine - a news theme with Yoast SEO: no hentry classes, dates only in meta and JSON-LD,
           block-editor figures, numbered pagination whose "next" link is an icon.
legacy   - an old Kubrick-style theme: hAtom date in an <abbr>, "A and B" as one author link,
           the featured image inside div.entry, "« Older Entries" navigation.
modules  - a news theme whose listings draw posts as <div> modules of its own (no <article>, no
           post or entry classes, no rel=bookmark) under a box of editors' picks (the same on every
           listing page, with headings), beside a rail of most-read links, and whose link to older
           posts reads "← Previous"; its posts are drawn as the classic theme's.
"""
from __future__ import annotations

import html
import json
import re

from archive_crawler.reading.typography import texturize

from .site import Media, Post, Term, WpSite

TEXTURE = str.maketrans({"\u2019": "&#8217;", "\u2018": "&#8216;", "\u201c": "&#8220;",
                         "\u201d": "&#8221;", "\u2013": "&#8211;"})


def esc(value: str) -> str:
    """Escape text the way WordPress prints it: curly quotes as numeric entities."""
    return html.escape(value).translate(TEXTURE)


def escape_urls(markup: str) -> str:
    """Write bare ampersands in href/src values as WordPress's esc_url does (``&#038;``)."""
    def fix(match):
        return f'{match[1]}="{re.sub(r"&(?![#a-zA-Z0-9]+;)", "&#038;", match[2])}"'
    return re.sub(r'(href|src)="([^"]*)"', fix, markup)


def long_date(moment) -> str:
    return f"{moment:%B} {moment.day}, {moment:%Y}"


def ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def term_links(site: WpSite, terms: list[Term], rel: str, separator: str = ", ") -> str:
    return separator.join(f'<a href="{site.term_link(t)}" rel="{rel}">{esc(t.name)}</a>' for t in terms)


def post_links(site: WpSite, posts: list[Post]) -> str:
    return "".join(f'<li><a href="{site.permalink(p)}">{esc(p.title)}</a></li>' for p in posts)


# ----- post content (also REST's content.rendered) ------------------------------------------------
def figure(site: WpSite, media: Media, style: str, wrapper: str, img_class: str, link: bool = True,
           featured: bool = False) -> str:
    """An image with its caption: classic editor ``[caption]`` markup or a block-editor figure. The
    featured image's caption is printed as typed; in the text, WordPress's typography curls it."""
    img = (f'<img class="{img_class}" src="{site.media_url(media)}" alt="{esc(media.caption[:-1])}" '
           f'width="1024" height="683">')
    if link:
        img = f'<a href="{site.attachment_link(media)}">{img}</a>'
    caption = esc(media.full_caption if featured else texturize(media.full_caption))
    if style == "block":
        return (f'<figure class="{wrapper}">{img}'
                f'<figcaption class="wp-element-caption">{caption}</figcaption></figure>')
    return (f'<div id="attachment_{media.id}" class="{wrapper}">{img}'
            f'<p id="caption-attachment-{media.id}" class="wp-caption-text">{caption}</p></div>')


def block_html(site: WpSite, post: Post, name: str) -> str:
    if name == "inline":
        assert post.inline is not None  # a post has the block only with its image
        style = THEMES[site.config.theme].figure_style
        wrapper = "wp-block-image size-large" if style == "block" else "wp-caption aligncenter"
        return figure(site, post.inline, style, wrapper, f"size-large wp-image-{post.inline.id}")
    if name == "ad":
        return ('<div class="ad ad-inline"><span class="ad-label">Advertisement</span>'
                '<ins class="adsbygoogle" style="display:block" data-ad-client="ca-pub-0000000000000000" '
                'data-ad-slot="4242"></ins>'
                '<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>')
    if name == "newsletter":
        return (f'<div class="newsletter-signup"><h4>Get {esc(site.config.title)} in your inbox</h4>'
                f'<p>Our morning briefing, every weekday at seven.</p>'
                f'<form action="{site.home}/newsletter/" method="post">'
                f'<input type="email" name="email" placeholder="Your email address">'
                f'<button type="submit">Sign up</button></form></div>')
    other = post.read_more
    assert other is not None  # a post has the block only with a post to name
    return f'<p><strong>Read more:</strong> <a href="{site.permalink(other)}">{esc(other.title)}</a></p>'


def jetpack_blocks(site: WpSite, post: Post) -> str:
    """Share buttons and related posts, as Jetpack appends them to the content."""
    buttons = "".join(
        f'<li class="share-{net}"><a rel="nofollow noopener noreferrer" class="share-{net} sd-button '
        f'share-icon" href="{site.with_query(site.permalink(post), share=net, nb=1)}" target="_blank" '
        f'title="Click to share on {label}"><span>{label}</span></a></li>'
        for net, label in (("twitter", "Twitter"), ("facebook", "Facebook")))
    section = post.categories[0]
    others = [p for p in site.posts if p is not post and p.categories[0] == section][:3]
    related = "".join(
        f'<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title">'
        f'<a href="{site.permalink(p)}">{esc(p.title)}</a></h4>'
        f'<p class="jp-relatedposts-post-context">In &quot;{esc(section.name)}&quot;</p></div>'
        for p in others)
    return (f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social '
            f'sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content">'
            f'<ul>{buttons}<li class="share-end"></li></ul></div></div></div>\n'
            f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
            f'<em>Related</em></h3><div class="jp-relatedposts-items">{related}</div></div>')


def post_content(site: WpSite, post: Post) -> str:
    parts = []
    for number, paragraph in enumerate(post.paragraphs, 1):
        parts.append(f"<p>{esc(paragraph)}</p>")
        parts += [block_html(site, post, name) for name, after in post.blocks.items() if after == number]
    if site.config.jetpack:
        parts.append(jetpack_blocks(site, post))
    return escape_urls("\n".join(parts) + "\n")


def excerpt(post: Post) -> str:
    words = post.paragraphs[0].split()
    return esc(" ".join(words[:55])) + (" [&hellip;]" if len(words) > 55 else "")


# ----- themes --------------------------------------------------------------------------------------
class Theme:
    """What every theme shares: the document shell, the single-post head, listing and simple pages.

    A theme sets its title format, page frame and featured-image markup as data, and draws its
    own article, listing entry and pagination.
    """
    figure_style = "caption"
    featured_markup = ("caption", "wp-caption", "wp-post-image")  # style, wrapper class, img class
    grid = "{}"
    title_format = frame_template = ""

    def document(self, site: WpSite, *, title: str, main: str, head: str = "", body_class: str = "") -> str:
        c = site.config
        return escape_urls(
            f'<!DOCTYPE html>\n<html lang="{c.language}">\n<head>\n<meta charset="UTF-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            f'<link rel="alternate" type="application/rss+xml" title="{esc(c.title)} &raquo; Feed" '
            f'href="{site.feed_link()}">\n<link rel="https://api.w.org/" href="{site.rest_url("/")}">\n'
            f'{head}</head>\n<body class="{body_class}">\n{self.frame(site, main)}\n</body>\n</html>\n')

    def title_tag(self, site: WpSite, title: str) -> str:
        return self.title_format.format(title=title, site=esc(site.config.title))

    def frame(self, site: WpSite, main: str) -> str:
        live = site.live_posts()
        items = [(site.term_link(t), t.name, f" ({sum(t in p.categories for p in live)})"
                  if site.config.category_counts else "") for t in site.categories]
        items += [(site.page_link(p), p.title, "") for p in site.pages]
        menu = "".join(f'<li class="menu-item"><a href="{url}">{esc(label)}</a>{count}</li>'
                       for url, label, count in items)
        return self.frame_template.format(home=site.home, site=esc(site.config.title), main=main, menu=menu,
                                          tagline=esc(site.config.tagline),
                                          recent=post_links(site, site.live_posts()[:5]))

    def featured(self, site: WpSite, post: Post) -> str:
        return figure(site, post.featured, *self.featured_markup, link=False, featured=True) if post.featured else ""

    def single(self, site: WpSite, post: Post) -> str:
        url = site.permalink(post)
        head = (f'<link rel="canonical" href="{url}">\n<link rel="shortlink" href="{site.shortlink(post)}">\n'
                f'<link rel="alternate" type="application/json" '
                f'href="{site.rest_url(f"/wp/v2/posts/{post.id}")}">\n'
                f'<link rel="alternate" type="application/json+oembed" '
                f'href="{site.rest_url("/oembed/1.0/embed", url=url)}">\n'
                f'<link rel="amphtml" href="{site.amp_link(post)}">\n{self.seo_head(site, post)}')
        body_class = f"post-template-default single single-post postid-{post.id} single-format-standard"
        return self.document(site, title=self.title_tag(site, esc(post.title)), main=self.article(site, post),
                             head=head, body_class=body_class)

    def listing(self, site: WpSite, title: str, url: str, posts: list[Post], number: int, pages: int) -> str:
        main = (f'<header class="page-header"><h1 class="page-title">{esc(title)}</h1></header>\n'
                + self.grid.format("\n".join(self.entry(site, p) for p in posts))
                + "\n" + self.pagination(site, url, number, pages))
        return self.document(site, title=self.title_tag(site, esc(title)), main=main, body_class="archive",
                             head=self.listing_head(site, url, number, pages))

    def simple(self, site: WpSite, title: str, body: str, body_class: str = "page") -> str:
        main = (f'<article class="page"><h1 class="page-title">{esc(title)}</h1>\n'
                f'<div class="page-content">{body}</div></article>')
        return self.document(site, title=self.title_tag(site, esc(title)), main=main, body_class=body_class)

    # Each theme draws its article, listing entry and pagination its own way.
    def article(self, site: WpSite, post: Post) -> str:
        raise NotImplementedError

    def entry(self, site: WpSite, post: Post) -> str:
        raise NotImplementedError

    def pagination(self, site: WpSite, url: str, number: int, pages: int) -> str:
        raise NotImplementedError

    def seo_head(self, site: WpSite, post: Post) -> str:
        return ""

    def listing_head(self, site: WpSite, url: str, number: int, pages: int) -> str:
        return ""


class Classic(Theme):
    featured_markup = ("caption", "post-thumbnail wp-caption",
                       "attachment-post-thumbnail size-post-thumbnail wp-post-image")
    title_format = "{title} &#8211; {site}"
    frame_template = (
        '<div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">Skip to content'
        '</a>\n<header id="masthead" class="site-header"><p class="site-title">'
        '<a href="{home}/" rel="home">{site}</a></p><p class="site-description">{tagline}</p>\n'
        '<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}</ul>'
        '</nav></header>\n<div id="content" class="site-content"><div id="primary" class="content-area">'
        '<main id="main" class="site-main">\n{main}\n</main></div>\n'
        '<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries">'
        '<h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section></aside></div>\n'
        '<footer id="colophon" class="site-footer"><div class="site-info">Proudly powered by WordPress</div>'
        '</footer></div>')
    comment_form = (
        '<div id="comments" class="comments-area"><div id="respond" class="comment-respond">'
        '<h3 class="comment-reply-title">Leave a Reply</h3><form action="{home}/wp-comments-post.php" '
        'method="post" class="comment-form"><p class="comment-notes">Your email address will not be '
        'published.</p><textarea name="comment"></textarea></form></div></div>')

    def posted_on(self, site, post):
        edited = post.modified != post.date
        dates = (f'<time class="entry-date published{"" if edited else " updated"}" '
                 f'datetime="{post.date.isoformat()}">{long_date(post.date)}</time>')
        if edited:
            dates += (f'<time class="updated" datetime="{post.modified.isoformat()}">'
                      f'{long_date(post.modified)}</time>')
        return (f'<span class="posted-on">Posted on '
                f'<a href="{site.permalink(post)}" rel="bookmark">{dates}</a></span>')

    def classes(self, post):
        thumb = " has-post-thumbnail" if post.featured else ""
        terms = [f"category-{t.slug}" for t in post.categories] + [f"tag-{t.slug}" for t in post.tags]
        return f"post-{post.id} post type-post status-publish format-standard{thumb} hentry {' '.join(terms)}"

    def article(self, site, post):
        vcards = " and ".join(f'<span class="author vcard"><a class="url fn n" href="{site.author_link(u)}">'
                              f'{esc(u.name)}</a></span>' for u in post.author.people)
        tags = term_links(site, post.tags, "tag")
        tags = f'<span class="tags-links">Tagged {tags}</span>' if tags else ""
        return (f'<article id="post-{post.id}" class="{self.classes(post)}">\n<header class="entry-header">'
                f'<h1 class="entry-title">{esc(post.title)}</h1>\n<div class="entry-meta">'
                f'{self.posted_on(site, post)}<span class="byline"> by {vcards}</span></div></header>\n'
                f'{self.featured(site, post)}\n'
                f'<div class="entry-content">\n{post_content(site, post)}</div>\n'
                f'<footer class="entry-footer"><span class="cat-links">Posted in '
                f'{term_links(site, post.categories, "category tag")}</span>{tags}</footer>\n</article>\n'
                + self.comment_form.format(home=site.home))

    def entry(self, site, post):
        return (f'<article id="post-{post.id}" class="{self.classes(post)}"><header class="entry-header">'
                f'<h2 class="entry-title"><a href="{site.permalink(post)}" rel="bookmark">'
                f'{esc(post.title)}</a></h2>'
                f'<div class="entry-meta">{self.posted_on(site, post)}</div></header>'
                f'<div class="entry-summary"><p>{excerpt(post)}</p></div></article>')

    def pagination(self, site, url, number, pages):
        older = (f'<div class="nav-previous"><a href="{site.paged(url, number + 1)}">Older posts</a></div>'
                 if number < pages else "")
        newer = (f'<div class="nav-next"><a href="{site.paged(url, number - 1)}">Newer posts</a></div>'
                 if number > 1 else "")
        return (f'<nav class="navigation posts-navigation" aria-label="Posts"><h2 class="screen-reader-text">'
                f'Posts navigation</h2><div class="nav-links">{older}{newer}</div></nav>')


class Magazine(Theme):
    figure_style = "block"
    featured_markup = ("block", "wp-block-image featured-image", "wp-post-image")
    grid = '<div class="post-grid">{}</div>'
    title_format = "{title} - {site}"
    frame_template = (
        '<header class="top-bar"><div class="logo"><a href="{home}/">{site}</a></div>'
        '<ul class="nav">{menu}</ul></header>\n<div class="container"><div class="main-col">\n{main}\n</div>'
        '<aside class="sidebar"><h3 class="sidebar-title">Trending</h3><ol>{recent}</ol></aside></div>\n'
        '<footer class="site-footer">&copy; {site}</footer>')

    def seo_head(self, site, post):
        """Yoast SEO's meta tags and schema graph (dates in the site's offset)."""
        url, c, image = site.permalink(post), site.config, post.featured
        published, modified = post.date.isoformat(), post.modified.isoformat()
        person_id = {u.id: f"{site.home}/#/schema/person/{u.slug}" for u in post.author.people}
        article = {"@type": ["Article", "NewsArticle"], "@id": f"{url}#article", "isPartOf": {"@id": url},
                   "author": [{"@id": person_id[u.id]} for u in post.author.people], "headline": post.title,
                   "datePublished": published, "dateModified": modified, "mainEntityOfPage": {"@id": url},
                   "publisher": {"@id": f"{site.home}/#organization"}, "inLanguage": c.language,
                   "keywords": [t.name for t in post.tags],
                   "articleSection": [t.name for t in post.categories]}
        graph = [article, {"@type": "WebPage", "@id": url, "url": url, "name": f"{post.title} - {c.title}",
                           "datePublished": published, "inLanguage": c.language}]
        meta = [("og:locale", c.language.replace("-", "_")), ("og:type", "article"),
                ("og:title", f"{post.title} - {c.title}"), ("og:url", url), ("og:site_name", c.title),
                ("article:published_time", published), ("article:modified_time", modified),
                ("article:section", post.categories[0].name)] + [("article:tag", t.name) for t in post.tags]
        if image:
            article["image"] = {"@id": f"{url}#primaryimage"}
            graph.append({"@type": "ImageObject", "@id": f"{url}#primaryimage", "url": site.media_url(image),
                          "contentUrl": site.media_url(image), "caption": image.full_caption})
            meta.append(("og:image", site.media_url(image)))
        graph.append({"@type": "Organization", "@id": f"{site.home}/#organization", "name": c.title})
        graph += [{"@type": "Person", "@id": person_id[u.id], "name": u.name, "url": site.author_link(u)}
                  for u in post.author.people]
        tags = "".join(f'<meta property="{name}" content="{esc(value)}">\n' for name, value in meta)
        schema = json.dumps({"@context": "https://schema.org", "@graph": graph})
        return (f'<!-- This site is optimized with the Yoast SEO plugin -->\n'
                f'<meta name="description" content="{excerpt(post)}">\n{tags}'
                f'<meta name="author" content="{esc(post.author.name)}">\n'
                f'<script type="application/ld+json" class="yoast-schema-graph">{schema}</script>\n')

    def article(self, site, post):
        byline = " and ".join(f'<a href="{site.author_link(u)}">{esc(u.name)}</a>'
                              for u in post.author.people)
        section = f'href="{site.term_link(post.categories[0])}">{esc(post.categories[0].name)}</a>'
        return (f'<div class="breadcrumbs"><a href="{site.home}/">Home</a> &raquo; <a {section}</div>\n'
                f'<article class="single-article" id="article-{post.id}"><a class="section-label" {section}\n'
                f'<h1 class="post-title">{esc(post.title)}</h1>\n<div class="meta">By {byline}</div>\n'
                f'{self.featured(site, post)}\n<div class="article-body">\n{post_content(site, post)}</div>\n'
                f'<div class="post-tags">Topics: {term_links(site, post.tags, "tag", " ")}</div></article>\n'
                f'<section class="more-stories"><h3>More stories</h3><ul>{post_links(site, site.posts[:4])}'
                f'</ul></section>')

    def entry(self, site, post):
        url = site.permalink(post)
        thumb = (f'<a class="card-thumb" href="{url}"><img src="{site.media_url(post.featured)}" alt=""></a>'
                 if post.featured else "")
        section = post.categories[0]
        return (f'<div class="post-card">{thumb}<a class="card-section" href="{site.term_link(section)}">'
                f'{esc(section.name)}</a><h3 class="card-title"><a href="{url}">{esc(post.title)}</a></h3>'
                f'<p class="card-excerpt">{excerpt(post)}</p></div>')

    def pagination(self, site, url, number, pages):
        """paginate_links(): first, last and neighbours numbered, gaps as dots, arrows without words."""
        links = []
        if number > 1:
            links.append(f'<a class="prev page-numbers" href="{site.paged(url, number - 1)}">'
                         f'<i class="icon-arrow-left"></i></a>')
        last = 0
        for page in sorted({1, pages, number - 1, number, number + 1} & set(range(1, pages + 1))):
            if page > last + 1:
                links.append('<span class="page-numbers dots">&hellip;</span>')
            links.append(f'<span aria-current="page" class="page-numbers current">{page}</span>'
                         if page == number
                         else f'<a class="page-numbers" href="{site.paged(url, page)}">{page}</a>')
            last = page
        if number < pages:
            links.append(f'<a class="next page-numbers" href="{site.paged(url, number + 1)}">'
                         f'<i class="icon-arrow-right"></i></a>')
        return (f'<nav class="navigation pagination" aria-label="Posts"><div class="nav-links">'
                f'{"".join(links)}</div></nav>')

    def listing_head(self, site, url, number, pages):
        if not site.config.rel_next:
            return ""
        return "".join(f'<link rel="{rel}" href="{site.paged(url, page)}">\n'
                       for rel, page in (("prev", number - 1), ("next", number + 1)) if 1 <= page <= pages)


class Legacy(Theme):
    featured_markup = ("caption", "wp-caption alignnone", "attachment-large wp-post-image")
    title_format = "{site} &raquo; Blog Archive &raquo; {title}"
    frame_template = (
        '<div id="page"><div id="header"><div id="headerimg"><h1><a href="{home}/">{site}</a></h1>'
        '<div class="description">{tagline}</div></div></div>\n<hr>\n'
        '<div id="content" class="narrowcolumn">\n{main}\n</div>\n'
        '<div id="sidebar"><ul><li><h2>Categories</h2><ul>{menu}</ul></li></ul></div>\n<hr>\n'
        '<div id="footer"><p>{site} is proudly powered by WordPress</p></div></div>')

    def article(self, site, post):
        d = post.date
        clock = f'{d.hour % 12 or 12}:{d:%M} {"pm" if d.hour >= 12 else "am"}'
        shown = f'{d:%A}, {d:%B} {ordinal(d.day)}, {d:%Y} at {clock}'
        tags = term_links(site, post.tags, "tag")
        return (f'<div class="post" id="post-{post.id}">\n<h2>{esc(post.title)}</h2>\n<div class="entry">\n'
                f'{self.featured(site, post)}\n{post_content(site, post)}'
                + (f'<p class="tags">Tags: {tags}</p>\n' if tags else "")
                + f'<p class="postmetadata alt"><small>This entry was posted on <abbr class="published" '
                f'title="{d.isoformat()}">{shown}</abbr> by <a href="{site.author_link(post.author)}" '
                f'rel="author">{esc(post.author.name)}</a> and is filed under '
                f'{term_links(site, post.categories, "category tag")}.</small></p>\n</div>\n</div>')

    def entry(self, site, post):
        d = post.date
        return (f'<div class="post" id="post-{post.id}"><h2><a href="{site.permalink(post)}" rel="bookmark" '
                f'title="Permanent Link to {esc(post.title)}">{esc(post.title)}</a></h2>'
                f'<small>{d:%B} {ordinal(d.day)}, {d:%Y}</small>'
                f'<div class="entry"><p>{excerpt(post)}</p></div></div>')

    def pagination(self, site, url, number, pages):
        older = f'<a href="{site.paged(url, number + 1)}">&laquo; Older Entries</a>' if number < pages else ""
        newer = f'<a href="{site.paged(url, number - 1)}">Newer Entries &raquo;</a>' if number > 1 else ""
        return (f'<div class="navigation"><div class="alignleft">{older}</div>'
                f'<div class="alignright">{newer}</div></div>')


class Modules(Classic):
    title_format = "{title} | {site}"
    frame_template = (
        '<div class="brand-bar"><a class="brand" href="{home}/">{site}</a><span class="brand-line">{tagline}</span>'
        '</div>\n<div class="section-strip"><ul class="strip">{menu}</ul></div>\n'
        '<div class="layout"><div class="stream">\n{main}\n</div>'
        '<div class="rail"><div class="rail-box"><h4 class="rail-title">Most read</h4><ol>{recent}</ol></div>'
        '</div></div>\n<div class="bottom">&copy; {site}. All rights reserved.</div>')

    def listing(self, site, title, url, posts, number, pages):
        picks = "".join(f'<div class="pick"><h4 class="pick-head"><a href="{site.permalink(p)}">{esc(p.title)}</a>'
                        f'</h4></div>' for p in site.live_posts()[3:7])
        main = (f'<div class="stream-head"><h1 class="stream-title">{esc(title)}</h1></div>\n'
                f'<div class="picks"><h2 class="picks-title">Editors&#8217; picks</h2>{picks}</div>\n'
                + "\n".join(self.entry(site, p) for p in posts) + "\n" + self.pagination(site, url, number, pages))
        return self.document(site, title=self.title_tag(site, esc(title)), main=main, body_class="archive")

    def entry(self, site, post):
        url = site.permalink(post)
        media = (f'<div class="story-module__media"><a href="{url}"><img src="{site.media_url(post.featured)}" '
                 f'alt=""></a></div>' if post.featured else "")
        section = post.categories[0]
        people = " and ".join(esc(u.name) for u in post.author.people)
        return (f'<div class="story-module">{media}<div class="story-module__body">'
                f'<a class="kicker" href="{site.term_link(section)}">{esc(section.name)}</a>'
                f'<h3 class="story-module__headline"><a href="{url}">{esc(post.title)}</a></h3>'
                f'<div class="story-module__meta"><time datetime="{post.date.isoformat()}">{long_date(post.date)}'
                f'</time> &middot; {people}</div><p class="story-module__dek">{excerpt(post)}</p>'
                f'<a class="story-module__more" href="{url}">Continue reading</a></div></div>')

    def pagination(self, site, url, number, pages):
        """Older posts on the left, as "← Previous"; newer ones on the right, as "Next →"."""
        older = f'<a class="pager-link" href="{site.paged(url, number + 1)}">&larr; Previous</a>' \
            if number < pages else ""
        newer = f'<a class="pager-link" href="{site.paged(url, number - 1)}">Next &rarr;</a>' if number > 1 else ""
        return f'<div class="pager">{older}{newer}</div>'


class Bulletin(Modules):
    """Posts as <div>s: a breadcrumb names the section, a meta line the people and the day."""

    def featured(self, site, post):
        media = post.featured
        if media is None:
            return ""
        return (f'<div class="lead-media"><img class="attachment-full size-full wp-post-image" '
                f'src="{site.media_url(media)}" alt="{esc(media.caption[:-1])}">'
                f'<p class="caption">{esc(media.full_caption)}</p></div>')

    def article(self, site, post):
        section = post.categories[0]
        crumbs = (f'<div class="crumbs"><a href="{site.home}/">Home</a> &raquo; <a href="{site.term_link(section)}">'
                  f'{esc(section.name)}</a> &raquo; <span>{esc(post.title)}</span></div>')
        people = " and ".join(f'<a href="{site.author_link(u)}">{esc(u.name)}</a>' for u in post.author.people)
        tags = term_links(site, post.tags, "tag")
        return (f'{crumbs}\n<div class="story"><h1 class="story-headline">{esc(post.title)}</h1>\n'
                f'<span class="meta">Posted by {people} on <time datetime="{post.date.isoformat()}">'
                f'{long_date(post.date)}</time></span>\n{self.featured(site, post)}\n'
                f'<div class="story-text">\n{post_content(site, post)}</div>\n'
                + (f'<p class="topics">Topics: {tags}</p>\n' if tags else "") + '</div>')


THEMES = {"classic": Classic(), "magazine": Magazine(), "legacy": Legacy(), "modules": Modules(),
          "bulletin": Bulletin()}


def amp_page(site: WpSite, post: Post) -> str:
    """The AMP plugin's reader-mode copy of a post, canonical to the permalink."""
    body = "".join(f"<p>{esc(p)}</p>" for p in post.paragraphs)
    return escape_urls(
        f'<!doctype html>\n<html amp lang="{site.config.language}"><head><meta charset="utf-8">'
        f'<title>{esc(post.title)} &#8211; {esc(site.config.title)}</title>'
        f'<link rel="canonical" href="{site.permalink(post)}">'
        f'<script async src="https://cdn.ampproject.org/v0.js"></script></head><body>'
        f'<article class="amp-wp-article"><h1 class="amp-wp-title">{esc(post.title)}</h1>'
        f'<div class="amp-wp-meta">{esc(post.author.name)}</div>'
        f'<time datetime="{post.date.isoformat()}">{long_date(post.date)}</time>'
        f'<div class="amp-wp-article-content">{body}</div></article></body></html>\n')
