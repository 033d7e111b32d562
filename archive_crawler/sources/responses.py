"""Scrapy responses rebuilt from stored pages (the cache, WARC files, the parsing workers)."""

from __future__ import annotations

from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes


def build_response(url: str, status: int, headers, body: bytes, **extra) -> Response:
    """A Scrapy response of the right class (HTML, text, ...) from (name, value) header pairs."""
    header_map = Headers()
    for name, value in headers:
        header_map.appendlist(name, value)
    response_class = responsetypes.from_args(headers=header_map, url=url, body=body)
    return response_class(url=url, status=status, headers=header_map, body=body, **extra)
