"""What the server sends back: status, content type, extra headers and body."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

HTML = "text/html; charset=UTF-8"


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)


def html_answer(text: str, status: int = 200) -> Answer:
    return Answer(status, text.encode("utf-8"))


def json_answer(value, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Answer:
    # PHP's json_encode, as WordPress calls it, escapes slashes and non-ASCII characters.
    body = json.dumps(value, separators=(",", ":")).replace("/", "\\/")
    return Answer(status, body.encode("ascii"), "application/json; charset=UTF-8", headers or [])


def redirect(url: str, status: int = 301) -> Answer:
    return Answer(status, b"", HTML, [("Location", url)])
