"""End to end: ``scrapy reparse HARVEST_DIR`` on a real Dask cluster writes what a one-machine re-parse writes.

A harvest of two replicas (the archive's, a WordPress site) runs on a scheduler and two workers
started as ``dask`` commands; both re-parses read its folder, and their records must match line
for line, and match the harvest's own records story by story.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from archive_crawler.harvest.reparse import HarvestedSite, HarvestFolderError, check_outputs, harvested_sites
from tests.crawl import PROJECT_ROOT
from tests.harvestkit import FAST, DaskCluster, by_story, cluster_environment, run_harvest, write_sites_file
from tests.replica import ReplicaServer, build_site
from tests.wpsite import WpConfig, WpServer, build_wp_site

pytestmark = pytest.mark.slow

EXPECTED: dict[str, list[dict]] = {}  # the records a perfect crawl of each replica writes
COPIED: dict[str, set[int]] = {}  # the stories a replica serves more than once
FETCHED_AT = "X-Archive-Fetched-At"


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    cluster = DaskCluster(tmp_path_factory.mktemp("cluster"))
    try:
        yield cluster.start(workers=2)
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def harvest(dask_cluster, tmp_path_factory) -> Path:
    """A harvest folder of both replicas, harvested on the cluster (the servers are gone once it is done)."""
    root = tmp_path_factory.mktemp("harvest")
    with ReplicaServer(build_site(n_stories=16, seed=23), host="127.0.0.2") as archive, \
            WpServer(build_wp_site(WpConfig(posts=16, theme="classic", rest="open", sitemaps="core")),
                     host="127.0.0.3") as wordpress:
        EXPECTED.update(archive=archive.expected_records(), wordpress=wordpress.site.expected_records())
        COPIED["archive"] = {index for index, story in enumerate(archive.site.stories)
                             if any(copy.story is story for copy in archive.site.copies)}
        # The archive's pages are kept in rolling WARC files and a WACZ package too.
        stored = {"ARCHIVE_WARC": str(root / "warcs"), "ARCHIVE_WARC_MAX_BYTES": 30000,
                  "ARCHIVE_WACZ": str(root / "archive.wacz")}
        sites = [{"name": "archive", "profile": "aawsat", "base_url": archive.base_url, "settings": stored},
                 {"name": "wordpress", "profile": "wordpress", "base_url": wordpress.base_url}]
        sites_file = write_sites_file(root / "news.toml", sites, defaults={"settings": FAST})
        done = run_harvest(sites_file, root / "news", "--scheduler-file", str(dask_cluster.scheduler_file))
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "news"


def reparse(*options: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return reparse_at_once([*options], timeout=timeout)[0]


def reparse_at_once(*commands: list[str], timeout: float = 120) -> list[subprocess.CompletedProcess]:
    """Run ``scrapy reparse`` with each list of options, all at once; how each ended."""
    started = [subprocess.Popen([sys.executable, "-m", "scrapy", "reparse", *options, "-s", "LOG_LEVEL=WARNING"],
                                cwd=PROJECT_ROOT, env=cluster_environment(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for options in commands]
    ended = []
    try:
        for process, options in zip(started, commands, strict=True):
            out, err = process.communicate(timeout=timeout)
            ended.append(subprocess.CompletedProcess(options, process.returncode, out, err))
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait()
    return ended


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def one_machine(harvest) -> dict[str, list[str]]:
    """Each site's lines from a one-machine re-parse of the harvest folder, written beside the harvest's files."""
    run = reparse(str(harvest), "--workers", "2")
    assert run.returncode == 0, run.stderr[-3000:]
    return {name: lines(harvest / f"{name}.reparsed.jsonl") for name in ("archive", "wordpress")}


def summary(folder: Path, name: str) -> dict:
    return json.loads((folder / f"{name}.reparsed.summary.json").read_text(encoding="utf-8"))


def test_a_distributed_reparse_writes_the_one_machine_lines_and_the_harvests_stories(
        harvest, one_machine, dask_cluster, tmp_path):
    own = {name: lines(harvest / f"{name}.jsonl") for name in one_machine}
    run = reparse(str(harvest), "--scheduler-file", str(dask_cluster.scheduler_file), "--output", str(tmp_path))
    assert run.returncode == 0, run.stderr[-3000:]
    assert "on the cluster at tcp://127.0.0.1:" in run.stderr
    for name, reference in one_machine.items():
        assert reference, f"the one-machine re-parse of {name} wrote nothing"
        assert lines(tmp_path / f"{name}.reparsed.jsonl") == reference, name
        distributed, local = summary(tmp_path, name), summary(harvest, name)
        assert distributed["workers"] == 2 and local["workers"] == 2
        for figure in ("pages_read", "stories_written", "duplicates_dropped", "rejects", "missing", "door"):
            assert distributed[figure] == local[figure], (name, figure)
        assert lines(harvest / f"{name}.jsonl") == own[name]  # the harvest's own output is left alone
        records = [json.loads(line) for line in reference]
        harvested = [json.loads(line) for line in own[name]]
        assert by_story(records, EXPECTED[name], COPIED.get(name, set())) == \
            by_story(harvested, EXPECTED[name], COPIED.get(name, set())), name
    assert summary(harvest, "wordpress")["door"] == "rest"


def cache_entries(cache: Path):
    """(path, header, body) of every entry of a site's page cache."""
    for path in sorted(cache.rglob("*.gz")):
        header, _, body = gzip.decompress(path.read_bytes()).partition(b"\n")
        yield path, json.loads(header), body


def refetch(path: Path, header: dict, body: bytes, when: str) -> None:
    """Give a cache entry another fetch time, as if its page had been fetched then."""
    header["headers"] = [[name, when if name.lower() == FETCHED_AT.lower() else value]
                         for name, value in header["headers"]]
    path.write_bytes(gzip.compress(json.dumps(header).encode("utf-8") + b"\n" + body))


def test_a_story_fetched_twice_keeps_its_earliest_fetch_on_one_machine_and_on_the_cluster_from_an_older_record(
        harvest, one_machine, dask_cluster, tmp_path):
    written = {json.loads(line)["url"] for line in one_machine["archive"]}
    pairs = [story["accepted_urls"] for story in EXPECTED["archive"] if len(story["accepted_urls"]) > 1]
    pair = next(urls for urls in pairs if any(url in written for url in urls))
    kept = next(url for url in pair if url in written)
    dropped = next(url for url in pair if url != kept)
    assert dropped not in written
    folder = tmp_path / "news"
    shutil.copytree(harvest, folder, ignore=shutil.ignore_patterns("*.reparsed*"))
    record = json.loads((folder / "harvest.json").read_text(encoding="utf-8"))
    for row in record["sites"]:  # as an older harvest wrote it: the arguments are read from its sites file
        del row["arguments"], row["settings"]
    (folder / "harvest.json").write_text(json.dumps(record), encoding="utf-8")
    refetched = 0
    for path, header, body in cache_entries(folder / "archive.httpcache"):
        if header["response_url"] == dropped:
            refetch(path, header, body, "2001-02-03T04:05:06.000000+00:00")  # before every other fetch
            refetched += 1
    assert refetched == 1, "the copy the re-parse left out is in the page cache"
    local, distributed = reparse_at_once(
        [str(folder), "--workers", "2", "--output", str(tmp_path / "local")],
        [str(folder), "--scheduler-file", str(dask_cluster.scheduler_file), "--output", str(tmp_path / "cluster")])
    assert local.returncode == 0, local.stderr[-3000:]
    assert distributed.returncode == 0, distributed.stderr[-3000:]
    records = [json.loads(line) for line in lines(tmp_path / "local" / "archive.reparsed.jsonl")]
    urls = [record["url"] for record in records]
    assert dropped in urls and kept not in urls
    assert next(record for record in records if record["url"] == dropped)["crawled_at"].startswith("2001-02-03")
    assert len(records) == len(one_machine["archive"])
    assert lines(tmp_path / "cluster" / "archive.reparsed.jsonl") == lines(tmp_path / "local" /
                                                                            "archive.reparsed.jsonl")


def test_one_sites_warc_files_folders_and_wacz_given_as_paths_are_read_together(
        harvest, one_machine, dask_cluster, tmp_path):
    warcs = sorted((harvest.parent / "warcs").glob("*.warc.gz"))
    assert len(warcs) > 3, "small WARC files were not rolled over"
    half = len(warcs) // 2
    rest = tmp_path / "rest"
    rest.mkdir()
    for path in warcs[half:]:
        shutil.copy(path, rest)
    record = json.loads((harvest / "harvest.json").read_text(encoding="utf-8"))
    site = ["-a", "site=aawsat", "-a", f"base_url={record['sites'][0]['arguments']['base_url']}"]
    files, package = reparse_at_once(
        [*(str(path) for path in warcs[:half]), str(rest), *site, "--workers", "2",
         "--output", str(tmp_path / "warcs.jsonl")],
        [str(harvest.parent / "archive.wacz"), *site, "--scheduler-file", str(dask_cluster.scheduler_file),
         "--output", str(tmp_path / "wacz.jsonl")])
    assert files.returncode == 0, files.stderr[-3000:]
    assert lines(tmp_path / "warcs.jsonl") == one_machine["archive"]
    assert package.returncode == 0, package.stderr[-3000:]
    assert lines(tmp_path / "wacz.jsonl") == one_machine["archive"]
    assert json.loads((tmp_path / "wacz.summary.json").read_text())["read_by"].startswith("the cluster at")


def one_line(run: subprocess.CompletedProcess) -> str:
    said = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    assert len(said) == 1 and "Traceback" not in run.stderr, said
    return said[0]


def test_bad_input_gets_one_line_and_the_documented_exit_status(harvest, tmp_path):
    (tmp_path / "empty").mkdir()
    missing, empty, no_cluster, with_arguments = reparse_at_once(
        [str(tmp_path / "nowhere")],
        [str(tmp_path / "empty"), "-a", "base_url=http://127.0.0.1:9"],
        [str(harvest), "--scheduler-file", str(tmp_path / "scheduler.json")],
        [str(harvest), "-a", "since=2020-01-01"])
    assert missing.returncode == 2
    assert one_line(missing).startswith(f"bad argument: {tmp_path / 'nowhere'} does not exist")
    assert empty.returncode == 1
    assert one_line(empty) == f"Error: {tmp_path / 'empty'} holds neither harvest.json nor stored pages " \
                              "(WARC, ARC or WACZ files)"
    assert no_cluster.returncode == 1
    assert one_line(no_cluster) == f"Error: no scheduler file at {tmp_path / 'scheduler.json'}"
    assert with_arguments.returncode == 2 and one_line(with_arguments).startswith("bad argument: a harvest folder")
    assert not any(tmp_path.rglob("*.reparsed.jsonl"))


def test_a_reparse_that_would_write_a_file_of_the_harvests_own_is_refused(tmp_path):
    sites = [HarvestedSite("x", {}, {}, tmp_path), HarvestedSite("x.reparsed", {}, {}, tmp_path)]
    with pytest.raises(HarvestFolderError, match=r"site x would write .*/x\.reparsed\.jsonl, a file of the harvest"):
        check_outputs(sites, tmp_path)
    check_outputs(sites, tmp_path / "elsewhere")  # another folder: nothing in the way


@pytest.mark.parametrize(("record", "says"), [
    ("not json", "is no harvest record"),
    ({"sites": [{"finish_reason": "finished"}]}, "is no harvest record"),
    ({"sites": [{"name": "a"}]}, "keeps neither its sites' arguments nor the sites file they came from"),
    ({"sites_file": "/nowhere/news.toml", "sites": [{"name": "a"}]},
     "does not keep its sites' arguments (an older harvest), and its sites file cannot be read"),
])
def test_a_harvest_record_that_cannot_be_reparsed_says_why(tmp_path, record, says):
    (tmp_path / "harvest.json").write_text(record if isinstance(record, str) else json.dumps(record))
    with pytest.raises(HarvestFolderError) as raised:
        harvested_sites(tmp_path, "aawsat")
    assert says in str(raised.value) and "\n" not in str(raised.value)


HELD: dict[str, threading.Event] = {}  # in a worker: the gate its batches wait behind


def hold_reading() -> int:
    """In a worker: every batch of article pages waits (a minute at most) until ``release_reading`` is run."""
    from archive_crawler import reparse_workers

    reading, gate = reparse_workers.read_batch, HELD.setdefault("gate", threading.Event())

    def held(store, batch):
        gate.wait(60)
        return reading(store, batch)

    reparse_workers.read_batch = held
    return os.getpid()


def release_reading() -> None:
    HELD["gate"].set()


def test_a_batch_on_a_killed_worker_is_read_again_elsewhere_and_nothing_is_doubled(
        harvest, one_machine, dask_cluster, tmp_path):
    from distributed import Client

    with Client(scheduler_file=str(dask_cluster.scheduler_file), timeout="20s") as client:
        groups = {address: os.getpgid(pid) for address, pid in client.run(hold_reading).items()}
        assert set(groups.values()) <= {worker.pid for worker in dask_cluster.workers}
        started = subprocess.Popen([sys.executable, "-m", "scrapy", "reparse", str(harvest), "--scheduler-file",
                                    str(dask_cluster.scheduler_file), "--output", str(tmp_path),
                                    "-s", "LOG_LEVEL=WARNING"],
                                   cwd=PROJECT_ROOT, env=cluster_environment(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while not (holding := [address for address, keys in client.processing().items()
                                   if any(str(key).startswith("reparse-") for key in keys)]):
                assert started.poll() is None and time.monotonic() < deadline, "no batch reached a worker"
                time.sleep(0.05)
            os.killpg(groups[holding[0]], signal.SIGKILL)  # the worker and its nanny: its batch is lost with them
            client.run(release_reading, workers=[address for address in groups if address != holding[0]])
            _, err = started.communicate(timeout=120)
        finally:
            if started.poll() is None:
                started.kill()
    dask_cluster.add_worker()  # for any test after this one
    assert started.returncode == 0, err[-3000:]
    for name, reference in one_machine.items():
        assert lines(tmp_path / f"{name}.reparsed.jsonl") == reference, name
        assert summary(tmp_path, name)["pages_read"] == summary(harvest, name)["pages_read"], name
