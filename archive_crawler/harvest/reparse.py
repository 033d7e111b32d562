"""Re-parse a harvest folder: every site of ``harvest.json`` from its own page cache, with its own arguments.

``harvest.json`` keeps each site's spider arguments and settings (a harvest written before it
kept them is read with the sites file it names). Each site's records go to
``<name>.reparsed.jsonl`` (with its ``.reparsed.rejects.jsonl`` and ``.reparsed.summary.json``) in
the harvest folder or in another one, never over a file of the harvest's own.

On a cluster the workers read one site's article pages while this process walks the next site;
that site's answers are taken once the next walk is done. On this machine each site is
re-parsed in turn by forked workers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archive_crawler.harvest.crawl import SitePaths, site_files
from archive_crawler.harvest.runner import RECORD
from archive_crawler.harvest.sites import SitesFileError, read_sites_file
from archive_crawler.options import RunOptions
from archive_crawler.storage.rejects import sidecar_path

REPARSED = ".reparsed.jsonl"
NOT_FOR_REPARSE = ("full",)  # a crawl's arguments a re-parse has no use for: it reads what was kept


class HarvestFolderError(ValueError):
    """A harvest folder that cannot be re-parsed; the message is one line."""


@dataclass(frozen=True)
class HarvestedSite:
    """A site of a harvest folder: its name, the arguments and settings its crawl ran with, its files."""

    name: str
    arguments: dict[str, str]
    settings: dict[str, str]
    folder: Path

    @property
    def paths(self) -> SitePaths:
        return SitePaths(self.folder, self.name)

    def output(self, folder: Path) -> Path:
        return folder / f"{self.name}{REPARSED}"

    def options(self, default_site: str) -> RunOptions:
        """The run options of its re-parse: its crawl's, reading its page cache."""
        arguments = {name: value for name, value in self.arguments.items() if name not in NOT_FOR_REPARSE}
        try:
            return RunOptions.parse({**arguments, "replay": "1"}, default_site)
        except ValueError as error:
            raise HarvestFolderError(f"site {self.name}: its arguments no longer make a run: {error}") from None


def is_harvest_folder(path: Path) -> bool:
    return (path / RECORD).is_file()


def harvested_sites(folder: Path, default_site: str) -> list[HarvestedSite]:
    """The sites ``harvest.json`` lists, in its order, each with the arguments and settings it ran with."""
    record_path = folder / RECORD
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        rows = record["sites"]
        names = [row["name"] for row in rows]
    except OSError as error:
        raise HarvestFolderError(f"cannot read {record_path}: {error.strerror or error}") from None
    except (ValueError, KeyError, TypeError):
        raise HarvestFolderError(f"{record_path} is no harvest record (no list of sites with names)") from None
    older = [name for name, row in zip(names, rows, strict=True) if not isinstance(row.get("arguments"), dict)]
    from_file = sites_file_entries(record, record_path, default_site) if older else {}
    sites = []
    for name, row in zip(names, rows, strict=True):
        if isinstance(row.get("arguments"), dict):
            arguments, settings = row["arguments"], row.get("settings") or {}
        elif name in from_file:
            arguments, settings = from_file[name]
        else:
            raise HarvestFolderError(f"{record_path} does not keep the arguments of site {name}, and its sites file "
                                     f"{record.get('sites_file')} no longer lists it")
        sites.append(HarvestedSite(name, {str(key): str(value) for key, value in arguments.items()},
                                   {str(key): str(value) for key, value in settings.items()}, folder))
    return sites


def sites_file_entries(record: dict, record_path: Path, default_site: str) -> dict[str, tuple[dict, dict]]:
    """(arguments, settings) of every site of the sites file a harvest record names (written before the record
    kept them itself)."""
    path = record.get("sites_file")
    if not path:
        raise HarvestFolderError(f"{record_path} keeps neither its sites' arguments nor the sites file they came from")
    try:
        sites_file = read_sites_file(path, default_site)
    except SitesFileError as error:
        raise HarvestFolderError(f"{record_path} does not keep its sites' arguments (an older harvest), and its "
                                 f"sites file cannot be read: {error}") from None
    return {site.name: (site.arguments, site.settings) for site in sites_file.sites}


def check_outputs(sites: list[HarvestedSite], folder: Path) -> None:
    """Refuse a re-parse that would write over a file of the harvest's own (a site named ``x.reparsed``)."""
    harvest_files = {(site.folder / name).resolve() for site in sites for name in site_files(site.name)}
    for site in sites:
        output = site.output(folder)
        for path in (output, sidecar_path(output, ".rejects.jsonl"), sidecar_path(output, ".summary.json")):
            if path.resolve() in harvest_files:
                raise HarvestFolderError(f"the re-parse of site {site.name} would write {path}, a file of the "
                                         "harvest's own: give --output another folder")


@dataclass
class SiteResult:
    """How one site's re-parse ended: its figures, or why it gave none."""

    name: str
    figures: dict | None = None
    problem: str | None = None


def describe_result(result: SiteResult) -> str:
    if result.problem:
        return f"Site {result.name}: not re-parsed: {result.problem}"
    figures = result.figures or {}
    return (f"Site {result.name}: {figures.get('pages_read')} pages read, {figures.get('stories_written')} stories "
            f"written to {figures.get('output')}")


def reparse_sites(sites: list[HarvestedSite], start: Callable, ahead: int,
                  say: Callable[[str], None]) -> list[SiteResult]:
    """Re-parse every site, in order; ``start(site)`` returns its started :class:`~archive_crawler.reparse.Reparse`
    (walked, its article pages sent), or why it cannot start. ``ahead``: sites walked before the answers of an
    earlier one are taken (a cluster reads one site's pages while this process walks the next; its answers wait
    in the workers' memory meanwhile, so only so many)."""
    results: list[SiteResult] = []
    running: list = []

    def finish() -> None:
        name, reparse = running[0]
        figures = reparse.finish()
        running.pop(0)
        result = SiteResult(name, figures) if figures["pages_read"] else \
            SiteResult(name, problem=f"no page was found to read in {reparse.store.describe()}")
        results.append(result)
        say(describe_result(result))

    try:
        for site in sites:
            started = start(site)
            if isinstance(started, str):
                results.append(SiteResult(site.name, problem=started))
                say(describe_result(results[-1]))
                continue
            running.append((site.name, started))
            while len(running) > ahead:
                finish()
        while running:
            finish()
    finally:
        for _, reparse in running:  # interrupted, or a site's answers lost: the rest are closed unwritten
            reparse.close()
    order = {site.name: index for index, site in enumerate(sites)}
    return sorted(results, key=lambda result: order[result.name])
