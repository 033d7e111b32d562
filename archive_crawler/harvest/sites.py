"""The sites file: which sites a harvest takes, each with its spider arguments and settings.

A TOML file with a ``[defaults]`` table and one ``[[site]]`` table per site::

    [defaults]
    since = 2016-01-01
    settings = { DOWNLOAD_DELAY = 2 }

    [[site]]
    name = "aawsat"
    profile = "aawsat"
    base_url = "https://english.aawsat.com"

    [[site]]
    name = "harbour"
    profile = "profiles/harbour.toml"   # relative to the sites file
    base_url = "https://harbour-ledger.example"
    settings = { CLOSESPIDER_ITEMCOUNT = 500 }

A site takes the defaults' keys it does not set itself; ``settings`` merge key by key.
Every site is checked with the spider's own checks before anything starts, and the
first bad entry stops the harvest with one line naming the file, the site and the key.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from difflib import get_close_matches
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive_crawler.harvest.crawl import (
    check_profile,
    check_spider_arguments,
    known_setting_names,
    spider_argument_names,
)
from archive_crawler.harvest.crawl import site_files as crawl_site_files

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SETTING_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
RESERVED_NAMES = {"harvest"}  # harvest.json and harvest.report.html live in the same folder
# Spider arguments a sites file may not give, and why.
REFUSED_KEYS = {
    "site": "a sites file names the site profile with 'profile' (a bundled name or a .toml path)",
    "replay": "a harvest fetches; replays of a harvest folder are scrapy reparse's",
}
# Settings the harvest folder decides.
REFUSED_SETTINGS = ("ARCHIVE_OUTPUT", "ARCHIVE_STATE", "HTTPCACHE_DIR", "LOG_FILE")
PATH_KEYS = ("urls",)
# A setting name this close to a known one and not known itself is taken for a typo.
SETTING_TYPO_CUTOFF = 0.9


class SitesFileError(ValueError):
    """A sites file that cannot be harvested; the message is one line naming the file, the site and the key."""


@dataclass(frozen=True)
class Site:
    """One site of a harvest: its name (the stem of its files), its ``-a`` arguments and ``-s`` settings."""

    name: str
    arguments: dict[str, str]
    settings: dict[str, str]
    hosts: tuple[str, ...]  # the hosts its crawl asks pages from: one site per host at a time


@dataclass(frozen=True)
class SitesFile:
    path: Path
    sites: tuple[Site, ...]


def site_keys() -> list[str]:
    """The keys a ``[[site]]`` table takes, in the order messages list them."""
    return ["name", "profile", *[name for name in spider_argument_names() if name not in REFUSED_KEYS], "settings"]


def read_sites_file(path: str | Path, default_profile: str) -> SitesFile:
    """The sites of the file at ``path``, every one checked; SitesFileError on the first bad entry.

    ``default_profile`` is the profile of a site that names none (the project's ``ARCHIVE_SITE``).
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SitesFileError(f"cannot read the sites file {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise SitesFileError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise SitesFileError(f"{path}: not valid TOML: {error}") from None
    reader = SitesFileReader(path, default_profile)
    return SitesFile(path, reader.read(data))


def closest(name: str, known: list[str], cutoff: float = 0.6) -> str:
    match = get_close_matches(name, known, n=1, cutoff=cutoff)
    return f" (did you mean {match[0]!r}?)" if match else ""


class SitesFileReader:
    """Reads the parsed TOML of one sites file into checked sites."""

    def __init__(self, path: Path, default_profile: str):
        self.path = path
        self.default_profile = default_profile

    def fail(self, where: str, key: str | None, problem: str) -> SitesFileError:
        return SitesFileError(f"{self.path}: {where}" + (f", key {key!r}" if key else "") + f": {problem}")

    def read(self, data: dict) -> tuple[Site, ...]:
        for key in data:
            if key not in ("defaults", "site"):
                raise self.fail("top level", key, "unknown table" + closest(key, ["defaults", "site"]) +
                                "; a sites file holds [defaults] and one [[site]] per site")
        defaults = data.get("defaults", {})
        if not isinstance(defaults, dict):
            raise self.fail("[defaults]", None, "must be a table")
        entries = data.get("site", [])
        if isinstance(entries, dict) or not isinstance(entries, list) or \
                not all(isinstance(entry, dict) for entry in entries):
            raise self.fail("top level", "site", "write each site as a [[site]] table")
        if not entries:
            raise self.fail("top level", "site", "the file lists no site: add a [[site]] table per site")
        keys = site_keys()
        self.check_keys("[defaults]", defaults, [key for key in keys if key != "name"])
        default_settings = self.settings_of("[defaults]", defaults)
        sites: list[Site] = []
        seen: dict[str, str] = {}  # lower-cased name -> name
        files: dict[str, str] = {}  # lower-cased file name -> the site that writes it
        for number, entry in enumerate(entries, 1):
            name = entry.get("name")
            where = f"site {name!r}" if isinstance(name, str) and name else f"site #{number}"
            self.check_keys(where, entry, keys)
            self.check_name(where, name, seen)
            assert isinstance(name, str)  # checked just above
            seen[name.lower()] = name
            for file_name in crawl_site_files(name):
                if file_name.lower() in files:
                    raise self.fail(where, "name", f"its file {file_name} is also a file of site "
                                                   f"{files[file_name.lower()]!r}: choose another name")
                files[file_name.lower()] = name
            settings = {**default_settings, **self.settings_of(where, entry)}
            values = {key: value for key, value in {**defaults, **entry}.items() if key not in ("name", "settings")}
            arguments = {key: self.argument(where, key, value) for key, value in values.items()}
            arguments["site"] = arguments.pop("profile", "") or self.default_profile
            hosts = self.check_arguments(where, arguments)
            sites.append(Site(name, arguments, settings, hosts))
        return tuple(sites)

    def check_keys(self, where: str, table: dict, known: list[str]) -> None:
        for key in table:
            if key in REFUSED_KEYS:
                raise self.fail(where, key, REFUSED_KEYS[key])
            if key not in known:
                problem = "a site's name is given in its own [[site]] table" if key == "name" else \
                    "unknown key" + closest(key, known) + f"; known: {', '.join(known)}"
                raise self.fail(where, key, problem)

    def check_name(self, where: str, name: Any, seen: dict[str, str]) -> None:
        if name is None:
            raise self.fail(where, "name", "every site needs a name (the stem of its files in the harvest folder)")
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise self.fail(where, "name", f"{name!r} is no site name: a letter or digit, then up to 63 letters, "
                                           "digits, '.', '_' or '-'")
        if name.lower() in RESERVED_NAMES:
            raise self.fail(where, "name", f"{name!r} is reserved (the harvest's own files are named so)")
        if name.lower() in seen:
            raise self.fail(where, "name", f"another site is named {seen[name.lower()]!r} (names differ in more "
                                           "than case: they name files)")

    def argument(self, where: str, key: str, value: Any) -> str:
        """A spider argument as ``-a`` gives it: text, with paths made absolute."""
        if isinstance(value, bool):
            text = "1" if value else "0"
        elif isinstance(value, datetime):
            raise self.fail(where, key, f"give a date without a time, such as {value.date().isoformat()}")
        elif isinstance(value, date):
            text = value.isoformat()
        elif isinstance(value, (str, int)):
            text = str(value)
        else:
            raise self.fail(where, key, f"must be text, a date, a whole number or true/false, got {value!r}")
        if key in PATH_KEYS or (key == "profile" and looks_like_path(text)):
            text = str(self.relative_path(text))
        return text

    def relative_path(self, text: str) -> Path:
        path = Path(text).expanduser()
        return path if path.is_absolute() else (self.path.parent / path).resolve()

    def settings_of(self, where: str, table: dict) -> dict[str, str]:
        settings = table.get("settings", {})
        if not isinstance(settings, dict):
            raise self.fail(where, "settings", "must be a table of Scrapy settings, such as "
                                               "settings = { DOWNLOAD_DELAY = 2 }")
        known = known_setting_names()
        texts = {}
        for name, value in settings.items():
            key = f"settings.{name}"
            if name in REFUSED_SETTINGS:
                raise self.fail(where, key, "the harvest folder decides where each site's files go")
            if not SETTING_NAME.fullmatch(name):
                raise self.fail(where, key, "a Scrapy setting's name is upper case, such as DOWNLOAD_DELAY")
            if name not in known:
                hint = closest(name, known, SETTING_TYPO_CUTOFF)
                if hint:
                    raise self.fail(where, key, "unknown setting" + hint)
            texts[name] = setting_text(value)
        return texts

    def check_arguments(self, where: str, arguments: dict[str, str]) -> tuple[str, ...]:
        """Check the site's arguments with the spider's own checks; the hosts its crawl reads from.

        The profile is read first, then the arguments are added one at a time (where
        to start first), so a message is blamed on the argument that made it.
        """
        try:
            check_profile(arguments["site"])
        except ValueError as error:
            raise self.fail(where, "profile", one_line(str(error))) from None
        first: list[str] = [key for key in ("base_url", "urls") if key in arguments]
        rest = [key for key in arguments if key not in ("site", "base_url", "urls")]
        checked = {"site": arguments["site"]}
        steps: list[list[str]] = [first, *[[key] for key in rest]]
        for step in steps:
            checked.update({key: arguments[key] for key in step})
            try:
                options = check_spider_arguments(checked)
            except ValueError as error:
                raise self.fail(where, blamed_key(str(error), list(checked), step), one_line(str(error))) from None
        return crawl_hosts(options)


def blamed_key(message: str, keys: list[str], added: list[str]) -> str:
    """The key a spider's message is about: one just added that it names, else the first key it names, else
    the first one just added; with none added (the profile alone), the base URL the site lacks.

    >>> blamed_key("wayback and fallback exclude each other", ["site", "wayback", "fallback"], ["fallback"])
    'fallback'
    >>> blamed_key("since (2017-01-01) is later than until (2016-01-01)", ["site", "since", "until"], ["until"])
    'until'
    >>> blamed_key("site x has no base_url of its own", ["site"], [])
    'base_url'
    """
    if not added:
        return "base_url"
    named = [key for key in keys if re.search(rf"\b{key}\b", message)]
    key = next(iter([*[key for key in added if key in named], *named, *added]))
    return "profile" if key == "site" else key


def one_line(text: str) -> str:
    return " ".join(text.split())


def looks_like_path(profile: str) -> bool:
    """A profile given as a file rather than a bundled name (the spider's own rule)."""
    return profile.endswith(".toml") or "/" in profile or "\\" in profile


def setting_text(value: Any) -> str:
    """A TOML value as ``-s NAME=VALUE`` gives it: Scrapy reads JSON for dicts and lists.

    >>> [setting_text(value) for value in (True, 2, 0.5, "x", [1, 2], {"a": 1})]
    ['True', '2', '0.5', 'x', '[1, 2]', '{"a": 1}']
    """
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def crawl_hosts(options) -> tuple[str, ...]:
    """The hosts a site's crawl asks pages from: the web archive's alone for a harvest from one."""
    if options.wayback:
        urls = [options.wayback]
    else:
        urls = [*(options.seeds or [options.base_url]), *([options.fallback] if options.fallback else [])]
    return tuple(sorted({host.lower() for url in urls if url and (host := urlsplit(url).hostname)}))
