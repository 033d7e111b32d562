"""Article pages of invented news sites that are not WordPress, each built its own way, and a WARC of them.

Every page comes with the fields a good generic extractor should find (``GenericPage.expected``):
``title`` (the headline, no site suffix), ``published`` (ISO 8601: with the offset when the page gives
one, ``Z`` written ``+00:00``; just the date when the page gives a date, or a time without an offset),
``authors`` (display names, joint bylines split, photographers and agencies left out) and ``body``
(the story's paragraphs joined by a blank line; no captions, pull quotes, promos, comments, footers).
"""
from __future__ import annotations

import html
import io
import json
import random
from dataclasses import dataclass

from . import text


@dataclass
class GenericPage:
    url: str
    html: str
    expected: dict


def e(value: str) -> str:
    return html.escape(value, quote=True)


def paras(items: list[str], template: str = "<p>{}</p>") -> str:
    return "\n".join(template.format(e(p)) for p in items)


def meta(attribute: str, pairs: list[tuple[str, str]]) -> str:
    return "".join(f'<meta {attribute}="{name}" content="{e(value)}">\n' for name, value in pairs)


def shell(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{e(title)}</title>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n')


# Builders: story facts ``s`` (title, authors, published, shown date, paras) -> (head, body).
def microdata(s):
    authors = " and ".join(f'<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
                           f'<span itemprop="name">{e(a)}</span></span>' for a in s["authors"])
    half = len(s["paras"]) // 2
    related = '<aside class="related"><h3>Related</h3><p>Ferry timetable changes explained</p></aside>'
    return "", (f'<article itemscope itemtype="https://schema.org/NewsArticle">'
                f'<h1 itemprop="headline">{e(s["title"])}</h1><p class="byline">By {authors}</p>'
                f'<time itemprop="datePublished" datetime="{s["published"]}">{s["shown"]}</time>'
                f'<div itemprop="articleBody">{paras(s["paras"][:half])}{related}{paras(s["paras"][half:])}'
                f'</div></article>')


def jsonld_divs(s):
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"],
            "datePublished": s["published"].replace("+00:00", "Z"),
            "author": [{"@type": "Person", "name": a} for a in s["authors"]]}
    blocks = "".join(f'<div class="css-7tq2kd" data-block="paragraph">{e(p)}</div>' for p in s["paras"])
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>\n'
    return head, (
        f'<div id="__next"><div class="css-1q2w3e"><div class="css-nav">Home · Politics · Money</div>'
        f'<div class="css-9z8x7c" role="heading">{e(s["title"])}</div>'
        f'<div class="css-ad">Advertisement</div><div class="css-0b1c2d">{blocks}</div>'
        f'<div class="css-most-read"><div>Most read</div><div>Council budget row deepens</div>'
        f'<div>Rail strike called off</div></div></div></div>'
        f'<script id="__NEXT_DATA__" type="application/json">{{"page":"/story"}}</script>')


def opengraph(s):
    pairs = [("og:type", "article"), ("og:title", s["title"]), ("article:published_time", s["published"])]
    return meta("property", pairs + [("article:author", a) for a in s["authors"]]), (
        f'<div class="wrap"><h2 class="headline">{e(s["title"])}</h2><div class="story-text">'
        f'{paras(s["paras"])}</div><div class="share">Share on social media</div></div>')


def main_with_clutter(s):
    *others, last = s["authors"]
    byline = f'{", ".join(others)} and {last}' if others else last
    return "", (
        '<div class="cookie-banner"><p>We use cookies to improve your experience.</p><button>Accept</button>'
        '</div><header><nav><a href="/">Home</a> <a href="/local">Local</a></nav></header><main><article>'
        f'<h1>{e(s["title"])}</h1><p class="byline">By {e(byline)}</p>'
        f'<time datetime="{s["published"]}">{s["shown"]}</time>{paras(s["paras"][:3])}'
        f'<div class="newsletter"><p>Get our daily digest: sign up below.</p></div>{paras(s["paras"][3:])}'
        '</article><aside class="sidebar"><p>Weather: light rain, 12C.</p></aside>'
        '<section class="comments"><h2>3 comments</h2><p>Great article, thanks!</p>'
        '<p>I disagree with most of this.</p></section></main>'
        '<footer><p>&copy; Valley Echo. All rights reserved.</p></footer>')


def blog_breaks(s):
    return "", (f'<div class="blog-post"><h3 class="post-title">{e(s["title"])}</h3>'
                f'<div class="post-header">Posted by {e(s["authors"][0])} on {s["shown"]}</div>'
                f'<div class="post-body">' + "<br><br>\n".join(e(p) for p in s["paras"])
                + '</div><div class="post-footer">Labels: local, transport</div></div>')


def hatom(s):
    authors = " &amp; ".join(f'<span class="author vcard"><span class="fn">{e(a)}</span></span>'
                             for a in s["authors"])
    quote = s["paras"][1].split(". ")[0]
    return "", (f'<div class="hentry"><h1 class="entry-title">{e(s["title"])}</h1>'
                f'<p class="meta">By {authors} | '
                f'<abbr class="published" title="{s["published"]}">{s["shown"]}</abbr></p>'
                f'<div class="entry-content">{paras(s["paras"][:2])}<div class="pullquote">“{e(quote)}”</div>'
                f'{paras(s["paras"][2:])}</div></div>')


def parsely(s):
    pairs = [("parsely-title", s["title"]), ("parsely-pub-date", s["published"]),
             ("parsely-author", s["authors"][0])]
    return meta("name", pairs), (
        f'<header class="article__header"><h1 class="article__title">{e(s["title"])}</h1>'
        f'<div class="credits">Words by {e(s["authors"][0])} · Photography by Ines Calloway</div></header>'
        f'<figure><img src="/img/lead.jpg" alt=""><figcaption>The harbour wall after the storm. '
        f'Ines Calloway</figcaption></figure><section class="article__content">{paras(s["paras"])}</section>')


def tables(s):
    return "", (f'<table width="760" border="0"><tr><td class="nav"><a href="/">Front page</a></td>'
                f'<td class="bodytext"><font size="4"><b>{e(s["title"])}</b></font><br>'
                f'<font size="2">By {e(s["authors"][0])}, Staff Writer<br>Posted: {s["shown"]}</font>\n'
                + paras(s["paras"], "<p>{}\n")
                + '<p><font size="1">Copyright 2004 Millbrook Gazette</font></td></tr></table>')


def dublin_core(s):
    pairs = [("dcterms.title", s["title"]), ("dcterms.date", s["published"])]
    figure = ('<figure class="caption caption-drupal-media">'
              '<img src="/sites/default/files/bridge.jpg" alt="">'
              '<figcaption>The old bridge in 1961.</figcaption></figure>')
    return meta("name", pairs + [("dcterms.creator", a) for a in s["authors"]]), (
        f'<div class="node node--type-article"><h1 class="page-title"><span>{e(s["title"])}</span></h1>'
        f'<div class="field field--name-body">{paras(s["paras"][:4])}{figure}{paras(s["paras"][4:])}'
        f'</div></div>')


def meta_author_promos(s):
    chunks = [paras(s["paras"][i:i + 3]) for i in range(0, len(s["paras"]), 3)]
    promo = '<div class="inline-promo"><p>Listen to our morning podcast, new every weekday.</p></div>'
    return meta("name", [("author", "; ".join(s["authors"])), ("date", s["published"])]), (
        f'<div id="article"><h1>{e(s["title"])}</h1><div class="byline">{e(" and ".join(s["authors"]))}'
        f' | Lowland Press Agency</div><div id="article-text">{promo.join(chunks)}</div></div>')


# builder, address, <title>, published as the page states it, date as shown, authors, expected published
PAGES = [
    (microdata, "https://www.harbourtimes.example/news/2021/03/{slug}.html", "{title} | Harbour Times",
     "2021-03-04T09:30:00+00:00", "4 March 2021", 1, None),
    (jsonld_divs, "https://meridianpost.example/story/{slug}-a8f3", "{title} - The Meridian Post",
     "2022-11-15T14:05:00+00:00", "", 2, None),
    (opengraph, "https://northfieldcourier.example/{slug}/", "{title} | Northfield Courier",
     "2020-07-21T06:00:00+01:00", "", 2, None),
    (main_with_clutter, "https://valleyecho.example/local/{slug}", "{title} – Valley Echo",
     "2019-01-30", "January 30, 2019", 3, None),
    (blog_breaks, "https://kettlelane.example/2021/05/{slug}.html", "Kettle Lane Notes: {title}",
     "2021-05-04T08:15:00", "Tuesday, 4 May 2021 at 08:15", 1, "2021-05-04"),
    (hatom, "https://ridgewaytribune.example/articles/{slug}", "{title} :: Ridgeway Tribune",
     "2018-10-02T17:45:00-04:00", "October 2, 2018", 2, None),
    (parsely, "https://coastlineweekly.example/features/{slug}/", "{title} — Coastline Weekly",
     "2023-02-11T10:00:00+00:00", "", 1, None),
    (tables, "http://millbrookgazette.example/stories/2004/{slug}.htm", "Millbrook Gazette - {title}",
     "2004-03-12", "March 12, 2004", 1, None),
    (dublin_core, "https://civic.eastbrook.example/news/{slug}", "{title} | Eastbrook Civic News",
     "2017-08-09T11:00:00+02:00", "", 2, None),
    (meta_author_promos, "https://lowlandpress.example/wire/{slug}", "{title}",
     "2016-12-01T07:20:00+00:00", "", 2, None),
]
NOT_FOUND_URL = "https://www.harbourtimes.example/news/2021/03/this-story-was-removed.html"
PDF_URL = "https://northfieldcourier.example/files/annual-report-2020.pdf"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def generic_pages(seed: int = 11) -> list[GenericPage]:
    rng = random.Random(seed)
    pages = []
    for build, address, title_format, published, shown, author_count, expected_published in PAGES:
        topic = rng.choice(text.TOPICS)
        title = text.headline(rng, topic)
        facts = {"title": title, "published": published, "shown": shown,
                 "authors": text.people(rng, author_count),
                 "paras": text.paragraphs(rng, rng.randint(10, 16), topic)}
        head, body = build(facts)
        expected = {"title": title, "published": expected_published or published,
                    "authors": facts["authors"], "body": "\n\n".join(facts["paras"])}
        page = shell(title_format.format(title=title), body, head)
        pages.append(GenericPage(address.format(slug=text.slugify(title)), page, expected))
    return pages


def write_pages_warc(path) -> list[str]:
    """Write every generic page, a 404 page and a PDF as WARC request/response pairs; return their URLs."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html_type = "text/html; charset=utf-8"
    answers = [(page.url, "200 OK", html_type, page.html.encode()) for page in generic_pages()]
    gone = shell("Page not found", "<h1>Sorry, that page is gone.</h1>").encode()
    answers += [(NOT_FOUND_URL, "404 Not Found", html_type, gone),
                (PDF_URL, "200 OK", "application/pdf", PDF_BYTES)]
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, status, content_type, body in answers:
            host, _, rest_of = url.split("://", 1)[1].partition("/")
            request = StatusAndHeaders(f"GET /{rest_of} HTTP/1.1", [("Host", host)], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders(status, [("Content-Type", content_type),
                                                ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
    return [url for url, *_ in answers]
