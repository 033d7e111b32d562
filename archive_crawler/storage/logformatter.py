"""Scrapy's log messages, with one short line for each record the pipelines drop.

Scrapy's own formatter logs a dropped item in full: every duplicate would put a
whole story, body and all, into the log. A record dropped by the project's pipelines
(:class:`~archive_crawler.storage.pipelines.RecordDropped`) is one line naming its
URL, its story ID and why; any other dropped item is logged as Scrapy logs it.
"""

from __future__ import annotations

from scrapy.logformatter import LogFormatter

from archive_crawler.storage.pipelines import RecordDropped

DROPPED_MESSAGE = "Dropped %(url)s (story ID %(story_id)s): %(reason)s"


class ArchiveLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        entry = super().dropped(item, exception, response, spider)
        if not isinstance(exception, RecordDropped):
            return entry
        arguments = {"url": exception.url or "an unknown page", "story_id": exception.story_id,
                     "reason": str(exception)}
        return {**entry, "msg": DROPPED_MESSAGE, "args": arguments}
