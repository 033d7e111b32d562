"""Why a request failed for good: a short reason and the HTTP status, by the failure's type."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from archive_crawler.messages import RequestRefused
from archive_crawler.sources.reachability import tls_failed

EXCEPTION_REASONS = {
    "DownloadTimeoutError": "timeout",
    "DownloadCancelledError": "too_large",
    "DownloadConnectionRefusedError": "connection_refused",
    "DownloadFailedError": "connection_reset",
    "ResponseDataLossError": "truncated",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "ConnectionLost": "connection_reset",
    "ConnectionDone": "connection_reset",
    "ConnectionRefusedError": "connection_refused",
    "ResponseNeverReceived": "connection_reset",
    "ResponseFailed": "connection_reset",
    "DNSLookupError": "dns_error",
    "CannotResolveHostError": "dns_error",
    "CancelledError": "too_large",
}


def failure_reason(failure) -> tuple[str, int | None]:
    """A short reason and the HTTP status (if any) for a request that failed for good."""
    if failure.check(HttpError):
        status = failure.value.response.status
        return f"http_{status}", status
    if failure.check(RequestRefused):
        return failure.value.reason, None
    if failure.check(IgnoreRequest):
        return "ignored", None
    if tls_failed(failure.value):
        return "tls_error", None
    name = failure.type.__name__
    message = str(failure.value)
    if name == "ResponseFailed" and "PotentialDataLoss" in message:
        return "truncated", None
    if "maxsize" in message.lower() or "max size" in message.lower():
        return "too_large", None
    return EXCEPTION_REASONS.get(name, name), None
