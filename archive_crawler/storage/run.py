"""The run extension: one crawl per state at a time, and a summary at the end."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import sys
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals

from archive_crawler import signals as archive_signals
from archive_crawler.navigation.ledger import MAX_ATTEMPTS
from archive_crawler.options import RunOptions
from archive_crawler.stats import Stat
from archive_crawler.storage.archive import ArchiveStorage
from archive_crawler.storage.rejects import sidecar_path
from archive_crawler.storage.state import now

logger = logging.getLogger(__name__)

MISSING_NAMED_IN_SUMMARY = 50
SHORTFALL_SHARE = 0.9  # stories known under this share of what a door announced: the archive is not complete


class CrawlAlreadyRunning(RuntimeError):
    """Another crawl holds the lock of the same state."""


class RunLock:
    """An exclusive lock next to the state file, held for the whole run.

    The lock is an ``flock`` on ``<state>.lock``: the kernel drops it when its
    process dies, so a lock left by a killed run never blocks the next one. The
    file itself names the holder, for the message a second run prints.
    """

    def __init__(self, state_path: str | Path):
        self.path = Path(f"{state_path}.lock")
        self.fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 4096).decode("utf-8", "replace").strip()
            os.close(fd)
            raise CrawlAlreadyRunning(
                f"Another crawl is already running on the state {self.path.with_suffix('')}: {holder or 'unknown'}"
            ) from None
        owner = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "command": " ".join(sys.argv),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(owner).encode(), 0)
        self.fd = fd

    def probe(self) -> None:
        """Raise CrawlAlreadyRunning when another process holds the lock; hold nothing."""
        self.acquire()
        self.release()

    def release(self) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


SUMMARY_FIGURES = (
    ("new stories written", Stat.WRITTEN),
    ("pages fetched", Stat.NETWORK_REQUESTS),
    ("pages kept in the cache", "httpcache/store"),
    ("pages retried", "retry/count"),
    ("listing pages read", Stat.LISTING_PAGES),
    ("stories skipped as already seen", Stat.INCREMENTAL_SKIPPED_SEEN),
    ("duplicates dropped", Stat.DEDUPE_DROPPED),
    ("pages and records rejected", Stat.REJECTED),
    ("pages missing from the replay", Stat.REPLAY_MISSING),
    ("unreadable cached pages", Stat.REPLAY_UNREADABLE),
)


def total(stats: dict, prefix: str) -> int:
    return sum(value for name, value in stats.items()
               if (name == prefix or name.startswith(prefix + "/")) and isinstance(value, int))


def by_reason(stats: dict, prefix: str) -> dict[str, int]:
    return {name[len(prefix) + 1:]: value for name, value in sorted(stats.items())
            if name.startswith(prefix + "/") and isinstance(value, int)}


class ArchiveRun:
    """Holds the state's lock for the run and reports what the run did when it ends.

    The report is one readable block in the log and the same figures in
    ``<output>.summary.json`` next to the output, whether the run finished, was
    stopped with Ctrl-C or ended on an error.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.replay = RunOptions.of(crawler).replay
        self.lock = RunLock(crawler.settings["ARCHIVE_STATE"])
        self.summary_path = sidecar_path(crawler.settings["ARCHIVE_OUTPUT"], ".summary.json")
        self.missing: list[str] = []  # pages a replay could not read, the first few named

    def page_missing(self, url: str, reason: str = "missing") -> None:
        if len(self.missing) < MISSING_NAMED_IN_SUMMARY:
            self.missing.append(url)

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        try:
            extension.lock.acquire()
        except CrawlAlreadyRunning as error:
            logger.error("%s", error)
            raise
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.page_missing, signal=archive_signals.page_missing)
        crawler.signals.connect(extension.release, signal=signals.engine_stopped)
        return extension

    def release(self) -> None:
        """The state closes (its last changes committed) before the lock lets another crawl open it."""
        storage = self.crawler.get_extension(ArchiveStorage)
        if storage is not None:
            storage.close()
        self.lock.release()

    def shortfall(self) -> dict | None:
        """What a door announced and the stories known after the run, when those are under
        ``SHORTFALL_SHARE`` of it (a walk that stopped while the site says it has more), else None."""
        reports = self.crawler.stats.get_value(Stat.DOORS_REPORT) or {}
        announced = {door: report["announced"] for door, report in reports.items() if report.get("announced")}
        storage = self.crawler.get_extension(ArchiveStorage)
        if not announced or storage is None or not storage.opened or RunOptions.of(self.crawler).window.limited:
            return None
        door, most = max(announced.items(), key=lambda item: item[1])
        try:
            # Category counts (the listings door) count a post once per category: weighed against the
            # posts each category's listings showed.
            listed = reports[door].get("listed")
            known = listed if isinstance(listed, int) else storage.state.story_count()
        except Exception:  # the state may be what failed
            return None
        if known >= SHORTFALL_SHARE * most:
            return None
        return {"door": door, "announced": most, "stories_known": known, "missing": most - known}

    def archive_complete(self, reason: str, shortfall: dict | None = None) -> bool:
        """A finished run with every category walked, no link left over, nothing missing, and no
        door announcing far more posts than are known."""
        if reason != "finished" or self.missing or shortfall:
            return False
        if self.replay:
            return True
        storage = self.crawler.get_extension(ArchiveStorage)
        if storage is None or not storage.opened:
            return False
        doors_complete = self.crawler.stats.get_value(Stat.DOORS_COMPLETE)
        try:
            return storage.state.harvest_complete(MAX_ATTEMPTS, categories=doors_complete is None) and \
                doors_complete is not False
        except Exception:  # the state may be what failed
            return False

    def summary(self, reason: str) -> dict:
        stats = self.crawler.stats.get_stats()
        started = stats.get("start_time")
        elapsed = (datetime.now(timezone.utc) - started).total_seconds() if started else None
        shortfall = self.shortfall()
        return {
            "finish_reason": reason,
            "archive_complete": self.archive_complete(reason, shortfall),
            "shortfall": shortfall,
            "stories_written": total(stats, Stat.WRITTEN),
            "duplicates_dropped": by_reason(stats, Stat.DEDUPE_DROPPED),
            "rejects": by_reason(stats, Stat.REJECTED),
            "pages_fetched": total(stats, Stat.NETWORK_REQUESTS),
            "pages_cached": total(stats, "httpcache/store"),
            "pages_retried": total(stats, "retry/count"),
            "listing_pages_read": total(stats, Stat.LISTING_PAGES),
            "skipped_as_seen": total(stats, Stat.INCREMENTAL_SKIPPED_SEEN),
            "replay_missing": total(stats, Stat.REPLAY_MISSING) + total(stats, Stat.REPLAY_UNREADABLE),
            "elapsed_seconds": round(elapsed, 3) if elapsed is not None else None,
            "output": str(self.crawler.settings["ARCHIVE_OUTPUT"]),
            "door_used": stats.get(Stat.DOORS_USED),
            "doors": stats.get(Stat.DOORS_REPORT),
            "edited_since_written": total(stats, Stat.EDITED),
            "edited_urls": stats.get(Stat.EDITED_URLS, []),
        }

    def spider_closed(self, spider, reason) -> None:
        stats = self.crawler.stats.get_stats()
        summary = self.summary(reason)
        lines = [f"  {label:<33} {total(stats, prefix)}" for label, prefix in SUMMARY_FIGURES]
        lines.append(f"  {'elapsed seconds':<33} {summary['elapsed_seconds']}")
        lines.append(f"  {'archive complete':<33} {'yes' if summary['archive_complete'] else 'no'}")
        if summary["door_used"]:
            lines.append(f"  {'door used':<33} {summary['door_used']}")
            lines += [f"    {door:<31} {report.get('status')}" + (
                f", {report['announced']} posts announced" if report.get("announced") is not None else "")
                for door, report in (summary["doors"] or {}).items()]
        if summary["edited_since_written"]:
            lines.append(f"  {'edited since written':<33} {summary['edited_since_written']}")
        logger.info("Run summary (%s):\n%s", reason, "\n".join(lines))
        shortfall = summary["shortfall"]
        if shortfall:
            logger.warning("Only %d stories are known of the %d posts the %s announced (%d missing): "
                           "the archive is not complete", shortfall["stories_known"], shortfall["announced"],
                           shortfall["door"], shortfall["missing"])
        if self.missing:
            logger.warning("Pages missing from the replay (%d, first %d named):\n  %s",
                           summary["replay_missing"], len(self.missing), "\n  ".join(self.missing))
        self.write_summary(summary)
        self.record_run(summary, RunOptions.of(self.crawler).base_url)

    def record_run(self, summary: dict, site: str | None) -> None:
        """One row of the state's run history; a replay (on a scratch state) records nothing."""
        storage = self.crawler.get_extension(ArchiveStorage)
        if self.replay or storage is None:
            return
        started = self.crawler.stats.get_value("start_time")
        run = {"started": started.isoformat(timespec="seconds") if started else None,
               "finished": now(),
               "seconds": summary["elapsed_seconds"], "finish_reason": summary["finish_reason"],
               "stories_written": summary["stories_written"], "pages_fetched": summary["pages_fetched"],
               "listing_pages": summary["listing_pages_read"], "rejects": sum(summary["rejects"].values()),
               "complete": int(summary["archive_complete"]), "site": site}
        try:
            storage.state.record_run(run)
        except Exception as error:  # the state may be what failed: the summary stands all the same
            logger.error("Cannot record the run in the state %s: %s", storage.state_path, error)

    def write_summary(self, summary: dict) -> None:
        temporary = self.summary_path.with_name(self.summary_path.name + ".tmp")
        try:
            self.summary_path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            os.replace(temporary, self.summary_path)
        except OSError as error:
            logger.error("Cannot write the run summary %s: %s", self.summary_path, error.strerror or error)
