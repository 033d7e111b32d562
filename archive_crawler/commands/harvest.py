"""``scrapy harvest SITES.toml``: many sites in one harvest, on this machine or on a Dask cluster.

Every site of the sites file is harvested into the folder (``output/<sites file
stem>/`` unless ``--folder`` says otherwise) as ``scrapy crawl archive`` with that
site's arguments would: ``<name>.jsonl``, ``.state.sqlite3``, ``.rejects.jsonl``,
``.summary.json``, ``.log`` and its page cache ``<name>.httpcache/``. The harvest
writes ``harvest.json``: how each site's run ended. Running it again resumes every
site from its state, as a scheduled crawl does.

Exit status: 0 every site ran; 1 a site could not run (each named on one line, the
others harvested all the same); 2 a bad sites file (nothing started); 3 stopped
(Ctrl-C) before the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from archive_crawler.harvest.cluster import ClusterError, cluster
from archive_crawler.harvest.runner import (
    DEFAULT_AT_ONCE,
    EXIT_BAD_SITES_FILE,
    EXIT_SITE_FAILED,
    Harvest,
)
from archive_crawler.harvest.sites import SitesFileError, read_sites_file


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[options] SITES.toml"

    def short_desc(self) -> str:
        return "Harvest every site of a sites file into one folder, on this machine or on a Dask cluster"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--folder", metavar="DIR",
                            help="where every site's files and harvest.json go (default: output/<sites file stem>/); "
                                 "on a cluster, a folder every worker sees at the same path")
        parser.add_argument("--sites-at-once", type=int, metavar="N",
                            help=f"sites harvested at once (default: every site, at most {DEFAULT_AT_ONCE}, on this "
                                 "machine; every site on a cluster, as its workers' threads allow)")
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786")
        where.add_argument("--scheduler-file", metavar="FILE", help="the scheduler file of a running Dask scheduler")

    def run(self, args, opts) -> None:
        if len(args) != 1:
            raise UsageError("give one sites file", print_help=True)
        if opts.sites_at_once is not None and opts.sites_at_once < 1:
            raise UsageError("--sites-at-once must be 1 or more", print_help=False)
        assert self.settings is not None  # set by scrapy.cmdline before any command method runs
        sites_path = Path(args[0])
        try:
            sites_file = read_sites_file(sites_path, self.settings["ARCHIVE_SITE"])
        except SitesFileError as error:
            return self.fail(str(error), EXIT_BAD_SITES_FILE)
        folder = Path(opts.folder or Path("output") / sites_path.stem).resolve()
        on_cluster = bool(opts.scheduler or opts.scheduler_file)
        count = len(sites_file.sites)
        at_once = opts.sites_at_once or (count if on_cluster else min(count, DEFAULT_AT_ONCE))
        harvest = Harvest(sites_file, folder, at_once, say=lambda line: print(line, flush=True),
                          warn=lambda line: print(line, file=sys.stderr, flush=True))
        try:
            with cluster(opts.scheduler, opts.scheduler_file, at_once) as running:
                self.exitcode = harvest.run(running)
        except ClusterError as error:
            return self.fail(str(error), EXIT_SITE_FAILED)
        return None

    def fail(self, message: str, code: int) -> None:
        """One line on standard error, and the command's exit status."""
        print(f"Error: {message}", file=sys.stderr)
        self.exitcode = code
