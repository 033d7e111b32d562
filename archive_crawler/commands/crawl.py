"""``scrapy crawl`` with the archive's checks before and after the run.

Before: bad spider arguments, an output or state that cannot be written (full or
read-only disk), or a crawl already running on the same state end the command at
once with one clear line instead of a traceback from inside the engine. After: the
exit status tells how the run ended (see :func:`exit_code`), and a run that could
not do its work ends with one line saying why.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.misc import load_object

from archive_crawler.options import RunOptions
from archive_crawler.sources.reachability import SITE_UNREACHABLE, unreachable_message
from archive_crawler.stats import Stat
from archive_crawler.storage.run import CrawlAlreadyRunning, RunLock
from archive_crawler.storage.state import JOURNALS

EXIT_FINISHED = 0  # the walk ended: rejected pages are normal, completeness is in the summary
EXIT_FAILED = 1  # could not run: site unreachable, storage error, state locked by another run
EXIT_BAD_ARGUMENTS = 2
EXIT_INTERRUPTED = 3  # stopped before the walk ended: Ctrl-C, SIGTERM, a CLOSESPIDER_* limit
NOTHING_FOUND = "nothing_found"  # the walk ended having found no post, and none was known before
FAILED_REASONS = {"storage_error", SITE_UNREACHABLE, NOTHING_FOUND}


def exit_code(reason: str | None) -> int:
    """The command's exit status for a crawl that ended with Scrapy's finish ``reason``.

    A run stopped for any other reason (``shutdown`` after a signal, ``closespider_*``,
    none at all after a second Ctrl-C) did not end its walk: the next run resumes it.

    >>> [exit_code(reason) for reason in ("finished", "site_unreachable", "nothing_found", "shutdown", None)]
    [0, 1, 1, 3, 3]
    """
    if reason == "finished":
        return EXIT_FINISHED
    return EXIT_FAILED if reason in FAILED_REASONS else EXIT_INTERRUPTED


def failure_message(reason: str | None, stats: dict) -> str | None:
    """The one line that says why a run could not do its work, or None."""
    if reason == SITE_UNREACHABLE:
        return unreachable_message(stats)
    if reason == NOTHING_FOUND:
        return stats.get(Stat.NOTHING_FOUND) or "Nothing found: no post was recognised on any page read"
    if reason == "storage_error":
        return f"Cannot write {stats.get('archive/storage_error') or 'the output or the state'}"
    return None


def default_paths(settings, options: RunOptions) -> None:
    """A site other than the default one writes to ``output/<host>.jsonl`` and
    ``output/<host>.state.sqlite3`` unless told otherwise."""
    if options.site == settings["ARCHIVE_SITE"]:
        return
    host = re.sub(r"[^A-Za-z0-9.-]+", "_", urlsplit(options.base_url).netloc)
    for name, suffix in (("ARCHIVE_OUTPUT", ".jsonl"), ("ARCHIVE_STATE", ".state.sqlite3")):
        priority = settings.getpriority(name)
        assert priority is not None  # both settings are defined in archive_crawler/settings.py
        if priority <= SETTINGS_PRIORITIES["project"]:
            folder = Path(settings[name]).parent
            settings.set(name, str(folder / f"{host}{suffix}"), priority="project")


class Command(ScrapyCrawlCommand):
    def process_options(self, args, opts):
        """Check the spider's arguments before Scrapy starts: a bad one ends the command with one line."""
        super().process_options(args, opts)
        if len(args) != 1:
            return
        assert self.settings is not None  # set by scrapy.cmdline before any command method runs
        loader = load_object(self.settings["SPIDER_LOADER_CLASS"]).from_settings(self.settings.frozencopy())
        try:
            spider_class = loader.load(args[0])
        except KeyError:
            return  # Scrapy's own message follows
        if hasattr(spider_class, "check_arguments"):
            try:
                options = spider_class.check_arguments(opts.spargs, self.settings["ARCHIVE_SITE"])
            except ValueError as error:
                print(f"bad argument: {error}", file=sys.stderr)
                sys.exit(EXIT_BAD_ARGUMENTS)
            default_paths(self.settings, options)

    def run(self, args, opts):
        if len(args) != 1 or self.crawler_process is None:
            return super().run(args, opts)
        spider_class = self.crawler_process.spider_loader.load(args[0])
        if hasattr(spider_class, "check_arguments"):
            problem = self.storage_problem()
            if problem:
                print(f"Error: {problem}", file=sys.stderr)
                self.exitcode = EXIT_FAILED
                return None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_FAILED
            return None
        stats = crawler.stats.get_stats() if getattr(crawler, "stats", None) else {}
        reason = stats.get("finish_reason")
        message = failure_message(reason, stats)
        if message:
            print(message, file=sys.stderr)
        self.exitcode = exit_code(reason)
        return None

    def storage_problem(self) -> str | None:
        """Why the output or the state cannot be written, or None. Existing files are left as they are."""
        assert self.settings is not None
        output = Path(self.settings["ARCHIVE_OUTPUT"])
        state = Path(self.settings["ARCHIVE_STATE"])
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(output, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644))
        except OSError as error:
            return f"cannot write the output {error.filename or output}: {error.strerror or error}"
        try:
            state.parent.mkdir(parents=True, exist_ok=True)
            RunLock(state).probe()
        except CrawlAlreadyRunning as error:
            return str(error)
        except OSError as error:
            return f"cannot write the state's lock {error.filename or state}: {error.strerror or error}"
        try:
            connection = sqlite3.connect(state)
            try:
                journal = str(self.settings.get("ARCHIVE_STATE_JOURNAL") or "wal").lower()
                if journal not in JOURNALS:
                    return f"ARCHIVE_STATE_JOURNAL must be one of {', '.join(JOURNALS)}, got {journal!r}"
                connection.execute(f"PRAGMA journal_mode={journal}")
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("CREATE TABLE IF NOT EXISTS ledger (name TEXT PRIMARY KEY, value TEXT)")
                connection.execute("COMMIT")
            finally:
                connection.close()
        except OSError as error:
            return f"cannot write the state {error.filename or state}: {error.strerror or error}"
        except sqlite3.Error as error:
            return f"cannot write the state {state}: {error}"
        return None
