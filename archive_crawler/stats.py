"""Every counter a crawl keeps in Scrapy's stats, named once.

The names are the ``archive/...`` keys the run summary, the report, the progress line and the
tests read; a counter of many kinds (rejects by reason, duplicates by key) is its prefix here
with the kind after a slash.
"""

from __future__ import annotations

from collections import Counter
from typing import Final


class Stat:
    """The stats keys (plain strings, so the stats dump stays what it was)."""

    ARTICLE_PARSED: Final = "archive/article/parsed"
    CHARSET_REPAIRED: Final = "archive/charset/repaired"
    CRAWL_DELAY: Final = "archive/crawl_delay"
    DEDUPE_DROPPED: Final = "archive/dedupe/dropped"
    DOORS_COMPLETE: Final = "archive/doors/complete"
    DOORS_NOT_ARTICLE: Final = "archive/doors/not_article"
    DOORS_REPORT: Final = "archive/doors/report"
    DOORS_REST_ANNOUNCED: Final = "archive/doors/rest_announced"
    DOORS_REST_MISSING: Final = "archive/doors/rest_missing"
    DOORS_REST_POSTS: Final = "archive/doors/rest_posts"
    DOORS_REST_NO_AUTHOR: Final = "archive/doors/rest_no_author"  # posts the REST API gave with no author named
    DOORS_SITEMAPS_OVER_LIMIT: Final = "archive/doors/sitemaps_over_limit"
    DOORS_SITEMAP_UNREADABLE: Final = "archive/doors/sitemap_unreadable"
    DOORS_USED: Final = "archive/doors/used"
    EDITED: Final = "archive/edited"
    EDITED_URLS: Final = "archive/edited/urls"
    INCREMENTAL_SKIPPED_SEEN: Final = "archive/incremental/skipped_seen"
    INCREMENTAL_STOPPED_PAGING: Final = "archive/incremental/stopped_paging"
    LISTING_EMPTY: Final = "archive/listing/empty"
    LISTING_ENTRY_WITHOUT_LINK: Final = "archive/listing/entry_without_link"
    LISTING_LINK_SKIPPED: Final = "archive/listing/link_skipped"
    LISTING_NOT_LISTED: Final = "archive/listing/not_listed"
    LISTING_PAGES: Final = "archive/listing/pages"
    LISTING_POSTS: Final = "archive/listing/posts"
    LISTING_TRAP: Final = "archive/listing/trap"
    KNOWLEDGE_LEARNT: Final = "archive/knowledge/learnt"  # listing pages the run learnt the site from
    KNOWLEDGE_KEPT: Final = "archive/knowledge/kept"  # 1: the run took what an earlier one learnt, from the state
    MENU_FALLBACK: Final = "archive/menu/fallback"
    NETWORK_REQUESTS: Final = "archive/network/requests"
    NOTHING_FOUND: Final = "archive/nothing_found"
    OUTPUT_LINKS_REOPENED: Final = "archive/output/links_reopened"
    OUTPUT_RECONCILED: Final = "archive/output/reconciled"
    OUTPUT_TORN_BYTES_REMOVED: Final = "archive/output/torn_bytes_removed"
    OUTPUT_UNREADABLE_LINES: Final = "archive/output/unreadable_lines"
    REJECTED: Final = "archive/rejected"
    REPLAY: Final = "archive/replay"
    REPLAY_MISSING: Final = "archive/replay/missing"
    REPLAY_NETWORK_BLOCKED: Final = "archive/replay/network_blocked"
    REPLAY_TOO_LARGE: Final = "archive/replay/too_large"
    REPLAY_UNREADABLE: Final = "archive/replay/unreadable"
    REPLAY_WARC_ERRORS: Final = "archive/replay/warc_errors"
    REPLAY_WARC_FILES: Final = "archive/replay/warc_files"
    REPLAY_WARC_RESPONSES: Final = "archive/replay/warc_responses"
    RETRY_AFTER_HONOURED: Final = "archive/retry_after/honoured"
    SKIPPED_ROBOTS_DISALLOWED: Final = "archive/skipped/robots_disallowed"
    STORAGE_ERROR: Final = "archive/storage_error"
    TEMPLATE_LEARNT: Final = "archive/template/learnt"  # hosts whose template a first pass learnt
    TEMPLATE_READ_AGAIN: Final = "archive/template/read_again"  # first pass pages read again with it
    TEMPLATE_TOO_FEW: Final = "archive/template/too_few_pages"  # hosts with too few pages to learn from
    UNREACHABLE: Final = "archive/unreachable"
    VALIDATION_DROPPED: Final = "archive/validation/dropped"
    WACZ_PAGES: Final = "archive/wacz/pages"
    WARC_RECORDS_WRITTEN: Final = "archive/warc/records_written"
    WAYBACK_CAPTURES_USED: Final = "archive/wayback/captures_used"
    WAYBACK_CDX_BOUNDED: Final = "archive/wayback/cdx_bounded"
    WAYBACK_CDX_ERRORS: Final = "archive/wayback/cdx_errors"
    WAYBACK_CDX_LOOPS: Final = "archive/wayback/cdx_loops"
    WAYBACK_CDX_MALFORMED: Final = "archive/wayback/cdx_malformed"
    WAYBACK_CDX_ONLY_ARTICLES: Final = "archive/wayback/cdx_only_articles"
    WAYBACK_CDX_ROWS: Final = "archive/wayback/cdx_rows"
    WAYBACK_CDX_SPLITS: Final = "archive/wayback/cdx_splits"
    WAYBACK_FALLBACKS: Final = "archive/wayback/fallbacks"
    WAYBACK_FALLBACK_MISSED: Final = "archive/wayback/fallback_missed"
    WAYBACK_NOT_CAPTURED: Final = "archive/wayback/not_captured"
    WAYBACK_OTHER_LISTINGS: Final = "archive/wayback/other_listings"
    WAYBACK_SOFT_ERRORS: Final = "archive/wayback/soft_errors"
    WINDOW_SKIPPED: Final = "archive/window/skipped"
    WRITTEN: Final = "archive/written"


class Counts(Counter):
    """Scrapy's stats interface (the calls the walk and the store make), without Scrapy's engine:
    the re-parse tool's stats, and the tests'."""

    def inc_value(self, name: str, count: int = 1) -> None:
        self[name] += count

    def set_value(self, name: str, value) -> None:
        self[name] = value

    def get_value(self, name: str, default=None):
        return self.get(name, default)
