"""``scrapy report``: the figures of a harvest, as JSON and as one self-contained HTML page."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from archive_crawler.report.figures import archive_figures
from archive_crawler.report.records import NO_CATEGORY, JsonLines, RecordTally, month_of
from archive_crawler.storage.state import ArchiveState
from tests.crawl import PROJECT_ROOT, environment, run_crawl
from tests.replica import ReplicaServer, build_site


def report(output: Path, state: Path, *options: str) -> subprocess.CompletedProcess:
    """``scrapy report`` as a user runs it."""
    command = [sys.executable, "-m", "scrapy", "report", *options,
               "-s", f"ARCHIVE_OUTPUT={output}", "-s", f"ARCHIVE_STATE={state}"]
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, env=environment())


@pytest.fixture(scope="module")
def harvest(tmp_path_factory):
    """A crawl of a small replica, then a replay of it on the same state (which records no run)."""
    site = build_site(n_stories=60, seed=5)
    workdir = tmp_path_factory.mktemp("harvest")
    with ReplicaServer(site) as server:
        run = run_crawl(server.base_url, workdir)
        expected = site.expected_records()
        replayed = run_crawl(server.base_url, workdir / "replay", spider_args={"replay": "1"},
                             settings={"HTTPCACHE_DIR": str(workdir / "httpcache"), "ARCHIVE_STATE": str(run.state)})
    assert run.returncode == 0, run.log[-3000:]
    assert replayed.returncode == 0, replayed.log[-3000:]
    return run, expected


@pytest.fixture(scope="module")
def figures(harvest):
    run, _ = harvest
    completed = report(run.output, run.state, "--json")
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)


def months(records) -> Counter:
    return Counter(record["published"][:7] for record in records)


def categories(records) -> Counter:
    return Counter(record["category"] for record in records)


def rows(page: str, attribute: str) -> dict[str, dict[str, str]]:
    """The page's table rows carrying ``data-{attribute}``, by its value: each row's data attributes."""
    found = {}
    for row in re.findall(r"<tr\b([^>]*\bdata-" + attribute + r'="[^"]*"[^>]*)>', page):
        data = dict(re.findall(r'data-([\w-]+)="([^"]*)"', row))
        found[data[attribute]] = data
    return found


# -- the report of a real harvest -------------------------------------------------------


def test_json_counts_match_the_output_and_the_replica(harvest, figures):
    run, expected = harvest
    records = run.records()
    assert figures["stories"] == len(records) == len(expected)
    assert figures["by_category"] == categories(records) == categories(expected)
    assert figures["by_month"] == months(records) == months(expected)
    assert figures["undated"] == 0
    assert figures["unreadable_lines"] == {"output": 0, "rejects": 0}
    assert set(figures["fields"]) == set(records[0])
    assert figures["fields"]["url"] == 1.0
    assert figures["fields"]["media_id"] == sum(record["media_id"] is not None for record in records) / len(records)
    rejects_file = run.output.with_name("archive.rejects.jsonl")
    lines = rejects_file.read_text(encoding="utf-8").splitlines() if rejects_file.exists() else []
    assert figures["rejects"] == Counter(json.loads(line)["reason"] for line in lines)


def test_runs_hold_the_crawl_and_not_the_replay(harvest, figures):
    run, expected = harvest
    [crawl] = figures["runs"]
    assert crawl["stories_written"] == len(expected)
    assert crawl["finish_reason"] == "finished"
    assert crawl["pages_fetched"] == run.stats["archive/network/requests"]
    assert crawl["listing_pages"] == run.stats["archive/listing/pages"]


def test_every_category_walked_with_its_listing_pages_counted(harvest, figures):
    run, _ = harvest
    walks = figures["categories"]
    assert {walk["name"]: walk["stories"] for walk in walks} == figures["by_category"]
    assert all(walk["complete"] and walk["listing_pages"] >= 1 for walk in walks)
    assert sum(walk["listing_pages"] for walk in walks) == run.stats["archive/listing/pages"]
    assert figures["links"]["pending"] == figures["links"]["failed"] == 0


def test_html_report_is_self_contained_and_its_tables_match_the_output(harvest, figures):
    run, _ = harvest
    completed = report(run.output, run.state)
    assert completed.returncode == 0, completed.stderr[-3000:]
    page_path = run.output.with_name("archive.report.html")
    assert str(page_path) in completed.stdout
    page = page_path.read_text(encoding="utf-8")
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert page.count("<svg") == 5 + bool(figures["rejects"])  # months, categories, fields, links, rejects, runs

    records = run.records()
    by_month = months(records)
    month_rows = rows(page, "month")
    first, last = min(by_month), max(by_month)
    assert min(month_rows) == first and max(month_rows) == last
    assert {month: int(row["stories"]) for month, row in month_rows.items() if row["stories"] != "0"} == by_month
    gaps = [month for month, row in month_rows.items() if row["stories"] == "0"]
    assert gaps == figures["gaps"] and gaps, "the replica's 60 stories leave months without a story"
    assert all(f'class="gap" data-month="{month}"' in page for month in gaps)

    category_rows = rows(page, "category")
    assert {name: int(row["stories"]) for name, row in category_rows.items()} == categories(records)
    assert all(row["complete"] == "1" and int(row["listing-pages"]) >= 1 for row in category_rows.values())
    field_rows = rows(page, "field")
    assert {name: int(row["records"]) for name, row in field_rows.items()} == {
        name: sum(value not in (None, "", []) for value in (record.get(name) for record in records))
        for name in records[0]}
    assert [int(row["stories"]) for row in rows(page, "run").values()] == [len(records)]


def test_missing_output_or_state_gives_one_line_and_exit_1(harvest, tmp_path):
    run, _ = harvest
    for output, state, named in ((tmp_path / "none.jsonl", run.state, "output"),
                                 (run.output, tmp_path / "none.sqlite3", "state")):
        completed = report(output, state, "--json")
        assert completed.returncode == 1
        assert completed.stdout == ""
        assert completed.stderr.strip().count("\n") == 0
        assert completed.stderr.startswith(f"Error: no archive {named} at ")


def test_the_crawl_never_imports_matplotlib():
    """Scrapy imports every command module at start-up: the report's must not bring matplotlib in."""
    program = ("import runpy, sys\nsys.argv = ['scrapy', 'list']\ntry:\n    runpy.run_module('scrapy', run_name='__main__')\n"
               "except SystemExit:\n    pass\nprint('archive_crawler.commands.report' in sys.modules, 'matplotlib' in sys.modules)")
    completed = subprocess.run([sys.executable, "-c", program], cwd=PROJECT_ROOT, capture_output=True, text=True,
                               timeout=120, env=environment())
    assert completed.stdout.split()[-2:] == ["True", "False"], completed.stdout + completed.stderr[-2000:]


# -- the tally, on hand-made records ----------------------------------------------------


@pytest.mark.parametrize(("published", "month"), [
    ("2016-09-06", "2016-09"),
    ("2016-09-06T10:00:00+03:00", "2016-09"),
    ("2016-13-01", None),
    ("Sept 2016", None),
    ("", None),
    (None, None),
    (20160906, None),
])
def test_month_of(published, month):
    assert month_of(published) == month


def test_tally_counts_months_gaps_undated_categories_and_fields():
    tally = RecordTally()
    for record in [
        {"category": "World", "published": "2016-01-05", "tags": ["Syria"], "media_id": 0, "dateline": "Cairo"},
        {"category": "World", "published": "2016-04-10T23:30:00+03:00", "tags": [], "media_id": None},
        {"category": "Sports", "published": "2016-04-01", "tags": None, "media_id": 3, "dateline": ""},
        {"category": None, "published": None, "tags": ["Iraq"]},
        {"published": "no date", "tags": ["Iran"]},
    ]:
        tally.add(record)
    figures = tally.figures()
    assert figures["stories"] == 5
    assert figures["by_category"] == {"World": 2, NO_CATEGORY: 2, "Sports": 1}
    assert figures["by_month"] == {"2016-01": 1, "2016-04": 2}
    assert figures["by_month_category"] == {"2016-01": {"World": 1}, "2016-04": {"Sports": 1, "World": 1}}
    assert figures["span"] == {"first": "2016-01", "last": "2016-04", "months": 4}
    assert figures["gaps"] == ["2016-02", "2016-03"]
    assert figures["undated"] == 2
    assert figures["fields"] == {"category": 3 / 5, "published": 4 / 5, "tags": 3 / 5, "media_id": 2 / 5,
                                 "dateline": 1 / 5}


def test_unreadable_lines_are_counted_not_fatal(tmp_path):
    output = tmp_path / "archive.jsonl"
    good = json.dumps({"category": "World", "published": "2016-01-05"})
    output.write_bytes("\n".join([good, "{not json", "[1, 2]", "", good]).encode() + b"\n\xff\xfe{}\n"
                       + good.encode()[:20])  # a torn last line
    (tmp_path / "archive.rejects.jsonl").write_text(
        json.dumps({"url": "u", "reason": "http_404", "status": 404}) + "\n{torn\n")
    state = ArchiveState(tmp_path / "state.sqlite3")
    state.close()
    lines = JsonLines(output)
    assert len(list(lines)) == 2 and lines.unreadable == 4
    figures = archive_figures(output, tmp_path / "state.sqlite3")
    assert figures["stories"] == 2
    assert figures["unreadable_lines"] == {"output": 4, "rejects": 1}
    assert figures["rejects"] == {"http_404": 1}
    assert figures["runs"] == [] and figures["links"]["pending"] == 0


def test_html_page_of_an_empty_archive(tmp_path):
    from archive_crawler.report.page import render_page

    (tmp_path / "archive.jsonl").write_text("")
    ArchiveState(tmp_path / "state.sqlite3").close()
    page = render_page(archive_figures(tmp_path / "archive.jsonl", tmp_path / "state.sqlite3"))
    assert "No story has a usable date." in page and "No run recorded" in page
    assert page.count("<svg") == 1  # the links chart, all zeros


# -- the state: run history, listing pages, older state files --------------------------

OLD_SCHEMA = """
CREATE TABLE stories (id INTEGER PRIMARY KEY, media_id INTEGER UNIQUE, url_key TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL, published TEXT, written_at TEXT NOT NULL);
CREATE TABLE links (link_key TEXT PRIMARY KEY, url TEXT NOT NULL, status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, listing TEXT, story_media_id INTEGER, story_url_key TEXT,
    updated_at TEXT NOT NULL);
CREATE TABLE ledger (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE categories (slug TEXT PRIMARY KEY, name TEXT, complete INTEGER NOT NULL DEFAULT 0, completed_at TEXT);
INSERT INTO categories VALUES ('world', 'World', 1, '2020-01-01T00:00:00+00:00');
"""


def old_state(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.executescript(OLD_SCHEMA)
    connection.close()
    return path


def test_an_older_state_is_read_as_it_is_and_migrated_when_a_crawl_opens_it(tmp_path):
    path = old_state(tmp_path / "state.sqlite3")
    reader = ArchiveState(path, read_only=True)
    assert reader.runs() == []
    assert reader.category_walks() == [{"slug": "world", "name": "World", "complete": 1, "listing_pages": None}]
    reader.close()
    assert "runs" not in {name for (name,) in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}

    state = ArchiveState(path)
    assert "listing_pages" in state.columns("categories")
    state.listing_page_read("world")
    state.listing_page_read("world")
    state.listing_page_read("sports")
    state.record_run({"started": "2026-01-01T02:30:00+00:00", "seconds": 12.5, "finish_reason": "finished",
                      "stories_written": 7, "complete": 1})
    assert [(walk["slug"], walk["listing_pages"], walk["complete"]) for walk in state.category_walks()] == [
        ("world", 2, 1), ("sports", 1, 0)]
    [run] = state.runs()
    assert run["id"] == 1 and run["stories_written"] == 7 and run["complete"] is True and run["site"] is None
    state.close()
    ArchiveState(path).close()  # a second opening finds nothing to migrate


# -- a large archive ------------------------------------------------------------------


def test_report_of_100000_records_streams_in_seconds(tmp_path):
    output, state = tmp_path / "archive.jsonl", tmp_path / "state.sqlite3"
    ArchiveState(state).close()
    names = ["Middle East", "World", "Business", "Opinion", "Sports"]
    expected_months: Counter = Counter()
    with output.open("w", encoding="utf-8") as file:
        for number in range(100_000):
            month = f"{2005 + number % 12}-{1 + number % 11:02d}"
            published = None if number % 50 == 0 else f"{month}-{1 + number % 28:02d}"
            expected_months.update([month] if published else [])
            file.write(json.dumps({
                "media_id": number if number % 3 else None, "url": f"https://example.org/story-{number}",
                "title": f"Story {number}", "published": published, "authors": ["A Correspondent"],
                "category": names[number % 5], "tags": ["Syria"] if number % 2 else [],
                "image_caption": None, "body": "Word " * 150, "word_count": 150,
            }) + "\n")
    started = time.perf_counter()
    figures = json.loads(json.dumps(archive_figures(output, state)))
    seconds = time.perf_counter() - started
    print(f"\nreport --json of 100,000 records: {seconds:.2f} s")
    assert figures["stories"] == 100_000
    assert figures["by_category"] == dict.fromkeys(names, 20_000)
    assert figures["by_month"] == dict(sorted(expected_months.items()))
    assert figures["undated"] == 2_000
    assert figures["fields"]["media_id"] == 66_666 / 100_000 and figures["fields"]["image_caption"] == 0
