"""Crash safety: kills at any moment, Ctrl-C, and full or read-only disks."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.crawl import run_crawl, start_crawl, wait_for_lines
from tests.replica import ReplicaServer, build_site

SLOW = {"DOWNLOAD_DELAY": "0.01", "CONCURRENT_REQUESTS_PER_DOMAIN": "4"}


@pytest.fixture(scope="module")
def replica():
    site = build_site(n_stories=120, seed=31)
    with ReplicaServer(site) as server:
        yield site, server


def keys(records):
    return [record["media_id"] if record["media_id"] is not None else record["url"] for record in records]


def assert_archive_complete(site, output: Path) -> None:
    lines = output.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # every line valid JSON
    counts = Counter(keys(records))
    assert not [key for key, count in counts.items() if count > 1], "a story was written twice"
    expected = {s["media_id"] if s["media_id"] is not None else s["url"] for s in site.expected_records()}
    assert set(counts) == expected


def kill_after(server, workdir: Path, lines: int) -> int:
    process = start_crawl(server.base_url, workdir, settings=SLOW)
    seen = wait_for_lines(workdir / "archive.jsonl", lines, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return seen


def test_killed_twice_at_different_depths_then_completed(replica, tmp_path):
    site, server = replica
    server.reset_faults()
    first = kill_after(server, tmp_path, 10)
    second = kill_after(server, tmp_path, 70)
    assert 0 < first < second < len(site.expected_records())
    final = run_crawl(server.base_url, tmp_path)
    assert final.returncode == 0, final.log[-2000:]
    assert_archive_complete(site, tmp_path / "archive.jsonl")


def test_killed_before_any_story_was_written(replica, tmp_path):
    site, server = replica
    server.reset_faults()
    process = start_crawl(server.base_url, tmp_path, settings=SLOW)
    wait_for_lines(tmp_path / "state.sqlite3", 0, process, timeout=5)  # as soon as it runs
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    final = run_crawl(server.base_url, tmp_path)
    assert final.returncode == 0
    assert_archive_complete(site, tmp_path / "archive.jsonl")


def test_torn_last_line_is_repaired_and_its_story_written_again(replica, tmp_path):
    site, server = replica
    server.reset_faults()
    assert run_crawl(server.base_url, tmp_path).returncode == 0
    output = tmp_path / "archive.jsonl"
    lines = output.read_bytes().splitlines(keepends=True)
    # As a kill in the middle of the last write leaves it: the state has not caught up yet.
    state_before = tmp_path / "state-before.sqlite3"
    shutil.copy(tmp_path / "state.sqlite3", state_before)
    output.write_bytes(b"".join(lines[:-3]) + lines[-3][: len(lines[-3]) // 2])
    rerun = run_crawl(server.base_url, tmp_path)
    assert rerun.returncode == 0
    assert rerun.stats["archive/output/torn_bytes_removed"] == len(lines[-3]) // 2
    assert "Removed a torn last line" in rerun.log
    assert_archive_complete(site, output)


def test_state_behind_the_output_writes_nothing_twice(replica, tmp_path):
    site, server = replica
    server.reset_faults()
    # A state saved early, then the output grows: as if the process died between
    # appending lines and recording them in the state.
    process = start_crawl(server.base_url, tmp_path, settings=SLOW)
    wait_for_lines(tmp_path / "archive.jsonl", 20, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    early_state = tmp_path / "early"
    early_state.mkdir()
    for part in tmp_path.glob("state.sqlite3*"):
        shutil.copy(part, early_state / part.name)
    assert run_crawl(server.base_url, tmp_path).returncode == 0
    for part in tmp_path.glob("state.sqlite3*"):
        part.unlink()
    for part in early_state.iterdir():
        shutil.copy(part, tmp_path / part.name)
    rerun = run_crawl(server.base_url, tmp_path)
    assert rerun.returncode == 0
    assert rerun.stats["archive/output/reconciled"] > 0
    assert_archive_complete(site, tmp_path / "archive.jsonl")


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_cleanly_and_the_next_run_resumes(replica, tmp_path, stop_signal):
    site, server = replica
    server.reset_faults()
    process = start_crawl(server.base_url, tmp_path, settings=SLOW)
    wait_for_lines(tmp_path / "archive.jsonl", 15, process)
    process.send_signal(stop_signal)
    process.wait(timeout=60)
    assert process.returncode == 3  # interrupted: the next run resumes
    log = (tmp_path / "crawl.log").read_text()
    assert "Run summary (shutdown)" in log
    summary = json.loads((tmp_path / "archive.summary.json").read_text())
    assert summary["finish_reason"] == "shutdown" and summary["archive_complete"] is False
    assert summary["stories_written"] == len((tmp_path / "archive.jsonl").read_text().splitlines())
    final = run_crawl(server.base_url, tmp_path)
    assert final.returncode == 0
    assert json.loads((tmp_path / "archive.summary.json").read_text())["archive_complete"] is True
    assert_archive_complete(site, tmp_path / "archive.jsonl")


def test_full_disk_stops_at_once_naming_the_output(replica, tmp_path):
    _site, server = replica
    run = run_crawl(server.base_url, tmp_path, settings={"ARCHIVE_OUTPUT": "/dev/full"}, timeout=120)
    assert run.returncode == 1  # could not run
    assert "Cannot write /dev/full: No space left on device" in run.log
    assert run.stats["finish_reason"] == "storage_error"
    assert run.stats.get("archive/written", 0) == 0


@pytest.fixture
def read_only_dir(tmp_path):
    """A read-only file system holding an earlier output and state (needs the right to mount)."""
    mount_point = tmp_path / "ro"
    mount_point.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
                      capture_output=True).returncode != 0:
        pytest.skip("this machine does not allow mounting a file system")
    try:
        (mount_point / "archive.jsonl").write_text('{"url": "http://x.test/a/b/c", "title": "Kept"}\n')
        (mount_point / "state.sqlite3").write_bytes(b"")
        subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], capture_output=True)


@pytest.mark.parametrize("target", ["ARCHIVE_OUTPUT", "ARCHIVE_STATE"])
def test_read_only_disk_fails_at_once_and_leaves_files_intact(replica, tmp_path, read_only_dir, target):
    _, server = replica
    before = {path.name: path.read_bytes() for path in read_only_dir.iterdir()}
    name = "archive.jsonl" if target == "ARCHIVE_OUTPUT" else "state.sqlite3"
    run = run_crawl(server.base_url, tmp_path, settings={target: str(read_only_dir / name)}, timeout=60)
    assert run.returncode == 1  # could not run
    assert str(read_only_dir) in run.log and "Read-only file system" in run.log
    assert {path.name: path.read_bytes() for path in read_only_dir.iterdir()} == before
    assert server.requests == [] or "/robots.txt" not in server.requests[-1:]


def process_alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def test_parsing_workers_die_with_a_killed_crawl(replica, tmp_path):
    _, server = replica
    process = start_crawl(server.base_url, tmp_path, settings={**SLOW, "ARCHIVE_PARSE_WORKERS": "2"})
    wait_for_lines(tmp_path / "archive.jsonl", 5, process)
    children_file = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    workers = [int(pid) for pid in children_file.read_text().split()] if children_file.exists() else []
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert len(workers) >= 2
    deadline = time.monotonic() + 10
    while any(process_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if process_alive(pid)], "orphaned parsing workers"
