"""``scrapy demo``: one command serves the replica, crawls it and writes the report."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from archive_crawler.commands.demo import Command
from tests.crawl import PROJECT_ROOT, environment


def test_demo_crawls_the_replica_and_prints_where_everything_is(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "archive.jsonl").write_text('{"url": "http://left.over/by/an/earlier/demo"}\n')
    started = time.monotonic()
    completed = subprocess.run([sys.executable, "-m", "scrapy", "demo", "--folder", str(folder)], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=180, env=environment())
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert time.monotonic() - started < 60
    printed = completed.stdout
    files = {name: folder / name for name in ("archive.jsonl", "archive.summary.json", "archive.report.html",
                                               "crawl.log")}
    for path in files.values():
        assert path.is_file()
        assert f"{path}\n" in printed
    records = [json.loads(line) for line in files["archive.jsonl"].read_text(encoding="utf-8").splitlines()]
    assert len(records) == 120 and all("left.over" not in record["url"] for record in records)
    summary = json.loads(files["archive.summary.json"].read_text())
    assert summary["stories_written"] == 120 and summary["finish_reason"] == "finished"
    assert "120 stories written" in printed
    assert "<html" in files["archive.report.html"].read_text(encoding="utf-8")[:500].lower()


def test_without_the_tests_folder_the_demo_says_what_is_missing(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "tests.replica", None)  # as in a deployed egg: no tests/ package
    command = Command()
    command.run([], argparse.Namespace(folder=str(tmp_path / "demo"), stories=120))
    assert command.exitcode == 1
    error = capsys.readouterr().err
    assert error.startswith("Error: scrapy demo needs the local replica in the project's tests/ folder")
    assert not (tmp_path / "demo").exists()
