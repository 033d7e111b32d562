"""The test WordPress sites of a session: one MariaDB, one database and one PHP server per site,
and the harvest of each by the real ``scrapy crawl archive`` command."""
from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Self, TypeVar

from tests.crawl import PROJECT_ROOT, CrawlRun, crawl_command, environment, parse_stats

from .mariadb import MariaDB
from .truth import expected_records
from .wordpress import Instance, WordPressSite

T = TypeVar("T")
# Pairwise: each door on two themes, each door and each theme with both permalink shapes, one
# WordPress in a subfolder, one robots.txt with a Crawl-delay, one menu of /?cat=N links on a
# site with pretty links (and no widgets listing the categories), and two sites whose category
# and tag archives live under bases of their own (a block theme marks every term link rel="tag").
INSTANCES = (
    Instance("rest-21-plain", theme="twentytwentyone", door="rest", permalinks="plain", menu="links", seed=1),
    Instance("rest-23-pretty", theme="twentytwentythree", door="rest", permalinks="pretty", crawl_delay=0.2, seed=2),
    Instance("sitemaps-22-news", theme="twentytwentytwo", door="sitemaps", permalinks="pretty", folder="/news",
             category_base="topics", tag_base="subjects", seed=3),
    Instance("sitemaps-23-plain", theme="twentytwentythree", door="sitemaps", permalinks="plain", seed=4),
    Instance("listings-21-pretty", theme="twentytwentyone", door="listings", permalinks="pretty", menu="query",
             widgets=False, category_base="section", tag_base="keyword", seed=5),
    Instance("listings-22-plain", theme="twentytwentytwo", door="listings", permalinks="plain", seed=6),
)
# What the harvests pass on the command line besides the output paths (tests/crawl.py adds those).
CRAWL_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}


class Lab:
    """One MariaDB for the sites of ``instances``; ``map`` sets them up (in parallel) and serves
    them until ``stop``."""

    def __init__(self, instances: tuple[Instance, ...] = INSTANCES, folder: Path | None = None, parallel: int = 3):
        self.instances, self.parallel = instances, parallel
        self.folder = folder or Path(tempfile.mkdtemp(prefix="realwp-"))
        self.database = MariaDB()
        self.sites = {instance.name: WordPressSite(instance, self.database, self.folder / instance.name,
                                                   self.folder / "opcache") for instance in instances}

    def start(self) -> Self:
        self.database.start()
        return self

    def map(self, then: Callable[[WordPressSite], T]) -> dict[str, T]:
        """Set each site up and at once hand it to ``then`` (a harvest, say), ``parallel`` sites at
        a time; what ``then`` answered for each site, by name."""
        def start_then(site: WordPressSite) -> T:
            if not site.truth:
                site.start()
            return then(site)
        with ThreadPoolExecutor(self.parallel) as pool:
            return dict(zip(self.sites, pool.map(start_then, self.sites.values()), strict=True))

    def stop(self) -> None:
        for site in self.sites.values():
            site.stop()
        self.database.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass
class Harvest:
    """One site's harvest: the crawl, what WordPress holds, and the records it should have written."""

    site: WordPressSite
    run: CrawlRun
    expected: list[dict]
    timed_requests: list[tuple[float, str]]  # (when, target) of each request the site answered during the crawl

    @property
    def requests(self) -> list[str]:
        return [target for _, target in self.timed_requests]

    @property
    def records(self) -> list[dict]:
        return self.run.records()

    @property
    def summary(self) -> dict:
        path = self.run.output.parent / "archive.summary.json"
        return json.loads(path.read_text()) if path.exists() else {}


def harvest(site: WordPressSite, workdir: Path, timeout: float = 240) -> Harvest:
    """Run ``scrapy crawl archive -a site=wordpress -a base_url=...`` on ``site`` as a user would.

    A site whose robots.txt asks for a Crawl-delay is harvested with no ``-s DOWNLOAD_DELAY``, so
    that its delay is obeyed.
    """
    before = len(site.timed_requests())
    workdir.mkdir(parents=True, exist_ok=True)
    command, output, state = crawl_command(site.base_url, workdir, settings=CRAWL_SETTINGS,
                                           spider_args={"site": "wordpress"})
    if site.instance.crawl_delay:
        at = command.index("DOWNLOAD_DELAY=0")
        del command[at - 1:at + 1]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout,
                               env=environment())
    log = completed.stdout + completed.stderr
    run = CrawlRun(completed.returncode, log, output, state, parse_stats(log))
    return Harvest(site, run, expected_records(site.truth, site.instance.door), site.timed_requests()[before:])
