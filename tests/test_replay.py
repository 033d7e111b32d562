"""Replays: a whole crawl again from the page cache or from WARC files, with no network."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive_crawler.sources.cache import decode_entry
from tests.crawl import PROJECT_ROOT, environment, run_crawl, run_reparse
from tests.replica import ReplicaServer, build_site


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A live crawl that keeps its cache and writes WARC; the replica is gone afterwards."""
    site = build_site(n_stories=80, seed=13)
    workdir = tmp_path_factory.mktemp("live")
    with ReplicaServer(site) as server:
        run = run_crawl(server.base_url, workdir, settings={"ARCHIVE_WARC": str(workdir / "crawl.warc.gz")})
        base_url = server.base_url
    assert run.returncode == 0, run.log[-3000:]
    assert run.stats["archive/network/requests"] > 0
    return site, base_url, workdir, run


def replay(base_url: str, live_dir: Path, workdir: Path, source: str = "1", cache: Path | None = None):
    workdir.mkdir(parents=True, exist_ok=True)
    return run_crawl(base_url, workdir, spider_args={"replay": source},
                     settings={"HTTPCACHE_DIR": str(cache or live_dir / "httpcache")})


def assert_no_network(run, reason: str = "finished") -> None:
    assert run.returncode == (0 if reason == "finished" else 1), run.log[-3000:]
    assert run.stats.get("archive/network/requests", 0) == 0
    assert run.stats.get("archive/replay/network_blocked", 0) == 0
    assert "Connection refused" not in run.log
    assert run.stats["finish_reason"] == reason


def test_replay_from_cache_gives_the_same_records_with_no_network(live, tmp_path):
    site, base_url, live_dir, live_run = live
    run = replay(base_url, live_dir, tmp_path)
    assert_no_network(run)
    assert sorted(run.lines()) == sorted(live_run.lines())  # crawled_at included
    assert run.stats["httpcache/hit"] > len(site.expected_records())
    assert not (tmp_path / "state.sqlite3").exists() or run.stats.get("archive/incremental/skipped_seen") is None


def test_replay_neither_consults_nor_updates_the_state(live, tmp_path):
    _, base_url, live_dir, live_run = live
    # Replaying onto the live run's state still writes every story: the state is not consulted...
    state_before = (live_dir / "state.sqlite3").read_bytes()
    run = run_crawl(base_url, tmp_path, spider_args={"replay": "1"},
                    settings={"HTTPCACHE_DIR": str(live_dir / "httpcache"),
                              "ARCHIVE_STATE": str(live_dir / "state.sqlite3")})
    assert_no_network(run)
    assert len(run.lines()) == len(live_run.lines())
    # ...nor updated.
    assert (live_dir / "state.sqlite3").read_bytes() == state_before


def test_replay_from_warc_gives_the_same_records(live, tmp_path):
    _, base_url, live_dir, live_run = live
    run = replay(base_url, live_dir, tmp_path, source=str(live_dir / "crawl.warc.gz"),
                 cache=tmp_path / "no-cache")
    assert_no_network(run)
    assert sorted(run.lines()) == sorted(live_run.lines())
    assert run.stats["archive/replay/warc_errors"] == 0


def test_warc_written_is_readable_by_warcio(live):
    from warcio.archiveiterator import ArchiveIterator

    _, _, live_dir, live_run = live
    kinds, statuses = {}, set()
    with open(live_dir / "crawl.warc.gz", "rb") as stream:
        for record in ArchiveIterator(stream):
            kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
            if record.rec_type == "response":
                statuses.add(record.http_headers.get_statuscode())
                assert record.http_headers.protocol.startswith("HTTP/")
    assert kinds["warcinfo"] == 1
    assert kinds["request"] == kinds["response"] == live_run.stats["archive/network/requests"]
    assert {"200", "301", "404", "500"} <= statuses


def test_replay_with_missing_and_corrupt_cache_entries_goes_on(live, tmp_path):
    site, base_url, live_dir, live_run = live
    cache = tmp_path / "cache"
    shutil.copytree(live_dir / "httpcache", cache)
    records = live_run.records()
    # Stories with a second copy on the site would be written from the copy: pick single ones.
    copied = {base_url + copy.story.path for copy in site.copies}
    single = [record["url"] for record in records if record["url"] not in copied]
    removed_url, corrupt_url = single[0], single[1]
    entries = {}
    for entry in cache.rglob("*.gz"):
        header, _ = decode_entry(entry.read_bytes())
        if header["url"] in (removed_url, corrupt_url):
            entries[header["url"]] = entry
    entries[removed_url].unlink()
    entries[corrupt_url].write_bytes(b"this is not gzip")

    run = replay(base_url, live_dir, tmp_path, cache=cache)
    assert_no_network(run)
    assert run.stats["archive/replay/missing"] == 1
    assert run.stats["archive/replay/unreadable"] == 1
    assert f"Not in the cache, skipped: {removed_url}" in run.log
    assert f"Unreadable cache entry for {corrupt_url}" in run.log
    assert removed_url in run.log.split("Pages missing from the replay")[1]
    written = {record["url"] for record in run.records()}
    assert written == {record["url"] for record in records} - {removed_url, corrupt_url}


def test_replay_without_a_cache_reports_everything_missing(tmp_path):
    run = run_crawl("http://127.0.0.1:9", tmp_path, spider_args={"replay": "1"},
                    settings={"HTTPCACHE_DIR": str(tmp_path / "empty")})
    assert_no_network(run, "nothing_found")
    assert run.stats["archive/replay/missing"] >= 1
    assert run.lines() == []
    said = [line for line in run.log.splitlines() if line.startswith("Nothing found at http://127.0.0.1:9")]
    assert len(said) == 1 and said[0].endswith("pages missing from the page cache"), said


def test_reparse_writes_the_replays_lines_from_the_cache_and_from_warc(live, tmp_path):
    _, base_url, live_dir, _ = live
    replayed = replay(base_url, live_dir, tmp_path / "replay")
    assert_no_network(replayed)
    reparsed = run_reparse(base_url, live_dir, "--workers", "2", "--output", str(tmp_path / "cache.jsonl"))
    assert reparsed.returncode == 0, reparsed.log[-2000:]
    assert sorted(reparsed.lines()) == sorted(replayed.lines())
    assert json.loads((tmp_path / "cache.summary.json").read_text())["missing"] == 0
    from_warc = run_reparse(base_url, live_dir, "--output", str(tmp_path / "warc.jsonl"),
                            spider_args={"replay": str(live_dir / "crawl.warc.gz")})
    assert from_warc.returncode == 0, from_warc.log[-2000:]
    assert sorted(from_warc.lines()) == sorted(replayed.lines())


def test_the_former_reparse_entry_point_still_works_and_says_it_is_deprecated(live, tmp_path):
    _, base_url, live_dir, live_run = live
    output = tmp_path / "reparsed.jsonl"
    completed = subprocess.run(
        [sys.executable, "-m", "archive_crawler.reparse", "--base-url", base_url,
         "--cache", str(live_dir / "httpcache"), "--output", str(output), "--workers", "2"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, env=environment(),
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stderr.splitlines()[0].startswith("python -m archive_crawler.reparse is deprecated")
    assert sorted(output.read_text(encoding="utf-8").splitlines()) == sorted(live_run.lines())


@pytest.mark.parametrize(("extra", "arguments", "says"), [
    ((), {"full": "1"}, "bad argument: full is refused"),
    ((), {"replay": "0"}, "bad argument: replay is implied"),
    ((), {"sinse": "2016-01-01"}, "bad argument: unknown argument 'sinse' (did you mean 'since'?"),
    (("--workers", "0"), {}, "bad argument: --workers takes a whole number"),
])
def test_reparse_refuses_bad_arguments_with_one_line(live, tmp_path, extra, arguments, says):
    _, base_url, live_dir, _ = live
    run = run_reparse(base_url, live_dir, *extra, "--output", str(tmp_path / "out.jsonl"), spider_args=arguments)
    assert run.returncode == 2
    lines = [line for line in run.log.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(says), lines
    assert not (tmp_path / "out.jsonl").exists()


def test_reparse_never_overwrites_the_crawls_own_output(live, tmp_path):
    _, base_url, live_dir, live_run = live
    run = run_reparse(base_url, live_dir, "--output", str(live_dir / "archive.jsonl"))
    assert run.returncode == 2 and "is the crawl's own output" in run.log
    assert live_run.lines() == (live_dir / "archive.jsonl").read_text(encoding="utf-8").splitlines()


def test_reparse_of_an_empty_cache_exits_1_saying_so(tmp_path):
    (tmp_path / "httpcache").mkdir()
    run = run_reparse("http://127.0.0.1:9", tmp_path)
    assert run.returncode == 1, run.log[-2000:]
    assert "No page of http://127.0.0.1:9 was found to read" in run.log
    assert run.lines() == []


def test_rolling_warc_folder_round_trip(tmp_path):
    site = build_site(n_stories=30, seed=17)
    live_dir, warc_dir = tmp_path / "live", tmp_path / "warcs"
    live_dir.mkdir()
    with ReplicaServer(site) as server:
        live_run = run_crawl(server.base_url, live_dir,
                             settings={"ARCHIVE_WARC": str(warc_dir), "ARCHIVE_WARC_MAX_BYTES": "20000"})
        base_url = server.base_url
    assert live_run.returncode == 0, live_run.log[-2000:]
    files = sorted(warc_dir.glob("*.warc.gz"))
    assert len(files) > 3, "small files were not rolled over"
    run = replay(base_url, live_dir, tmp_path / "replay", source=str(warc_dir), cache=tmp_path / "no-cache")
    assert_no_network(run)
    assert run.stats["archive/replay/warc_files"] == len(files)
    assert sorted(run.lines()) == sorted(live_run.lines())
