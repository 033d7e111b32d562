"""``scrapy reparse``: re-read a harvest from what it kept, without Scrapy's engine, on every core.

    scrapy reparse [-a NAME=VALUE ...] [-s NAME=VALUE ...] [--output FILE] [--workers N]

It takes the crawl's own arguments and settings (``-a replay=1`` is implied: the page cache at
``HTTPCACHE_DIR``; ``-a replay=PATH`` reads WARC files or a WACZ; ``full`` is refused) and writes
the records ``scrapy crawl archive -a replay=...`` would write, to ``--output`` (default
``<output stem>.reparsed.jsonl``, replaced whole at the end), with its own rejects file and
summary beside it. Exit 0; 1 when no stored page was found to read; 2 bad arguments; 3 interrupted.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.utils.log import configure_logging
from scrapy.utils.project import data_path

from archive_crawler.commands import OptionsOnlyCommand
from archive_crawler.commands.crawl import EXIT_BAD_ARGUMENTS, EXIT_FAILED, EXIT_INTERRUPTED, default_paths
from archive_crawler.options import ARGUMENTS, RunOptions
from archive_crawler.reparse import Reparse
from archive_crawler.storage.rejects import sidecar_path

logger = logging.getLogger("archive_crawler.reparse")
TAKEN = tuple(name for name in ARGUMENTS if name != "full")


class Command(OptionsOnlyCommand, ScrapyCommand):
    def short_desc(self) -> str:
        return "Re-read a harvest from its page cache, WARC files or WACZ, without the crawl engine"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="the crawl's arguments (site, base_url, urls, wayback, fallback, capture, since, "
                                 "until; replay=PATH for WARC files or a WACZ)")
        parser.add_argument("--output", metavar="FILE",
                            help="the JSON Lines file to write (default: <output stem>.reparsed.jsonl)")
        parser.add_argument("--workers", type=int, metavar="N", help="parsing processes (default: one per core)")

    def run(self, args, opts) -> None:
        self.refuse_arguments(args)
        assert self.settings is not None  # set by scrapy.cmdline before any command method runs
        settings = self.settings
        configure_logging(settings)
        try:
            arguments = dict(argument.split("=", 1) for argument in opts.spargs)
        except ValueError:
            return self.refuse(f"-a takes NAME=VALUE, got {opts.spargs}")
        try:
            if "full" in arguments:
                raise ValueError("full is refused: a re-parse reads what a harvest kept, as it kept it")
            if arguments.get("replay", "1").strip().lower() in ("0", "false", "no", "off", ""):
                raise ValueError("replay is implied (the page cache), or a WARC file, folder or WACZ: not 0")
            options = RunOptions.parse({"replay": "1", **arguments}, settings["ARCHIVE_SITE"])
        except ValueError as error:
            if str(error).startswith("unknown argument"):
                error = ValueError(str(error).replace("full, ", "").replace(", full", ""))
            return self.refuse(str(error))
        if opts.workers is not None and opts.workers < 1:
            return self.refuse("--workers takes a whole number of 1 or more")
        default_paths(settings, options)
        crawl_output = Path(settings["ARCHIVE_OUTPUT"])
        output = Path(opts.output) if opts.output else sidecar_path(crawl_output, ".reparsed.jsonl")
        if output.resolve() == crawl_output.resolve():
            return self.refuse(f"--output {output} is the crawl's own output (ARCHIVE_OUTPUT): "
                               "a re-parse never overwrites it")
        cache = data_path(settings["HTTPCACHE_DIR"])
        reparse = Reparse(options, output, cache=cache, workers=opts.workers, settings=settings,
                          max_listing_pages=settings.getint("ARCHIVE_MAX_LISTING_PAGES", 5000))
        try:
            figures = reparse.run()
        except KeyboardInterrupt:
            return self.fail(f"interrupted: {output} left as it was", EXIT_INTERRUPTED)
        except (OSError, ValueError) as error:
            return self.fail(f"cannot read the harvest: {error}", EXIT_FAILED)
        logger.info("Re-parse summary: %s", json.dumps(figures))
        if not figures["pages_read"]:
            where = options.stored or cache
            print(f"No page of {options.base_url} was found to read in {where}: nothing re-parsed", file=sys.stderr)
            self.exitcode = EXIT_FAILED
            return None
        print(f"Re-parsed {figures['pages_read']} pages: {figures['stories_written']} stories written to {output}",
              file=sys.stderr)
        return None

    def refuse(self, message: str) -> None:
        """A bad argument: one line, as ``scrapy crawl`` says it, and exit status 2."""
        print(f"bad argument: {message}", file=sys.stderr)
        self.exitcode = EXIT_BAD_ARGUMENTS
