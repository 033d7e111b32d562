"""The report of a harvest folder: one row per site, each linking to the site's own report.

``harvest_figures(folder)`` gives the figures (what ``scrapy report DIR --json``
prints): per site its stories, the months they span, the months without a story,
whether the archive is complete, its rejects, its last run and the door it used.
``write_harvest_report(folder)`` writes ``DIR/harvest.report.html`` and, next to each
site's files, the site's own report ``DIR/<name>.report.html`` it links to.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from archive_crawler.harvest.crawl import SitePaths
from archive_crawler.harvest.runner import RECORD

REPORT = "harvest.report.html"


class HarvestReportError(ValueError):
    """A folder that holds no harvest, or files that cannot be read; the message is one line."""


def site_names(folder: Path) -> list[str]:
    """The sites of a harvest folder: those ``harvest.json`` names, else every ``<name>.jsonl`` with a state."""
    record = folder / RECORD
    if record.is_file():
        try:
            return [row["name"] for row in json.loads(record.read_text(encoding="utf-8"))["sites"]]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise HarvestReportError(f"cannot read {record}: {error}") from None
    return sorted(path.name[: -len(".jsonl")] for path in folder.glob("*.jsonl")
                  if not path.name.endswith(".rejects.jsonl") and SitePaths(folder, path.name[:-6]).state.is_file())


def read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def site_figures(folder: Path, name: str) -> dict:
    """The figures of one site of the harvest (``figures`` None when it has no output or state yet)."""
    from archive_crawler.report.figures import archive_figures

    paths = SitePaths(folder, name)
    summary = read_json(paths.summary)
    row: dict = {"name": name, "report": paths.report.name, "figures": None, "door_used": summary.get("door_used")}
    if not paths.output.is_file() or not paths.state.is_file():
        return {**row, "stories": 0, "span": None, "gaps": None, "complete": None, "rejects": None, "last_run": None}
    try:
        figures = archive_figures(paths.output, paths.state)
    except OSError as error:
        raise HarvestReportError(f"cannot read {error.filename or paths.output}: {error.strerror or error}") from None
    except sqlite3.Error as error:
        raise HarvestReportError(f"cannot read the state {paths.state}: {error}") from None
    last = figures["runs"][-1] if figures["runs"] else None
    return {**row, "figures": figures, "stories": figures["stories"], "span": figures["span"],
            "gaps": len(figures["gaps"]), "complete": bool(last["complete"]) if last else None,
            "rejects": sum(figures["rejects"].values()), "last_run": last}


def harvest_figures(folder: str | Path) -> dict:
    """Every site's figures; HarvestReportError when the folder holds no harvest."""
    return collect(Path(folder))[0]


def collect(folder: Path) -> tuple[dict, list[dict]]:
    """The harvest's figures, and each site's with its full report figures."""
    if not folder.is_dir():
        raise HarvestReportError(f"no harvest folder at {folder}")
    names = site_names(folder)
    if not names:
        raise HarvestReportError(f"{folder} holds no harvest ({RECORD}, or <name>.jsonl files with their states)")
    sites = [site_figures(folder, name) for name in names]
    figures = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"), "folder": str(folder),
               "harvest": read_json(folder / RECORD) or None,
               "sites": [{key: value for key, value in site.items() if key != "figures"} for site in sites],
               "totals": {"sites": len(sites), "stories": sum(site["stories"] for site in sites),
                          "complete": sum(1 for site in sites if site["complete"])}}
    return figures, sites


def write_harvest_report(folder: str | Path) -> Path:
    """Write ``harvest.report.html`` and each site's own report into the folder; the page's path."""
    from archive_crawler.report.page import render_page

    folder = Path(folder)
    figures, sites = collect(folder)
    for site in sites:
        if site["figures"] is not None:
            write_atomically(folder / site["report"], render_page(site["figures"]))
    target = folder / REPORT
    write_atomically(target, render_harvest_page(figures))
    return target


def write_atomically(target: Path, text: str) -> None:
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise HarvestReportError(f"cannot write {target}: {error.strerror or error}") from None


def render_harvest_page(figures: dict) -> str:
    """The harvest's page: a row per site; each row carries its figures in ``data-`` attributes."""
    from archive_crawler.report.page import STYLE, table, text

    rows = []
    for site in figures["sites"]:
        span, last = site["span"], site["last_run"]
        data = {"site": site["name"], "stories": site["stories"], "gaps": "" if site["gaps"] is None else site["gaps"],
                "complete": "" if site["complete"] is None else int(site["complete"]),
                "rejects": "" if site["rejects"] is None else site["rejects"], "door": site["door_used"] or ""}
        link = f'<a href="{escape(site["report"])}">{escape(site["name"])}</a>' if site["last_run"] is not None \
            else escape(site["name"])
        rows.append((data, [
            link, text(site["stories"]),
            f"{span['first']} to {span['last']}" if span else text(None), text(site["gaps"]), text(site["complete"]),
            text(site["rejects"]),
            text(None) if last is None else f"{text(last['started'])}, {text(last['finish_reason'])}",
            text(site["door_used"])]))
    totals = figures["totals"]
    harvest = figures["harvest"] or {}
    intro = (f"{totals['sites']} sites, {totals['stories']:,} stories, {totals['complete']} archives complete. "
             f"Folder <code>{escape(figures['folder'])}</code>; generated {escape(figures['generated'])}.")
    if harvest.get("started"):
        intro += (f" Last harvest started {escape(str(harvest['started']))}, exit status "
                  f"{text(harvest.get('exit_status'))}.")
    title = f"Harvest report: {escape(Path(figures['folder']).name)}"
    body = table(["site", "stories", "span", "months without a story", "archive complete", "rejects", "last run",
                  "door used"], rows, numbers=frozenset({1, 3, 5}),
                 row_class=lambda data: None if data["complete"] == 1 else "bad")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f"<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n<p class=\"files\">{intro}</p>\n{body}\n"
            "</body>\n</html>\n")
