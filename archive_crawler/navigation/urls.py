"""URL forms every site shares: the record's canonical URL and the key stories are compared by."""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit


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


def canonical_url(canonical: str | None, page_url: str, keep_query=frozenset()) -> str:
    """The record's URL: rel=canonical (else the page's own URL), no fragment, and no query but
    the parameters that tell the site's pages apart (``keep_query``: ``p`` of ``/?p=ID``).

    A canonical ending in "/" on a site whose article URLs do not (the page's own URL
    has none) loses the slash, so copies pointing at an original agree with it.

    >>> canonical_url(None, "http://site.test/?p=12&share=twitter", keep_query={"p"})
    'http://site.test/?p=12'
    """
    url = strip_query(canonical or page_url)
    if canonical and url.endswith("/") and not strip_query(page_url).endswith("/") and path_segments(url):
        url = url.rstrip("/")
    kept = [(name, value) for name, value in parse_qsl(urlsplit(canonical or page_url).query) if name in keep_query]
    if kept and urlsplit(url).path in ("", "/"):
        url = f"{url}?{urlencode(kept)}"
    return url


def url_key(url: str) -> str:
    """A URL as compared for deduplication: host and path, no trailing slash, no query
    except a shortlink's post id."""
    parts = urlsplit(url)
    post_id = shortlink_id(url)
    query = f"p={post_id}" if post_id else ""
    return urlunsplit(("", parts.netloc.lower(), parts.path.rstrip("/") or "/", query, ""))


class SiteScope:
    """Which URLs belong to the crawled site: its host, and mirrored hosts whose links move onto it."""

    def __init__(self, base_url: str, mirror_hosts=(), hosts=()):
        self.base = urlsplit(base_url)
        self.netloc = self.base.netloc.lower()
        self.mirrored = {host.lower() for host in mirror_hosts}
        self.hosts = {host.lower() for host in hosts}  # more hosts of the crawl (a list of URLs)

    def on_site(self, url: str) -> str | None:
        """The URL when it is on the crawled host (links to a mirrored host moved onto it), else None."""
        parts = urlsplit(url)
        netloc = parts.netloc.lower()
        if netloc == self.netloc or (parts.hostname or "").lower() in self.hosts:
            return url
        if netloc in self.mirrored:
            return urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, parts.fragment))
        return None
