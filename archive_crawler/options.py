"""What a run reads and how: one typed, frozen object built and checked once from its arguments.

``scrapy crawl archive -a NAME=VALUE``, ``scrapy reparse`` and ``scrapy inspect`` hand their
arguments to :meth:`RunOptions.parse`; a bad value raises ValueError naming the argument. The
crawl's components receive the result through :meth:`RunOptions.of` (the spider puts it in the
settings before the components are built), so no component re-reads a loose flag.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher, get_close_matches
from enum import Enum
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from archive_crawler.navigation.ledger import NO_WINDOW, DateWindow
from archive_crawler.navigation.urls import host_forms, normal_url
from archive_crawler.sites.profile import Profile, load_profile

SETTING = "ARCHIVE_RUN"  # the setting that carries a crawl's RunOptions to its components


class Source(Enum):
    """Where pages come from."""

    LIVE = "live"  # the site (or a web archive)
    CACHE = "cache"  # the page cache of earlier live runs (-a replay=1)
    STORED = "stored"  # WARC/ARC files or a WACZ package (-a replay=PATH)


class ArchiveUse(Enum):
    """What a web archive is to the run."""

    NONE = "none"
    WAYBACK = "wayback"  # every page from the archive's captures
    FALLBACK = "fallback"  # the pages the live site lost


# The -a arguments a run takes, in the order an unknown one's hint lists them.
ARGUMENTS = ("site", "base_url", "urls", "since", "until", "replay", "full", "wayback", "capture", "fallback")
FLAG_WORDS = {"1": True, "true": True, "yes": True, "on": True,
              "0": False, "false": False, "no": False, "off": False, "": False}
# '#' at the start of a line or after white space starts a comment; a URL's own fragment '#' stays.
URL_LIST_COMMENT = re.compile(r"(?:^|\s)#")
# A replay needs no politeness: nothing goes to the site.
REPLAY_SPEED = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 32,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "RETRY_ENABLED": False}
# An archive's pace when reading from it (overridden by the usual settings on the command line).
ARCHIVE_POLITENESS = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 1.0, "AUTOTHROTTLE_ENABLED": True}


@dataclass(frozen=True)
class RunOptions:
    site: str  # the profile: a bundled name or a .toml path
    base_url: str  # the crawled root
    source: Source = Source.LIVE
    stored: str | None = None  # with Source.STORED: the WARC file or folder, or the WACZ package
    archive: ArchiveUse = ArchiveUse.NONE
    archive_url: str | None = None  # the web archive's playback root
    capture: str = "latest"  # latest, earliest or YYYY-MM-DD
    seeds: tuple[str, ...] = ()  # a URL list's lines (its pages, read exactly, with no discovery)
    window: DateWindow = NO_WINDOW
    full: bool = False
    hosts: tuple[str, ...] = ()  # the hosts the run may fetch from: base_url's, or those of the URL list
    arguments: Mapping[str, str] = field(default_factory=dict, compare=False)  # as given

    @classmethod
    def parse(cls, arguments: Mapping[str, object], default_site: str = "aawsat") -> RunOptions:
        """The options of ``-a`` arguments; ValueError naming the first bad one (a bad profile included)."""
        check_known(arguments)
        given = {name: str(value) for name, value in arguments.items() if value is not None}
        site = given.get("site") or default_site
        profile = load_profile(site)
        seeds = tuple(read_url_list(given["urls"])) if given.get("urls") else ()
        if seeds:  # a list of URLs needs no root: its hosts are the ones allowed
            base_url = root_of(normal_url(seeds[0]))
        elif given.get("base_url"):
            base_url = validate_base_url(given["base_url"])
        elif profile.base_url:
            base_url = validate_base_url(profile.base_url)
        else:
            raise ValueError(f"site {site} has no base_url of its own: give -a base_url=URL (or -a urls=FILE)")
        replay = given.get("replay", "0").strip()
        source, stored = Source.LIVE, None
        if replay.lower() not in FLAG_WORDS:
            if not Path(replay).exists():
                raise ValueError(f"replay must be 1, 0, or a WARC file or folder; {replay!r} does not exist")
            source, stored = Source.STORED, replay
        elif FLAG_WORDS[replay.lower()]:
            source = Source.CACHE
        wayback, fallback = given.get("wayback"), given.get("fallback")
        if wayback and fallback:
            raise ValueError("wayback and fallback exclude each other: harvest from the archive, or from the site")
        archive, archive_url = ArchiveUse.NONE, None
        if wayback:
            archive, archive_url = ArchiveUse.WAYBACK, validate_archive("wayback", wayback)
        elif fallback:
            archive, archive_url = ArchiveUse.FALLBACK, validate_archive("fallback", fallback)
        return cls(site=site, base_url=base_url, source=source, stored=stored, archive=archive,
                   archive_url=archive_url, capture=validate_capture(given.get("capture", "latest")), seeds=seeds,
                   window=DateWindow.parse(given.get("since"), given.get("until")),
                   full=parse_flag("full", given.get("full", "0")), hosts=hosts_of(seeds or (base_url,)),
                   arguments=given)

    @classmethod
    def of(cls, crawler) -> RunOptions:
        """The options of a crawl: set by the spider, else (a component built on its own) from the settings."""
        return cls.of_settings(crawler.settings)

    @classmethod
    def of_settings(cls, settings) -> RunOptions:
        options = settings.get(SETTING)
        if isinstance(options, RunOptions):
            return options
        return cls.from_settings(settings)

    @classmethod
    def from_settings(cls, settings) -> RunOptions:
        """The options the ``ARCHIVE_*`` settings describe (components tested without a spider)."""
        site = settings.get("ARCHIVE_SITE") or "aawsat"
        base_url = settings.get("ARCHIVE_BASE_URL") or load_profile(site).base_url or ""
        stored = settings.get("ARCHIVE_REPLAY_WARC")
        source = Source.STORED if stored else Source.CACHE if settings.getbool("ARCHIVE_REPLAY") else Source.LIVE
        wayback, fallback = settings.get("ARCHIVE_WAYBACK"), settings.get("ARCHIVE_FALLBACK")
        archive = ArchiveUse.WAYBACK if wayback else ArchiveUse.FALLBACK if fallback else ArchiveUse.NONE
        return cls(site=site, base_url=base_url, source=source, stored=stored, archive=archive,
                   archive_url=wayback or fallback, capture=settings.get("ARCHIVE_CAPTURE") or "latest",
                   hosts=tuple(settings.getlist("ARCHIVE_HOSTS")) or hosts_of((base_url,)))

    @property
    def profile(self) -> Profile:
        return load_profile(self.site)

    @property
    def replay(self) -> bool:
        """Whether pages are read from what earlier runs kept, never from the network."""
        return self.source is not Source.LIVE

    @property
    def store(self) -> str | None:
        """What a replay reads, in words (None: a live run)."""
        return {Source.CACHE: "page cache", Source.STORED: "WARC files"}.get(self.source)

    @property
    def wayback(self) -> str | None:
        return self.archive_url if self.archive is ArchiveUse.WAYBACK else None

    @property
    def fallback(self) -> str | None:
        return self.archive_url if self.archive is ArchiveUse.FALLBACK else None

    def apply(self, settings) -> None:
        """Put the options where the crawl's components find them, and the settings a mode implies."""
        if settings.frozen:
            return
        settings.set(SETTING, self, priority="cmdline")
        settings.set("ARCHIVE_SITE", self.site, priority="cmdline")
        settings.set("ARCHIVE_BASE_URL", self.base_url, priority="cmdline")
        settings.set("ARCHIVE_HOSTS", list(self.hosts), priority="cmdline")
        if self.archive is not ArchiveUse.NONE:
            settings.set("ARCHIVE_WAYBACK", self.wayback, priority="cmdline")
            settings.set("ARCHIVE_FALLBACK", self.fallback, priority="cmdline")
            settings.set("ARCHIVE_CAPTURE", self.capture, priority="cmdline")
            if self.archive is ArchiveUse.WAYBACK:
                for name, value in ARCHIVE_POLITENESS.items():
                    settings.set(name, value, priority="spider")
        if self.replay:
            settings.set("ARCHIVE_REPLAY", True, priority="cmdline")
            if self.source is Source.STORED:
                settings.set("ARCHIVE_REPLAY_WARC", self.stored, priority="cmdline")
                settings.set("HTTPCACHE_ENABLED", False, priority="cmdline")
            else:
                settings.set("HTTPCACHE_ENABLED", True, priority="cmdline")
                settings.set("HTTPCACHE_IGNORE_MISSING", True, priority="cmdline")
            for name, value in REPLAY_SPEED.items():
                settings.set(name, value, priority="spider")


def check_known(arguments: Mapping[str, object], known: tuple[str, ...] = ARGUMENTS) -> None:
    """Raise ValueError naming the first argument a run does not take. Names starting with ``_``
    are the tools' own (scrapyd's ``_job``) and always accepted.

    >>> check_known({"since": "2016-01-01", "_job": "abc"})
    >>> check_known({"sinse": "2016-01-01"}, ("since", "site", "until"))
    Traceback (most recent call last):
    ValueError: unknown argument 'sinse' (did you mean 'since'? known: since, site, until)
    """
    for name in arguments:
        if name in known or name.startswith("_"):
            continue
        closest_first = sorted(known, key=lambda candidate: -SequenceMatcher(None, name, candidate).ratio())
        match = get_close_matches(name, known, n=1)
        hint = f"did you mean {match[0]!r}? " if match else ""
        raise ValueError(f"unknown argument {name!r} ({hint}known: {', '.join(closest_first)})")


def validate_base_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url must be an http(s) URL such as https://example.org, got {value!r}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def validate_archive(name: str, value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must be a web archive's playback root such as https://web.archive.org/web "
                         f"or http://127.0.0.1:8080/my-coll, got {value!r}")
    return value.strip().rstrip("/")


def validate_capture(value: str) -> str:
    text = str(value).strip().lower()
    if text in ("latest", "earliest"):
        return text
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"capture must be latest, earliest or a date written YYYY-MM-DD, got {value!r}") from None


def parse_flag(name: str, value) -> bool:
    text = str(value).strip().lower()
    if text in FLAG_WORDS:
        return FLAG_WORDS[text]
    raise ValueError(f"{name} must be 1 or 0, got {value!r}")


def read_url_list(path: str) -> list[str]:
    """The http(s) URLs of a file, one per line, ``#`` starting a comment, as written; a line naming
    the page an earlier one names (the same URL but for its fragment, the case or form of its host)
    is left out. A bad file raises ValueError."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"urls must be a readable file of URLs; {path}: {getattr(error, 'strerror', error)}") from None
    urls = []
    for number, line in enumerate(lines, 1):
        text = URL_LIST_COMMENT.split(line, 1)[0].strip()
        if not text:
            continue
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"urls: line {number} of {path} is no http(s) URL: {text!r}")
        urls.append(text)
    if not urls:
        raise ValueError(f"urls: {path} lists no URL")
    first: dict[str, str] = {}
    for url in urls:
        first.setdefault(normal_url(url), url)
    return list(first.values())


def hosts_of(urls) -> tuple[str, ...]:
    """The hosts of URLs, each in every form it may be written in (an IDN in Unicode and in punycode)."""
    return tuple(sorted({form for url in urls if (host := urlsplit(url).hostname) for form in host_forms(host)}))


def root_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
