"""Downloader middlewares of the project."""

from __future__ import annotations

from datetime import datetime, timezone

FETCHED_AT_HEADER = b"X-Archive-Fetched-At"


class FetchTimeMiddleware:
    """Stamp each response with the UTC time it came off the network.

    It sits next to the downloader, below the HTTP cache, so the stamp is cached
    with the page: a page served later from the cache keeps its original time.
    """

    def process_response(self, request, response):
        if FETCHED_AT_HEADER not in response.headers:
            response.headers[FETCHED_AT_HEADER] = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        return response


def fetched_at(response) -> str:
    value = response.headers.get(FETCHED_AT_HEADER)
    if value:
        return value.decode("ascii", "replace")
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
