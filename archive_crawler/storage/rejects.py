"""Pages and records the crawl had to give up on: logged, counted, and listed in a file.

Every reject is one log line, one ``archive/rejected/{reason}`` counter and one JSON
line in ``<output>.rejects.jsonl`` next to the output (``url``, ``reason``,
``status``, ``kind``, ``time``), so a user can see what is missing and why.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path

from archive_crawler.stats import Stat

logger = logging.getLogger(__name__)


def sidecar_path(output: str | Path, suffix: str) -> Path:
    """A file next to the output: ``archive.jsonl`` -> ``archive.rejects.jsonl``."""
    output = Path(output)
    stem = output.name[: -len(".jsonl")] if output.name.endswith(".jsonl") else output.name
    return output.with_name(f"{stem}{suffix}")


class RejectsLog:
    def __init__(self, path: Path, stats):
        self.path = path
        self.stats = stats
        self.fd: int | None = None

    def reject(self, url: str, reason: str, status: int | None = None, kind: str = "article",
               detail: str = "") -> None:
        self.stats.inc_value(f"{Stat.REJECTED}/{reason}")
        logger.warning("Rejected %s page %s: %s%s%s", kind, url, reason,
                       f" (HTTP {status})" if status else "", f": {detail}" if detail else "")
        line = {"url": url, "reason": reason, "status": status, "kind": kind,
                "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        if detail:
            line["detail"] = detail
        try:
            if self.fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            os.write(self.fd, (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
        except OSError as error:
            logger.error("Cannot write the rejects file %s: %s", self.path, error.strerror or error)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
