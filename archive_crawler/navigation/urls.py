"""URL forms every site shares: the record's canonical URL and the key stories are compared by."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import (
    parse_qs,
    parse_qsl,
    urlencode,
    urljoin,
    urlparse,
    urlsplit,
    urlunsplit,
    uses_netloc,
    uses_relative,
)

# Query parameters that say how a reader came to a page, never which page it is: campaign tags,
# click and mail identifiers, share buttons, referrers, AMP switches, comment-reply links. Every
# other parameter is part of the address (``news_view.html?idx=8576`` is one story among many).
TRACKING_PARAMETERS = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
    "share", "shared", "ref", "ref_src", "referrer", "source", "src", "amp", "outputtype", "replytocom",
    "via", "cmpid", "ito", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")  # utm_source, utm_medium, ...; Piwik and Matomo's
EVERY_PARAMETER = "*"  # in keep_query: every parameter but the tracking ones


def is_tracking(name: str) -> bool:
    """Whether a query parameter only tracks the reader.

    >>> [is_tracking(name) for name in ("utm_source", "fbclid", "idx", "page")]
    [True, True, False, False]
    """
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def address_query(query: str) -> str:
    """A query without its tracking parameters, its pairs as written and in their order.

    >>> address_query("idx=8576&utm_source=x&page=1&bc=03&fbclid=abc")
    'idx=8576&page=1&bc=03'
    """
    return urlencode([(name, value) for name, value in parse_qsl(query, keep_blank_values=True)
                      if not is_tracking(name)])


# Entries a per-process memo of addresses holds before it starts again: a menu's links come back on the
# next page, and a process reads tens of thousands of pages.
MEMO_KEPT = 1 << 12

# urljoin's answers for links that name their host ("https://site/a", "//site/a"): these depend on
# the base's scheme alone, and the same menus and story links are on page after page.
_JOINED: dict[tuple[str, str], str | None] = {}
_BASE_DEPENDENT = None  # in _JOINED: the answer depends on the base's path, joined each time
_last_base: tuple[str, str] = ("", "")  # (base, its scheme): a page's links are joined one after another


def joined(base: str, url: str) -> str:
    """``urljoin(base, url)``, remembered for a link whose answer does not depend on the base's path.

    >>> joined("https://site.example/world/page/2/", "//site.example/a/b/")
    'https://site.example/a/b/'
    >>> joined("https://site.example/world/page/2/", "../../sport/")
    'https://site.example/world/sport/'
    """
    if not base or not url:
        return urljoin(base, url)
    global _last_base
    last = _last_base  # one tuple: threads reading pages side by side each see a whole pair
    if last[0] == base:
        scheme = last[1]
    else:
        scheme = urlparse(base).scheme
        _last_base = (base, scheme)
    key = (scheme, url)
    if key in _JOINED:
        found = _JOINED[key]
        return found if found is not None else urljoin(base, url)
    # urljoin's own test: another scheme, or a link with its host, is answered without the base's path.
    parts = urlparse(url, scheme)
    own = parts.scheme != scheme or parts.scheme not in uses_relative or \
        (parts.scheme in uses_netloc and bool(parts.netloc))
    answer = urljoin(base, url)
    if len(_JOINED) >= MEMO_KEPT:
        _JOINED.clear()
    _JOINED[key] = answer if own else _BASE_DEPENDENT
    return answer


def ascii_host(host: str) -> str:
    """A host name as DNS knows it: lower case, an internationalised name in its punycode (IDNA) form.

    >>> ascii_host("Bücher.Example")
    'xn--bcher-kva.example'
    """
    host = host.lower().rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def unicode_host(host: str) -> str:
    """An internationalised host name as people write it (the punycode form decoded).

    >>> unicode_host("xn--bcher-kva.example")
    'bücher.example'
    """
    host = host.lower().rstrip(".")
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


def host_forms(host: str) -> set[str]:
    """A host's written forms: as given, its punycode form and its Unicode form."""
    return {host.lower(), ascii_host(host), unicode_host(ascii_host(host))}


def normal_url(url: str) -> str:
    """A URL as it is requested: scheme and host in lower case, the host in its IDNA form, no fragment.

    >>> normal_url("HTTPS://Bücher.example/a?b=1#top")
    'https://xn--bcher-kva.example/a?b=1'
    """
    parts = urlsplit(url.strip())
    host = ascii_host(parts.hostname or "")
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    if parts.username or parts.password:
        netloc = parts.netloc.rpartition("@")[0] + "@" + netloc
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


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


def punycode_host(url: str) -> str:
    """The URL with an internationalised host name in its punycode form (any other URL as it is)."""
    parts = urlsplit(url)
    if parts.netloc.isascii():
        return url
    return urlunsplit((parts.scheme, host_key(parts.netloc), parts.path, parts.query, parts.fragment))


def canonical_url(canonical: str | None, page_url: str, keep_query=frozenset()) -> str:
    """The record's URL: rel=canonical (else the page's own URL), no fragment, and no query but
    the parameters that tell the site's pages apart (``keep_query``: ``p`` of ``/?p=ID`` at the
    site's root; ``*``: every parameter but the tracking ones, on any path).

    A canonical ending in "/" on a site whose article URLs do not (the page's own URL
    has none) loses the slash, so copies pointing at an original agree with it. An internationalised
    host is written in its punycode form, as it is requested. A canonical
    without a query on the page's own path, for a page whose own query is kept, is a template's
    one address for all its pages: the page's own URL is the record's then.

    >>> canonical_url(None, "http://site.test/?p=12&share=twitter", keep_query={"p"})
    'http://site.test/?p=12'
    >>> canonical_url("http://site.test/news_view.html", "http://site.test/news_view.html?idx=8&utm_source=x",
    ...               keep_query={"*"})
    'http://site.test/news_view.html?idx=8'
    """
    canonical = punycode_host(canonical) if canonical else canonical
    if EVERY_PARAMETER in keep_query:
        own = address_query(urlsplit(page_url).query)
        if canonical and own and not address_query(urlsplit(canonical).query) and \
                urlsplit(canonical).path.rstrip("/") == urlsplit(page_url).path.rstrip("/"):
            canonical = None
        source = canonical or page_url
        query = address_query(urlsplit(source).query)
        url = strip_query(source)
        if canonical and url.endswith("/") and not strip_query(page_url).endswith("/") and path_segments(url):
            url = url.rstrip("/")
        return f"{url}?{query}" if query else url
    url = strip_query(canonical or page_url)
    if canonical and url.endswith("/") and not strip_query(page_url).endswith("/") and path_segments(url):
        url = url.rstrip("/")
    kept = [(name, value) for name, value in parse_qsl(urlsplit(canonical or page_url).query) if name in keep_query]
    if kept and urlsplit(url).path in ("", "/"):
        url = f"{url}?{urlencode(kept)}"
    return url


@lru_cache(maxsize=1 << 13)  # a walk asks for the key of one link several times, soon after each other
def url_key(url: str) -> str:
    """A URL as compared for deduplication: host (in its IDNA form) and path, no trailing slash,
    and the query without its tracking parameters, sorted (a shortlink: its post id alone).

    >>> url_key("https://Site.test/news_view.html?page=1&idx=8576&utm_medium=x#c")
    '//site.test/news_view.html?idx=8576&page=1'
    """
    parts = urlsplit(url)
    post_id = shortlink_id(url)
    if post_id:
        query = f"p={post_id}"
    else:
        query = urlencode(sorted((name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
                                 if not is_tracking(name)))
    return urlunsplit(("", host_key(parts.netloc), parts.path.rstrip("/") or "/", query, ""))


def path_key(url: str) -> str:
    """The key a URL had when keys held no query (but a shortlink's post id): what states written
    before that knew a story under."""
    parts = urlsplit(url)
    post_id = shortlink_id(url)
    query = f"p={post_id}" if post_id else ""
    return urlunsplit(("", parts.netloc.lower(), parts.path.rstrip("/") or "/", query, ""))


def host_key(netloc: str) -> str:
    host, colon, port = netloc.lower().rpartition(":")
    if not colon or not port.isdigit():
        host, colon, port = netloc.lower(), "", ""
    return ascii_host(host) + colon + port


class SiteScope:
    """Which URLs belong to the crawled site: its host, and mirrored hosts whose links move onto it."""

    def __init__(self, base_url: str, mirror_hosts=(), hosts=()):
        self.base = urlsplit(base_url)
        self.netloc = self.base.netloc.lower()
        self.mirrored = {host.lower() for host in mirror_hosts}
        self.hosts = {ascii_host(host) for host in hosts}  # more hosts of the crawl (a list of URLs)

    def on_site(self, url: str) -> str | None:
        """The URL when it is on the crawled host (links to a mirrored host moved onto it), else None."""
        parts = urlsplit(url)
        netloc = parts.netloc.lower()
        if netloc == self.netloc or ascii_host(parts.hostname or "") in self.hosts:
            return url
        if netloc in self.mirrored:
            return urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, parts.fragment))
        return None
