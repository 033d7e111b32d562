"""``scrapy reparse``: re-read a crawl or a whole harvest from what it kept, without Scrapy's engine.

    scrapy reparse [-a NAME=VALUE ...] [-s NAME=VALUE ...] [--output FILE] [--workers N]
    scrapy reparse STORED [STORED ...] -a base_url=URL [...]
    scrapy reparse HARVEST_DIR [--output DIR]
    ... [--scheduler ADDRESS | --scheduler-file FILE]

With no path it takes the crawl's own arguments and settings (``-a replay=1`` is implied: the
page cache at ``HTTPCACHE_DIR``; ``-a replay=PATH`` reads WARC files or a WACZ; ``full`` is
refused) and writes the records ``scrapy crawl archive -a replay=...`` would write, to
``--output`` (default ``<output stem>.reparsed.jsonl``, replaced whole at the end), with its own
rejects file and summary beside it. Paths of WARC/ARC files, folders of them or WACZ packages
are one site's stored pages, read together. A folder holding ``harvest.json`` re-parses every
site of that harvest from its page cache, with the arguments its crawl ran with.

Article pages are read by forked processes of this machine (``--workers``), or by the workers of
a running Dask cluster (``--scheduler``, ``--scheduler-file``): the records are the same.
Exit 0; 1 when no stored page was found to read (for a harvest: a site had none), the store
could not be read or the cluster failed; 2 bad arguments; 3 interrupted.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import time
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.utils.log import configure_logging
from scrapy.utils.project import data_path

from archive_crawler.commands import OptionsOnlyCommand
from archive_crawler.commands.crawl import EXIT_BAD_ARGUMENTS, EXIT_FAILED, EXIT_INTERRUPTED, default_paths
from archive_crawler.options import ARGUMENTS, RunOptions
from archive_crawler.reparse import Reparse
from archive_crawler.reparse_workers import ClusterReading, ReparseError, holds_stored_pages
from archive_crawler.storage.rejects import sidecar_path

logger = logging.getLogger("archive_crawler.reparse")
TAKEN = tuple(name for name in ARGUMENTS if name != "full")


class Command(OptionsOnlyCommand, ScrapyCommand):
    def syntax(self) -> str:
        return "[options] [HARVEST_DIR | STORED ...]"

    def short_desc(self) -> str:
        return "Re-read a crawl or a harvest from its page cache, WARC files or WACZ, without the crawl engine"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="the crawl's arguments (site, base_url, urls, wayback, fallback, capture, since, "
                                 "until; replay=PATH for WARC files or a WACZ)")
        parser.add_argument("--output", metavar="FILE",
                            help="the JSON Lines file to write (default: <output stem>.reparsed.jsonl); for a harvest "
                                 "folder, the folder to write each site's <name>.reparsed.jsonl to (default: the "
                                 "harvest folder)")
        parser.add_argument("--workers", type=int, metavar="N",
                            help="parsing processes on this machine (default: one per core)")
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--scheduler", metavar="ADDRESS",
                           help="read the article pages on a running Dask cluster, e.g. tcp://host:8786")
        where.add_argument("--scheduler-file", metavar="FILE", help="the scheduler file of a running Dask scheduler")

    def run(self, args, opts) -> None:
        assert self.settings is not None  # set by scrapy.cmdline before any command method runs
        configure_logging(self.settings)
        try:
            arguments = dict(argument.split("=", 1) for argument in opts.spargs)
        except ValueError:
            return self.refuse(f"-a takes NAME=VALUE, got {opts.spargs}")
        if opts.workers is not None and opts.workers < 1:
            return self.refuse("--workers takes a whole number of 1 or more")
        on_cluster = bool(opts.scheduler or opts.scheduler_file)
        if on_cluster and opts.workers is not None:
            return self.refuse("--workers is for this machine: on a cluster its workers read the pages")
        paths = [Path(arg) for arg in args]
        for path in paths:
            if not path.exists():
                return self.refuse(f"{path} does not exist: give a harvest folder, or WARC/ARC files, folders of "
                                   "them or WACZ packages")
        from archive_crawler.harvest.reparse import is_harvest_folder

        if len(paths) == 1 and is_harvest_folder(paths[0]):
            if arguments:
                return self.refuse("a harvest folder is re-parsed with the arguments harvest.json keeps for each "
                                   "site: no -a")
            return self.run_harvest(paths[0].resolve(), opts)
        return self.run_one(arguments, paths, opts)

    @contextlib.contextmanager
    def reading(self, opts):
        """The cluster's workers (checked to run this version of the project), or None: forked processes."""
        if not (opts.scheduler or opts.scheduler_file):
            yield None
            return
        from archive_crawler.harvest.cluster import ClusterError, check_workers, cluster

        try:
            with cluster(opts.scheduler, opts.scheduler_file, 1) as running:
                check_workers(running.client, lambda: print("No worker has joined the cluster yet: waiting for one.",
                                                            file=sys.stderr, flush=True))
                yield ClusterReading(running.client, running.description)
        except ClusterError as error:
            raise ReparseError(str(error)) from None

    def run_one(self, arguments: dict[str, str], paths: list[Path], opts) -> None:
        """One crawl's re-parse: its page cache, ``-a replay=PATH`` or the stored files given as paths."""
        settings = self.settings
        assert settings is not None
        if paths and "replay" in arguments:
            return self.refuse("give the stored pages as -a replay=PATH or as paths, not both")
        if len(paths) == 1 and paths[0].is_dir() and not holds_stored_pages(paths[0]):
            return self.fail(f"{paths[0]} holds neither harvest.json nor stored pages (WARC, ARC or WACZ files)",
                             EXIT_FAILED)
        stored = tuple(str(path.resolve()) for path in paths)
        if stored:
            arguments = {**arguments, "replay": stored[0]}
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
        default_paths(settings, options)
        crawl_output = Path(settings["ARCHIVE_OUTPUT"])
        output = Path(opts.output) if opts.output else sidecar_path(crawl_output, ".reparsed.jsonl")
        if output.resolve() == crawl_output.resolve():
            return self.refuse(f"--output {output} is the crawl's own output (ARCHIVE_OUTPUT): "
                               "a re-parse never overwrites it")
        cache = data_path(settings["HTTPCACHE_DIR"])
        reparse = Reparse(options, output, cache=cache, workers=opts.workers, settings=settings, stored=stored,
                          max_listing_pages=settings.getint("ARCHIVE_MAX_LISTING_PAGES", 5000))
        try:
            with self.reading(opts) as reading:
                figures = reparse.run(reading)
        except KeyboardInterrupt:
            return self.fail(f"interrupted: {output} left as it was", EXIT_INTERRUPTED)
        except ReparseError as error:
            return self.fail(str(error), EXIT_FAILED)
        except (OSError, ValueError) as error:
            return self.fail(f"cannot read the harvest: {error}", EXIT_FAILED)
        logger.info("Re-parse summary: %s", json.dumps(figures))
        if not figures["pages_read"]:
            where = reparse.store.describe() if stored or options.stored else cache
            print(f"No page of {options.base_url} was found to read in {where}: nothing re-parsed", file=sys.stderr)
            self.exitcode = EXIT_FAILED
            return None
        print(f"Re-parsed {figures['pages_read']} pages: {figures['stories_written']} stories written to {output}",
              file=sys.stderr)
        return None

    def run_harvest(self, folder: Path, opts) -> None:
        """Every site of a harvest folder, each from its page cache with its own arguments and settings."""
        from archive_crawler.harvest.reparse import (
            HarvestedSite,
            HarvestFolderError,
            check_outputs,
            harvested_sites,
            reparse_sites,
        )

        settings = self.settings
        assert settings is not None
        output_folder = Path(opts.output).resolve() if opts.output else folder
        if output_folder.exists() and not output_folder.is_dir():
            return self.refuse(f"--output {output_folder} is a file: for a harvest folder it names a folder")
        try:
            sites = harvested_sites(folder, settings["ARCHIVE_SITE"])
            check_outputs(sites, output_folder)
        except HarvestFolderError as error:
            return self.refuse(str(error))
        output_folder.mkdir(parents=True, exist_ok=True)

        def say(line: str) -> None:
            print(line, file=sys.stderr, flush=True)

        def start(site: HarvestedSite, reading):
            cache = site.paths.httpcache
            if not cache.is_dir():
                return f"no page cache at {cache}"
            try:
                options = site.options(settings["ARCHIVE_SITE"])
            except HarvestFolderError as error:
                return str(error)
            site_settings = settings.copy()
            site_settings.setdict(site.settings, priority="spider")  # the command line's -s still wins
            site_settings.set("ARCHIVE_STATE", str(site.paths.state), priority="spider")  # its knowledge, read only
            reparse = Reparse(options, site.output(output_folder), cache=str(cache), workers=opts.workers,
                              settings=site_settings,
                              max_listing_pages=site_settings.getint("ARCHIVE_MAX_LISTING_PAGES", 5000))
            reparse.start(reading)
            return reparse

        began = time.monotonic()
        try:
            with self.reading(opts) as reading:
                say(f"Re-parsing {len(sites)} sites of {folder} on "
                    f"{reading.description if reading else 'this machine'}.")
                results = reparse_sites(sites, lambda site: start(site, reading), ahead=1 if reading else 0,
                                        say=say)
        except KeyboardInterrupt:
            return self.fail("interrupted: the outputs not written yet are left as they were", EXIT_INTERRUPTED)
        except ReparseError as error:
            return self.fail(str(error), EXIT_FAILED)
        except (OSError, ValueError) as error:
            return self.fail(f"cannot read the harvest: {error}", EXIT_FAILED)
        seconds = time.monotonic() - began
        done = [result.figures for result in results if result.figures]
        stories = sum(figures["stories_written"] for figures in done)
        say(f"Re-parsed {len(done)} of {len(sites)} sites: {sum(figures['pages_read'] for figures in done)} pages, "
            f"{stories} stories in {seconds:.1f} s ({stories / seconds if seconds else 0:.0f} records per second)")
        if any(result.problem for result in results):
            self.exitcode = EXIT_FAILED
        return None

    def refuse(self, message: str) -> None:
        """A bad argument: one line, as ``scrapy crawl`` says it, and exit status 2."""
        print(f"bad argument: {message}", file=sys.stderr)
        self.exitcode = EXIT_BAD_ARGUMENTS

