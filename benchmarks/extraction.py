"""Benchmark: the generic reader against trafilatura on saved real pages, in one run.

    python benchmarks/extraction.py [--pages DIR] [--limit N] [--no-crawl]

``DIR`` (default ``../shared/realpages-dev`` next to the repository) holds ``pages/<id>.html.gz``
and ``truth.json`` (see its README). The benchmark writes every page into a WARC at its URL
(``Content-Type: text/html`` with the charset the page itself declares), lists the URLs in a
file and runs the real ``scrapy crawl archive -a site=generic -a urls=LIST -a replay=WARC`` in a
temporary folder. Records are matched back to their pages by URL (the listed one, or the
page's canonical address, which a record carries). Then, in this process, it times the same
reading code on every page (``read_article`` with the generic profile) and trafilatura's own
call, ``extract(html, include_comments=False, include_tables=True, include_formatting=False)``,
with its metadata from ``extract_metadata``.

Scores follow the README of the pages: body segment precision, recall, F1 and accuracy summed over
pages; title, date and author accuracy over the pages whose annotation has them. It prints one
Markdown table and the crawl's rejections by reason.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the project's package is importable
DEFAULT_PAGES = ROOT.parent / "shared" / "realpages-dev"
# The charset a page declares in its first bytes: <meta charset> or an http-equiv Content-Type.
DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
CANONICAL = re.compile(r"<link[^>]+rel=[\"']?canonical[\"']?[^>]*>|<meta[^>]+property=[\"']og:url[\"'][^>]*>",
                       re.IGNORECASE)
HREF = re.compile(r"(?:href|content)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
SPACES = re.compile(r"\s+")
AUTHOR_SPLIT = re.compile(r";|,|/|&| and | und ", re.IGNORECASE)
LEADING_BY = re.compile(r"^(?:by|von)\s+", re.IGNORECASE)


@dataclass
class Page:
    """One saved page and its annotation."""

    key: str
    url: str
    html: bytes
    truth: dict
    charset: str | None = None

    @property
    def addresses(self) -> set[str]:
        """Every address a record of this page may carry: the listed one, and the page's canonical."""
        found = {comparable(self.url)}
        head = self.html[:200_000].decode(self.charset or "utf-8", "replace")
        for tag in CANONICAL.findall(head):
            if match := HREF.search(tag):
                found.add(comparable(urljoin(self.url, match.group(1).strip())))
        return found


@dataclass
class Scores:
    """Counts of one extractor over the pages."""

    name: str
    records: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    right: Counter = field(default_factory=Counter)  # metadata field -> pages right
    asked: Counter = field(default_factory=Counter)  # metadata field -> pages annotated
    seconds: float = 0.0
    timed_pages: int = 0

    def add(self, truth: dict, body: str | None, title: str | None, date: str | None,
            authors: list[str] | None) -> None:
        text = normalise(body or "")
        for segment in truth["with"]:
            if normalise(segment) in text:
                self.true_positives += 1
            else:
                self.false_negatives += 1
        for segment in truth["without"]:
            if normalise(segment) in text:
                self.false_positives += 1
            else:
                self.true_negatives += 1
        if truth.get("title"):
            self.asked["title"] += 1
            self.right["title"] += same_title(title, truth["title"])
        if truth.get("date"):
            self.asked["date"] += 1
            self.right["date"] += bool(date) and date[:10] == truth["date"]
        if truth.get("author"):
            self.asked["author"] += 1
            self.right["author"] += author_set([truth["author"]]) == author_set(authors or [])

    def body(self) -> tuple[float, float, float, float]:
        """(precision, recall, F1, accuracy) of the body segments."""
        tp, fp, fn, tn = self.true_positives, self.false_positives, self.false_negatives, self.true_negatives
        return (tp / max(1, tp + fp), tp / max(1, tp + fn), 2 * tp / max(1, 2 * tp + fp + fn),
                (tp + tn) / max(1, tp + fp + fn + tn))

    def accuracy(self, name: str) -> float:
        return self.right[name] / max(1, self.asked[name])

    def milliseconds(self) -> float:
        return 1000 * self.seconds / max(1, self.timed_pages)


def normalise(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def same_title(found: str | None, truth: str) -> bool:
    return bool(found) and unicodedata.normalize("NFC", normalise(found or "")) == unicodedata.normalize(
        "NFC", normalise(truth))


def author_set(names: list[str]) -> set[str]:
    """The README's author comparison: split, fold, strip; drop empties and "PhD"."""
    parts = set()
    for name in names:
        for part in AUTHOR_SPLIT.split(name):
            part = LEADING_BY.sub("", SPACES.sub(" ", part.casefold()).strip().strip(".,;:!?\"'()[]{}«»“”„")).strip()
            part = part.strip(".,;:!?\"'()[]{}«»“”„ ")
            if part and part != "phd":
                parts.add(part)
    return parts


def comparable(url: str) -> str:
    """An address without scheme, fragment or trailing slash, its host in lower case (to match records)."""
    parts = urlsplit(safe_url_string(url.strip()))
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("", parts.netloc.lower().removeprefix("www."), path, parts.query, ""))


def load_pages(folder: Path, limit: int | None) -> list[Page]:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        html = gzip.decompress((folder / "pages" / f"{key}.html.gz").read_bytes())
        match = DECLARED_CHARSET.search(html[:4096])
        charset = match.group(1).decode("ascii").lower() if match else None
        pages.append(Page(key, truth[key]["url"], html, truth[key], charset))
    return pages


def fetched_url(url: str) -> str:
    """The address the crawl requests: percent-encoded, no fragment."""
    return urlunsplit(urlsplit(safe_url_string(url.strip()))._replace(fragment=""))


def write_warc(pages: list[Page], path: Path) -> None:
    """Each page as a WARC request and response at its URL, with the charset it declares."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for page in pages:
            url = fetched_url(page.url)
            parts = urlsplit(url)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            request = StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc)], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            content_type = f"text/html; charset={page.charset}" if page.charset else "text/html"
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type),
                                                  ("Content-Length", str(len(page.html)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page.html),
                                                          http_headers=headers))


def run_crawl(pages: list[Page], folder: Path) -> tuple[list[dict], Counter, float]:
    """(records, rejections by reason, wall seconds) of the real crawl over the pages' WARC."""
    warc, urls, output = folder / "pages.warc.gz", folder / "urls.txt", folder / "archive.jsonl"
    write_warc(pages, warc)
    urls.write_text("".join(fetched_url(page.url) + "\n" for page in pages), encoding="utf-8")
    command = [sys.executable, "-m", "scrapy", "crawl", "archive", "-a", "site=generic", "-a", f"urls={urls}",
               "-a", f"replay={warc}", "-s", f"ARCHIVE_OUTPUT={output}", "-s", f"ARCHIVE_STATE={folder / 'state'}",
               "-s", f"HTTPCACHE_DIR={folder / 'httpcache'}", "-s", "LOG_LEVEL=WARNING"]
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"the crawl failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines() if line.strip()]
    rejects_file = output.with_name("archive.rejects.jsonl")
    reasons = Counter(json.loads(line)["reason"] for line in rejects_file.read_text(encoding="utf-8").splitlines()
                      if line.strip()) if rejects_file.exists() else Counter()
    return records, reasons, elapsed


def match_records(pages: list[Page], records: list[dict]) -> dict[str, dict]:
    """Page key -> its record: by the listed URL, else the page's canonical address, else the listed URL
    without its query (a record's address keeps only the queries the profile keeps) when no other page
    shares that path."""
    by_address: dict[str, dict] = {}
    for record in records:
        for name in ("listed_url", "url"):
            if record.get(name):
                by_address.setdefault(comparable(record[name]), record)
    paths = Counter(without_query(page.url) for page in pages)
    found = {}
    for page in pages:
        candidates = [comparable(page.url), *sorted(page.addresses)]
        if paths[without_query(page.url)] == 1:
            candidates.append(without_query(page.url))
        record = next((by_address[address] for address in candidates if address in by_address), None)
        if record is not None:
            found[page.key] = record
    return found


def without_query(url: str) -> str:
    return comparable(urlunsplit(urlsplit(url)._replace(query="")))


def time_both(pages: list[Page]) -> tuple[Scores, float]:
    """trafilatura's scores and times, and the seconds the generic reader takes on the same pages, in this
    process (the code a crawl's workers run), page by page in turn so the machine's drift hits both alike."""
    import trafilatura
    from scrapy.http import HtmlResponse
    from trafilatura.metadata import extract_metadata

    from archive_crawler.messages import ArticleContext, PageRejected
    from archive_crawler.reading.reader import PageReader
    from archive_crawler.reading.workers import read_article
    from archive_crawler.sites.profile import load_profile

    profile = load_profile("generic")
    scores, reading = Scores("trafilatura"), 0.0
    for page in pages:
        content_type = f"text/html; charset={page.charset}" if page.charset else "text/html"
        response = HtmlResponse(url=fetched_url(page.url), body=page.html, headers={"Content-Type": content_type})
        reader = PageReader(profile, f"{urlsplit(page.url).scheme}://{urlsplit(page.url).netloc}", {})
        started = time.perf_counter()
        try:
            read_article(reader, response, ArticleContext())
        except PageRejected:
            pass
        reading += time.perf_counter() - started
        started = time.perf_counter()
        text = trafilatura.extract(page.html, include_comments=False, include_tables=True, include_formatting=False)
        scores.seconds += time.perf_counter() - started
        scores.timed_pages += 1
        metadata = extract_metadata(page.html.decode(page.charset or "utf-8", "replace"), default_url=page.url)
        scores.records += text is not None
        scores.add(page.truth, text, metadata.title, metadata.date, [metadata.author] if metadata.author else [])
    return scores, reading


def table(pages: list[Page], results: list[Scores], crawl_ms: float | None) -> str:
    rows = [("pages with a record", lambda s: f"{s.records}/{len(pages)}")]
    for index, label in enumerate(("body precision", "body recall", "body F1", "body accuracy")):
        rows.append((label, lambda s, i=index: f"{s.body()[i]:.3f}"))
    rows += [(f"{name} accuracy ({results[0].asked[name]} pages)", lambda s, n=name: f"{s.accuracy(n):.3f}")
             for name in ("title", "date", "author")]
    rows.append(("reading ms/page (in process)", lambda s: f"{s.milliseconds():.1f}"))
    lines = ["| | " + " | ".join(s.name for s in results) + " |", "|---" * (len(results) + 1) + "|"]
    lines += [f"| {label} | " + " | ".join(cell(s) for s in results) + " |" for label, cell in rows]
    if crawl_ms is not None:
        lines.append(f"| crawl wall ms/page (whole command) | {crawl_ms:.1f} |" + " |" * (len(results) - 1))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder with pages/ and truth.json")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by key)")
    parser.add_argument("--keep", type=Path, default=None, help="run the crawl in this folder and keep it")
    arguments = parser.parse_args()
    if not (arguments.pages / "truth.json").is_file():
        parser.error(f"{arguments.pages} holds no truth.json")
    pages = load_pages(arguments.pages, arguments.limit)
    if arguments.keep:
        arguments.keep.mkdir(parents=True, exist_ok=True)
        for stale in ("archive.jsonl", "archive.rejects.jsonl"):
            (arguments.keep / stale).unlink(missing_ok=True)
        records, reasons, crawl_seconds = run_crawl(pages, arguments.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="extraction-") as folder:
            records, reasons, crawl_seconds = run_crawl(pages, Path(folder))
    matched = match_records(pages, records)
    reader = Scores("generic reader (crawl)")
    reader.records = len(matched)
    for page in pages:
        record = matched.get(page.key, {})
        reader.add(page.truth, record.get("body"), record.get("title"), record.get("published"),
                   record.get("authors"))
    other, reader.seconds = time_both(pages)
    reader.timed_pages = len(pages)
    print(table(pages, [reader, other], 1000 * crawl_seconds / len(pages)))
    print()
    print(f"records written: {len(records)}; rejected: "
          + (", ".join(f"{reason} {count}" for reason, count in reasons.most_common()) or "none"))
    unmatched = len(records) - len({id(record) for record in matched.values()})
    if unmatched:
        print(f"records matched to no page: {unmatched}")


if __name__ == "__main__":
    main()
