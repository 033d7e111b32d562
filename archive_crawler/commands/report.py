"""``scrapy report``: did the harvest get everything? One HTML page, or the figures as JSON.

It reads the output (``ARCHIVE_OUTPUT``), the rejects file next to it and the state
(``ARCHIVE_STATE``), never writes to them, and writes ``<output>.report.html`` next to
the output (``-o`` for another file), or prints the figures with ``--json``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from archive_crawler.commands import OptionsOnlyCommand
from archive_crawler.storage.rejects import sidecar_path


class Command(OptionsOnlyCommand, ScrapyCommand):
    def short_desc(self) -> str:
        return "Report on the harvest: stories per month and category, fields, links, rejects and runs"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", dest="report", metavar="FILE",
                            help="the HTML file to write (default: <output without .jsonl>.report.html)")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of writing HTML")

    def syntax(self) -> str:
        return "[options] [HARVEST_FOLDER]"

    def run(self, args, opts) -> None:
        if len(args) > 1:
            raise UsageError("scrapy report takes at most one argument: a harvest folder", print_help=True)
        if args:
            return self.harvest_report(Path(args[0]), opts)
        from archive_crawler.report.figures import archive_figures  # only the report needs it

        assert self.settings is not None  # set by scrapy.cmdline before any command method runs
        output, state = Path(self.settings["ARCHIVE_OUTPUT"]), Path(self.settings["ARCHIVE_STATE"])
        for what, path, setting in (("output", output, "ARCHIVE_OUTPUT"), ("state", state, "ARCHIVE_STATE")):
            if not path.is_file():
                return self.fail(f"no archive {what} at {path} (set {setting})")
        try:
            figures = archive_figures(output, state)
        except OSError as error:
            return self.fail(f"cannot read {error.filename or output}: {error.strerror or error}")
        except sqlite3.Error as error:
            return self.fail(f"cannot read the state {state}: {error}")
        if opts.json:
            print(json.dumps(figures, ensure_ascii=False, indent=2))
            return None
        target = Path(opts.report) if opts.report else sidecar_path(output, ".report.html")
        return self.write_page(target, figures)

    def harvest_report(self, folder: Path, opts) -> None:
        """A harvest folder (``scrapy harvest``): one row per site, each linking to the site's own report."""
        from archive_crawler.harvest.report import HarvestReportError, harvest_figures, write_harvest_report

        try:
            if opts.json:
                print(json.dumps(harvest_figures(folder), ensure_ascii=False, indent=2))
            else:
                print(f"Report written to {write_harvest_report(folder)}")
        except HarvestReportError as error:
            return self.fail(str(error))
        return None

    def write_page(self, target: Path, figures: dict) -> None:
        from archive_crawler.report.page import render_page  # imports matplotlib

        temporary = target.with_name(f".{target.name}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(render_page(figures), encoding="utf-8")
            os.replace(temporary, target)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            return self.fail(f"cannot write the report {target}: {error.strerror or error}")
        print(f"Report written to {target}")
        return None
