"""Signals of the crawler's own, sent through Scrapy's signal manager."""

# A page a replay wanted but could not read (missing or unreadable); arguments: url, reason.
page_missing = object()
