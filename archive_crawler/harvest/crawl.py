"""What a harvest needs from the crawl, in one place: its arguments, its command line and its files.

A site of a harvest is harvested by the project's own ``scrapy crawl archive``, run as
a process of its own, with the site's arguments and its files in the harvest folder.
Everything the harvest knows about the crawl (the spider's checks, where the crawl
writes its rejects and summary, the line a locked state prints, the exit statuses) is
read here, so the rest of the package does not depend on the crawl's modules.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import archive_crawler
from archive_crawler.commands.crawl import EXIT_BAD_ARGUMENTS, EXIT_FAILED, EXIT_FINISHED, EXIT_INTERRUPTED
from archive_crawler.storage.rejects import sidecar_path

__all__ = ["EXIT_BAD_ARGUMENTS", "EXIT_FAILED", "EXIT_FINISHED", "EXIT_INTERRUPTED", "LOCKED_STATE", "SitePaths",
           "check_profile", "check_spider_arguments", "crawl_command", "crawl_environment", "known_setting_names",
           "project_dir", "site_files", "spider_argument_names"]

# The start of what ``scrapy crawl`` prints when another crawl holds the state's lock
# (storage/run.py, CrawlAlreadyRunning).
LOCKED_STATE = "Another crawl is already running on the state"
# Each crawl of a harvest parses pages in its own process: twenty sites at once are twenty
# processes, not twenty pools.
HARVEST_SETTINGS = {"ARCHIVE_PARSE_WORKERS": "0"}


def spider_argument_names() -> list[str]:
    """The ``-a`` arguments of ``scrapy crawl archive``."""
    from archive_crawler.options import ARGUMENTS

    return list(ARGUMENTS)


def check_spider_arguments(arguments: dict[str, str], default_site: str = "aawsat"):
    """The run options these ``-a`` arguments make; ValueError naming the first bad one."""
    from archive_crawler.options import RunOptions

    return RunOptions.parse(arguments, default_site)


def check_profile(site: str) -> None:
    """Read the site profile (a bundled name or a path); ValueError (a ProfileError) when it cannot be used."""
    from archive_crawler.sites.profile import load_profile

    load_profile(site)


@cache
def known_setting_names() -> list[str]:
    """Every setting Scrapy or the project defines."""
    from scrapy.settings import default_settings

    from archive_crawler import settings

    return sorted({name for module in (default_settings, settings) for name in vars(module) if name.isupper()})


@dataclass(frozen=True)
class SitePaths:
    """The files of one site in a harvest folder, as ``scrapy crawl archive`` writes them."""

    folder: Path
    name: str

    @property
    def output(self) -> Path:
        return self.folder / f"{self.name}.jsonl"

    @property
    def state(self) -> Path:
        return self.folder / f"{self.name}.state.sqlite3"

    @property
    def rejects(self) -> Path:
        return sidecar_path(self.output, ".rejects.jsonl")

    @property
    def summary(self) -> Path:
        return sidecar_path(self.output, ".summary.json")

    @property
    def report(self) -> Path:
        return sidecar_path(self.output, ".report.html")

    @property
    def log(self) -> Path:
        return self.folder / f"{self.name}.log"

    @property
    def httpcache(self) -> Path:
        return self.folder / f"{self.name}.httpcache"


def site_files(name: str) -> list[str]:
    """The names of the files and folders a site of that name has in a harvest folder.

    >>> site_files("aawsat")
    ['aawsat.jsonl', 'aawsat.state.sqlite3', 'aawsat.rejects.jsonl', 'aawsat.summary.json', 'aawsat.report.html', \
'aawsat.log', 'aawsat.httpcache']
    """
    paths = SitePaths(Path(), name)
    return [path.name for path in (paths.output, paths.state, paths.rejects, paths.summary, paths.report, paths.log,
                                   paths.httpcache)]


def crawl_command(arguments: dict[str, str], settings: dict[str, str], paths: SitePaths,
                  journal: str) -> list[str]:
    """The ``scrapy crawl archive`` command line that harvests one site into its files.

    The harvest's own settings come first, so a site's ``settings`` may change them
    (not its files: the sites file refuses those).
    """
    all_settings = {
        **HARVEST_SETTINGS,
        "ARCHIVE_STATE_JOURNAL": journal,
        **settings,
        "ARCHIVE_OUTPUT": str(paths.output),
        "ARCHIVE_STATE": str(paths.state),
        "HTTPCACHE_DIR": str(paths.httpcache),
        "LOG_FILE": str(paths.log),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "archive"]
    for name, value in arguments.items():
        command += ["-a", f"{name}={value}"]
    for name, value in all_settings.items():
        command += ["-s", f"{name}={value}"]
    return command


def project_dir() -> Path | None:
    """The project folder (the one holding ``scrapy.cfg``) this package was imported from, if any."""
    folder = Path(archive_crawler.__file__).resolve().parent.parent
    return folder if (folder / "scrapy.cfg").is_file() else None


def crawl_environment() -> tuple[dict[str, str], Path | None]:
    """The environment and working folder a crawl runs with: this package's project, found as Scrapy finds it."""
    env = dict(os.environ)
    folder = project_dir()
    if folder is None:  # an installed package: no scrapy.cfg, the settings module says it all
        env["SCRAPY_SETTINGS_MODULE"] = "archive_crawler.settings"
        return env, None
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), env.get("PYTHONPATH")]))
    return env, folder
