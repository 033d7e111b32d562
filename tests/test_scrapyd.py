"""The project deployed to a real scrapyd and scheduled through its HTTP API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.crawl import FAST_SETTINGS, PROJECT_ROOT, free_port
from tests.replica import ReplicaServer, build_site


def call(base: str, endpoint: str, fields: list[tuple[str, str]] | None = None,
         files: dict[str, Path] | None = None) -> dict:
    """GET (no fields) or POST to a scrapyd endpoint; multipart when a file is sent."""
    url = f"{base}/{endpoint}"
    if fields is None and files is None:
        request = urllib.request.Request(url)
    elif files:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields or []:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, path in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{path.name}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + path.read_bytes() + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(url, data=body,
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    else:
        request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def build_egg(workdir: Path) -> Path:
    """Package the project the way scrapyd-deploy does, without touching the work tree."""
    workdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "setup.py", "-q", "egg_info", "--egg-base", str(workdir), "build", "--build-base",
         str(workdir / "build"), "bdist_egg", "--dist-dir", str(workdir / "dist"), "--bdist-dir",
         str(workdir / "bdist")],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    )
    return next((workdir / "dist").glob("*.egg"))


@pytest.fixture
def scrapyd(tmp_path):
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\nmax_proc = 1\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
    )
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT")}
    process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, env=environment,
                               stdout=open(home / "scrapyd.out", "wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if call(base, "daemonstatus.json")["status"] == "ok":
                break
        except (urllib.error.URLError, ConnectionError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError((home / "scrapyd.out").read_text())
        time.sleep(0.1)
    yield base, home
    process.terminate()
    process.wait(timeout=30)


def test_scheduled_crawl_under_scrapyd_writes_the_archive(scrapyd, tmp_path):
    base, home = scrapyd
    egg = build_egg(tmp_path / "egg")
    added = call(base, "addversion.json", [("project", "archive_crawler"), ("version", "1")], {"egg": egg})
    assert added["status"] == "ok", added
    assert "archive" in call(base, "listspiders.json?project=archive_crawler")["spiders"]

    site = build_site(n_stories=40, seed=3)
    output, state = tmp_path / "out" / "archive.jsonl", tmp_path / "out" / "state.sqlite3"
    settings = {"ARCHIVE_OUTPUT": output, "ARCHIVE_STATE": state, "HTTPCACHE_DIR": tmp_path / "cache",
                **FAST_SETTINGS}
    with ReplicaServer(site) as server:
        fields = [("project", "archive_crawler"), ("spider", "archive"), ("base_url", server.base_url)]
        fields += [("setting", f"{name}={value}") for name, value in settings.items()]
        scheduled = call(base, "schedule.json", fields)
        assert scheduled["status"] == "ok", scheduled
        job = scheduled["jobid"]
        deadline = time.monotonic() + 120
        while True:
            jobs = call(base, "listjobs.json?project=archive_crawler")
            if any(entry["id"] == job for entry in jobs["finished"]):
                break
            assert time.monotonic() < deadline, jobs
            time.sleep(0.2)

    log = next((home / "logs").rglob(f"{job}.log")).read_text()
    assert "Run summary (finished)" in log, log[-3000:]
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    expected = site.expected_records()
    assert len(records) == len(expected)
    assert {r["media_id"] for r in records if r["media_id"]} == {s["media_id"] for s in expected if s["media_id"]}
