"""Everything the crawler knows about the archive's URLs and markup, as plain data.

Selectors are lists tried in order: the first that finds something wins. The real
site's markup is known only from stored copies, so each field has fallbacks.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit, urlunsplit

DEFAULT_BASE_URL = "https://eng-archive.aawsat.com"

# Slugs seen on the real site, used only when the menu cannot be read.
KNOWN_CATEGORIES = {
    "news-middle-east": "Middle East",
    "features": "Features",
    "interviews": "Interviews",
    "business": "Business",
    "opinion": "Opinion",
    "majalla-blogs": "Majalla Blogs",
}

# First path segments that never start an article URL.
NON_ARTICLE_ROOTS = frozenset({
    "category", "tag", "author", "page", "feed", "rss", "search", "comments",
    "wp-content", "wp-admin", "wp-includes", "wp-json", "wp-login.php", "xmlrpc.php",
    "members", "about-us", "contact-us", "sitemap", "sitemap.xml", "cdn-cgi", "amp",
})
NON_ARTICLE_SEGMENTS = frozenset({"attachment", "feed", "trackback", "amp", "embed", "comment-page-1"})
CATEGORY_PATH = re.compile(r"^/category/(?P<slug>(?:[^/?#]+/)*?[^/?#]+)/?$")
LISTING_PAGE_SUFFIX = re.compile(r"/page/\d+/?$")
DUPLICATE_SLUG = re.compile(r"-\d+$")

MENU_LINKS = [
    "#top-menu a::attr(href)",
    "#et-top-navigation a::attr(href)",
    "#mobile_menu a::attr(href)",
    "nav a::attr(href)",
    "a::attr(href)",
]

LISTING_ENTRIES = ["article.et_pb_post", "article.post", "#left-area article", ".et_pb_post", "div.post"]
LISTING_LINK = ["h2.entry-title a::attr(href)", ".entry-title a::attr(href)",
                "a[rel~=bookmark]::attr(href)", "a.more-link::attr(href)",
                "a.entry-featured-image-url::attr(href)"]
LISTING_TITLE = [".entry-title a", ".entry-title"]
# Links that say they lead to older entries (their words, rel=next), then where Divi puts it.
OLDER_ENTRIES = [
    "xpath://a[contains(normalize-space(.), 'Older Entries')]/@href",
    "a.nextpostslink::attr(href)",
    "link[rel=next]::attr(href)",
    "a[rel=next]::attr(href)",
]
OLDER_ENTRIES_BY_PLACE = ["div.pagination .alignleft a::attr(href)", "a.next::attr(href)"]

ARTICLE_ROOT = ["#left-area article", "article.et_pb_post", "#left-area", "#main-content article",
                "article", "#main-content", "body"]
ARTICLE_CONTENT = ["div.entry-content", ".et_pb_post_content", ".post-content", ".et_pb_text_inner"]
TITLE = ["h1.entry-title", ".et_post_meta_wrapper h1", "h1.post-title"]
TIME_PUBLISHED = ["time[itemprop=datePublished]::attr(datetime)", "time.entry-date::attr(datetime)",
                  "time.published::attr(datetime)", ".post-meta time::attr(datetime)"]
POST_META = ["p.post-meta", ".post-meta"]
POST_META_DATE = ["p.post-meta .published", ".post-meta .published", ".post-meta time", "span.published"]
POST_META_AUTHOR = ["p.post-meta .author a", "p.post-meta .author", ".post-meta .author", "a[rel=author]"]
AUTHOR_LINK = [".post-meta .author a", ".post-meta a[rel~=author]"]
POST_META_CATEGORY = ["p.post-meta a[rel~=category]", ".post-meta a[rel~=category]"]
CAPTION = [".wp-caption-text", "figcaption", ".wp-caption .caption", ".et_pb_image_caption"]

# Inside the article text: parts that a reader does not read as the story.
# Matched anywhere inside a class or id token ("et_pb_post_tags", "sd-sharing-enabled").
BODY_SKIP_CLASSES = re.compile(
    r"sharedaddy|sd-sharing|sd-block|sd-social|share|social|relatedposts|related-posts|yarpp|"
    r"caption|gallery|post-meta|addtoany|media-id|mediaid|tags|tag-links|screen-reader|"
    r"select_page|mobile_nav|widget|navigation|pagination|comment|respond|sidebar|advert|"
    r"newsletter|subscribe|breadcrumb",
    re.IGNORECASE,
)
BODY_SKIP_TAGS = frozenset({
    "script", "style", "noscript", "form", "iframe", "figure", "figcaption", "nav", "aside",
    "header", "footer", "button", "svg", "select", "input", "textarea", "object", "video", "audio",
})
BOILERPLATE_PARAGRAPHS = re.compile(
    r"^(?:share this:?|like this:?|related|loading\.*|select page|tags?:.*|click to share on .*|"
    r"\(?opens in new window\)?|print|email)$",
    re.IGNORECASE,
)


def path_segments(url: str) -> list[str]:
    return [segment for segment in urlsplit(url).path.split("/") if segment]


def shortlink_id(url: str) -> str | None:
    """The post id of a WordPress shortlink ``/?p=ID``."""
    parts = urlsplit(url)
    if parts.path not in ("", "/"):
        return None
    values = parse_qs(parts.query).get("p")
    return values[0] if values and values[0].isdigit() else None


def strip_query(url: str) -> str:
    """The URL with no query and no fragment."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def article_link(url: str) -> str | None:
    """The URL to request for a link found in a listing, or None when it is not an article.

    Share-button copies lose their query; shortlinks keep theirs, since they
    redirect to the article.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    if shortlink_id(url):
        return urlunsplit((parts.scheme, parts.netloc, "/", f"p={shortlink_id(url)}", ""))
    segments = path_segments(url)
    if len(segments) < 2 or segments[0].lower() in NON_ARTICLE_ROOTS:
        return None
    if any(segment.lower() in NON_ARTICLE_SEGMENTS for segment in segments):
        return None
    if re.search(r"\.(?:jpe?g|png|gif|webp|pdf|xml|mp4|mp3|zip)$", segments[-1], re.IGNORECASE):
        return None
    path = "/" + "/".join(segments)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def canonical_url(canonical: str | None, page_url: str) -> str:
    """The record's URL: rel=canonical (else the page's own URL), no query, no fragment.

    A canonical ending in "/" on a site whose article URLs do not (the page's own URL
    has none) loses the slash, so copies pointing at an original agree with it.
    """
    url = strip_query(canonical or page_url)
    if canonical and url.endswith("/") and not strip_query(page_url).endswith("/") and path_segments(url):
        url = url.rstrip("/")
    return url


def url_key(url: str) -> str:
    """A URL as compared for deduplication: host and path, no trailing slash, no query
    except a shortlink's post id."""
    parts = urlsplit(url)
    post_id = shortlink_id(url)
    query = f"p={post_id}" if post_id else ""
    return urlunsplit(("", parts.netloc.lower(), parts.path.rstrip("/") or "/", query, ""))


def category_slug(url: str) -> str | None:
    """The slug of a category listing's first page (child categories keep their parent)."""
    path = urlsplit(url).path
    if LISTING_PAGE_SUFFIX.search(path):
        return None
    match = CATEGORY_PATH.match(path)
    return match.group("slug") if match else None


def listing_page_number(url: str) -> int | None:
    """N in ``/category/{slug}/page/N`` (or ``?paged=N``); 1 for a category's first page."""
    parts = urlsplit(url)
    match = re.search(r"/page/(\d+)/?$", parts.path)
    if match:
        return int(match.group(1))
    paged = parse_qs(parts.query).get("paged")
    if paged and paged[0].isdigit():
        return int(paged[0])
    return 1 if CATEGORY_PATH.match(parts.path) else None


def article_author_slug(url: str) -> str | None:
    """The author slug that opens an article URL ``/{author}/{category}/{slug}``."""
    segments = path_segments(url)
    return segments[-3] if len(segments) >= 3 else None


def article_category_slug(url: str) -> str | None:
    """The category slug inside an article URL ``/{author}/{category}/{slug}``."""
    segments = path_segments(url)
    return segments[-2] if len(segments) >= 3 else None
