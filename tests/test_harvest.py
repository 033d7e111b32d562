"""End to end: ``scrapy harvest`` of sites of different kinds, on a local cluster and on a real Dask cluster.

The archive's replica and a WordPress replica are served on two loopback addresses;
each site's records must be those a single ``scrapy crawl archive`` of it writes,
whatever happens to the workers on the way.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from archive_crawler.harvest.crawl import LOCKED_STATE
from archive_crawler.harvest.report import harvest_figures, write_harvest_report
from archive_crawler.harvest.runner import outcome_of_failed_task, site_failure, submission_order
from archive_crawler.harvest.sites import read_sites_file
from archive_crawler.harvest.task import SiteJob, SiteOutcome, host_lock_name, run_site_crawl
from archive_crawler.harvest.version import project_fingerprint
from archive_crawler.storage.run import RunLock
from tests.crawl import PROJECT_ROOT, environment, run_crawl
from tests.harvestkit import (
    FAST,
    DaskCluster,
    TimedReplicaServer,
    by_story,
    crawls_writing_into,
    gone,
    records_without_crawl_time,
    run_harvest,
    start_harvest,
    wait_for_crawl,
    write_sites_file,
)
from tests.replica import ReplicaServer, build_site
from tests.wpsite import WpConfig, WpServer, build_wp_site

# Slow enough to be caught in the middle, quick enough for a test: one request at a time, 50 ms apart.
SLOW = {"DOWNLOAD_DELAY": 0.05, "RANDOMIZE_DOWNLOAD_DELAY": False, "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1}


@pytest.fixture(scope="module")
def servers():
    """The archive's replica on 127.0.0.2 and a WordPress replica on 127.0.0.3: (profile, base URL) of each."""
    with ReplicaServer(build_site(n_stories=30, seed=11), host="127.0.0.2") as archive, \
            WpServer(build_wp_site(WpConfig(posts=30, theme="magazine", rest="open", sitemaps="core")),
                     host="127.0.0.3") as wordpress:
        EXPECTED.update(archive=archive.expected_records(), wordpress=wordpress.site.expected_records())
        COPIED["archive"] = {index for index, story in enumerate(archive.site.stories)
                             if any(copy.story is story for copy in archive.site.copies)}
        yield {"archive": ("aawsat", archive.base_url), "wordpress": ("wordpress", wordpress.base_url)}


EXPECTED: dict[str, list[dict]] = {}  # the records a perfect crawl of each replica writes
COPIED: dict[str, set[int]] = {}  # the stories a replica serves more than once


@pytest.fixture(scope="module")
def references(servers, tmp_path_factory):
    """Each site's records from a single ``scrapy crawl archive`` of it (the two run at once)."""
    def crawl(name: str) -> list[dict]:
        profile, base_url = servers[name]
        run = run_crawl(base_url, tmp_path_factory.mktemp(f"single-{name}"), spider_args={"site": profile})
        assert run.returncode == 0, run.log[-3000:]
        return records_without_crawl_time(run.output)

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(servers, pool.map(crawl, servers), strict=True))


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    cluster = DaskCluster(tmp_path_factory.mktemp("cluster"))
    try:
        yield cluster.start(workers=2)
    finally:
        cluster.stop()


def sites(servers, settings: dict | None = None, **per_site: dict) -> list[dict]:
    """The sites table of both replicas: ``settings`` for both, ``per_site`` keys for one."""
    return [{"name": name, "profile": profile, "base_url": base_url, **({"settings": settings} if settings else {}),
             **per_site.get(name, {})} for name, (profile, base_url) in servers.items()]


def harvest_record(folder: Path) -> dict:
    return json.loads((folder / "harvest.json").read_text(encoding="utf-8"))


def rows(folder: Path) -> dict[str, dict]:
    return {row["name"]: row for row in harvest_record(folder)["sites"]}


def assert_as_single_crawls(folder: Path, references: dict) -> None:
    for name, reference in references.items():
        records = records_without_crawl_time(folder / f"{name}.jsonl")
        assert len(records) == len(reference), name
        assert by_story(records, EXPECTED[name], COPIED.get(name, set())) == \
            by_story(reference, EXPECTED[name], COPIED.get(name, set())), name


@pytest.mark.slow
def test_a_local_harvest_writes_each_site_as_its_own_crawl_would_and_runs_again_as_a_scheduled_one(
        servers, references, tmp_path):
    sites_file = write_sites_file(tmp_path / "news.toml", sites(servers), defaults={"settings": FAST})
    folder = tmp_path / "harvest"
    first = run_harvest(sites_file, folder)
    assert first.returncode == 0, first.stdout + first.stderr
    assert_as_single_crawls(folder, references)
    for name, row in rows(folder).items():
        assert (row["finish_reason"], row["exit_status"], row["archive_complete"]) == ("finished", 0, True)
        assert row["stories_written"] == len(references[name])
        assert row["crawl_seconds"] > 0 and row["started"] <= row["finished"]
        for suffix in (".state.sqlite3", ".rejects.jsonl", ".summary.json", ".log"):
            assert (folder / f"{name}{suffix}").is_file(), suffix
        assert any((folder / f"{name}.httpcache").iterdir())
    assert rows(folder)["wordpress"]["door_used"] == "rest"
    assert harvest_record(folder)["exit_status"] == 0
    assert_report(folder, references)

    again = run_harvest(sites_file, folder)
    assert again.returncode == 0, again.stdout + again.stderr
    assert [row["stories_written"] for row in rows(folder).values()] == [0, 0]
    assert_as_single_crawls(folder, references)


def assert_report(folder: Path, references: dict) -> None:
    """The harvest's report: a row per site with its figures, linking to the site's own report, as
    ``scrapy report DIR`` writes it (``--json``: the same figures)."""
    written = subprocess.run([sys.executable, "-m", "scrapy", "report", str(folder)], cwd=PROJECT_ROOT,
                             capture_output=True, text=True, timeout=120, env=environment())
    page = write_harvest_report(folder)
    assert written.returncode == 0 and f"Report written to {page}" in written.stdout, written.stderr[-2000:]
    as_json = subprocess.run([sys.executable, "-m", "scrapy", "report", str(folder), "--json"], cwd=PROJECT_ROOT,
                             capture_output=True, text=True, timeout=120, env=environment())
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["sites"] == harvest_figures(folder)["sites"]
    html = page.read_text(encoding="utf-8")
    shown = {match["site"]: match for match in re.finditer(
        r'<tr(?: class="[^"]*")? data-site="(?P<site>[^"]+)" data-stories="(?P<stories>\d+)" data-gaps="(?P<gaps>\d*)" '
        r'data-complete="(?P<complete>\d*)" data-rejects="(?P<rejects>\d*)" data-door="(?P<door>[^"]*)"', html)}
    assert set(shown) == set(references)
    figures = {site["name"]: site for site in harvest_figures(folder)["sites"]}
    for name, reference in references.items():
        row = shown[name]
        assert int(row["stories"]) == figures[name]["stories"] == len(reference)
        assert row["complete"] == "1" and figures[name]["complete"] is True
        rejects = (folder / f"{name}.rejects.jsonl").read_text(encoding="utf-8").splitlines()
        assert int(row["rejects"]) == figures[name]["rejects"] == len(rejects)
        months = {record["published"][:7] for record in reference if record.get("published")}
        assert figures[name]["span"]["first"] == min(months) and figures[name]["span"]["last"] == max(months)
        assert f'<a href="{name}.report.html">' in html and (folder / f"{name}.report.html").is_file()
    assert shown["wordpress"]["door"] == "rest"


def harvest_through_a_kill(servers, references, dask_cluster, folder: Path, kill) -> None:
    """Harvest both sites on the cluster, kill what ``kill`` kills of the worker running the archive's crawl."""
    sites_file = write_sites_file(folder.parent / "news.toml", sites(servers, archive={"settings": SLOW},
                                                                       wordpress={"settings": FAST}))
    harvest = start_harvest(sites_file, folder, "--scheduler-file", str(dask_cluster.scheduler_file))
    try:
        crawl = wait_for_crawl(folder / "archive.jsonl", 5, harvest)
        assert crawl.children() == []  # it parses in its own process: no pool of parsers
        kill(crawl.ppid())
        assert gone(crawl), "the crawl outlived its worker"
        out, err = harvest.communicate(timeout=180)
    finally:
        if harvest.poll() is None:
            harvest.kill()
    assert harvest.returncode == 0, out + err
    assert_as_single_crawls(folder, references)
    assert crawls_writing_into(folder) == []
    assert rows(folder)["archive"]["finish_reason"] == "finished"
    log = (folder / "archive.log").read_text(encoding="utf-8")
    assert log.count("[scrapy.utils.log] INFO: Scrapy ") == 2  # killed, then run again elsewhere


@pytest.mark.slow
def test_a_worker_killed_with_its_whole_process_group_loses_no_story_and_doubles_none(
        servers, references, dask_cluster, tmp_path):
    def kill_group(worker: int) -> None:
        os.killpg(os.getpgid(worker), signal.SIGKILL)
        dask_cluster.add_worker()  # for the tests after this one

    harvest_through_a_kill(servers, references, dask_cluster, tmp_path / "harvest", kill_group)


@pytest.mark.slow
def test_a_worker_process_killed_alone_loses_no_story_and_doubles_none(servers, references, dask_cluster, tmp_path):
    def kill_worker(worker: int) -> None:
        assert os.getpgid(worker) != worker  # the worker process, not its nanny
        os.kill(worker, signal.SIGKILL)

    harvest_through_a_kill(servers, references, dask_cluster, tmp_path / "harvest", kill_worker)


@pytest.mark.slow
def test_two_sites_on_one_address_never_double_its_rate(dask_cluster, tmp_path):
    delay = 0.1
    polite = {"DOWNLOAD_DELAY": delay, "RANDOMIZE_DOWNLOAD_DELAY": False, "AUTOTHROTTLE_ENABLED": False,
              "CONCURRENT_REQUESTS_PER_DOMAIN": 1}
    with TimedReplicaServer(build_site(n_stories=15, seed=3)) as first, \
            TimedReplicaServer(build_site(n_stories=15, seed=4)) as second:
        sites_file = write_sites_file(tmp_path / "news.toml", [
            {"name": "first", "base_url": first.base_url, "settings": polite},
            {"name": "second", "base_url": second.base_url, "settings": polite}])
        answer = run_harvest(sites_file, tmp_path / "harvest", "--scheduler-file", str(dask_cluster.scheduler_file))
        times = [first.timed.times, second.timed.times]
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert all(len(requests) > 15 for requests in times)
    # Within a site the crawl keeps its delay; between two sites of one host the harvest must.
    smallest_gap = min(abs(one - other) for one in times[0] for other in times[1])
    assert smallest_gap >= delay, smallest_gap
    assert max(times[0]) < min(times[1]) or max(times[1]) < min(times[0])  # one site after the other


@pytest.mark.slow
def test_ctrl_c_stops_every_crawl_after_its_summary_and_exits_3(servers, references, dask_cluster, tmp_path):
    from distributed import Client, Lock

    sites_file = write_sites_file(tmp_path / "news.toml", sites(servers, SLOW))
    folder = tmp_path / "harvest"
    # Both tasks start at once and race for the one lease: the wordpress site's host is held
    # until the archive's crawl runs, so the wordpress site is the one still waiting at Ctrl-C.
    (wordpress_host,) = {site.name: site for site in read_sites_file(sites_file, "aawsat").sites}["wordpress"].hosts
    with Client(scheduler_file=str(dask_cluster.scheduler_file), timeout="20s"):
        host = Lock(host_lock_name(wordpress_host))
        assert host.acquire(timeout=20)
        harvest = start_harvest(sites_file, folder, "--scheduler-file", str(dask_cluster.scheduler_file),
                                "--sites-at-once", "1")
        try:
            try:
                crawl = wait_for_crawl(folder / "archive.jsonl", 3, harvest)
            finally:
                host.release()
        except BaseException:
            harvest.kill()
            raise
    try:
        harvest.send_signal(signal.SIGINT)
        out, err = harvest.communicate(timeout=120)
    finally:
        if harvest.poll() is None:
            harvest.kill()
    assert harvest.returncode == 3, out + err
    assert gone(crawl, timeout=1) and crawls_writing_into(folder) == []
    record = harvest_record(folder)
    assert record["interrupted"] is True and record["exit_status"] == 3
    archive, wordpress = rows(folder)["archive"], rows(folder)["wordpress"]
    summary = json.loads((folder / "archive.summary.json").read_text(encoding="utf-8"))
    assert summary["finish_reason"] == archive["finish_reason"] == "shutdown"
    assert (archive["exit_status"], archive["signals_sent"]) == (3, ["SIGINT"])
    assert wordpress["finish_reason"] == "not_started" and not (folder / "wordpress.jsonl").exists()
    written = by_story(records_without_crawl_time(folder / "archive.jsonl"), EXPECTED["archive"], COPIED["archive"])
    assert 3 <= len(written) < len(references["archive"])
    assert len({story for story, _, _ in written}) == len(written)  # no story twice
    reference = by_story(references["archive"], EXPECTED["archive"], COPIED["archive"])
    assert all(item in reference for item in written)


def site_job(folder: Path, base_url: str, lock_wait: float) -> SiteJob:
    return SiteJob("archive", {"site": "aawsat", "base_url": base_url}, {name: str(value) for name, value in
                                                                         FAST.items()},
                   ("127.0.0.2",), str(folder), "test", 1, project_fingerprint(), lock_wait=lock_wait)


@pytest.mark.slow
def test_a_site_whose_state_is_locked_waits_for_it_then_fails_after_the_wait(servers, references, tmp_path):
    job = site_job(tmp_path, servers["archive"][1], lock_wait=60)
    lock = RunLock(job.paths.state)
    lock.acquire()  # as a crawl on a worker that died may hold it a while on a network filesystem
    threading.Timer(4, lock.release).start()
    outcome = run_site_crawl(job, SiteOutcome("archive"), lambda: 0)
    assert (outcome.exit_status, outcome.finish_reason, outcome.error) == (0, "finished", None)
    assert outcome.lock_retries >= 1 and outcome.waited_seconds >= 3
    assert_as_single_crawls(tmp_path, {"archive": references["archive"]})

    impatient = site_job(tmp_path, servers["archive"][1], lock_wait=0)
    lock.acquire()
    try:
        failed = run_site_crawl(impatient, SiteOutcome("archive"), lambda: 0)
    finally:
        lock.release()
    assert failed.exit_status == 1 and failed.lock_retries == 0
    assert failed.error is not None and failed.error.startswith(LOCKED_STATE)
    assert site_failure(failed.as_dict()) == failed.error


def test_a_site_whose_tasks_kept_killing_workers_is_reported_failed():
    from distributed import KilledWorker

    class Worker:
        address = "tcp://127.0.0.1:1"

    row = outcome_of_failed_task("archive", KilledWorker("harvest-x-archive", Worker(), 3))
    assert row["name"] == "archive" and row["exit_status"] is None
    assert "died 4 times (KilledWorker)" in row["error"]
    assert site_failure(row) == row["error"]
    assert site_failure({"name": "other", "finish_reason": "finished", "exit_status": 0, "error": None}) is None


def test_sites_sharing_a_host_are_submitted_after_the_first_of_each_host(tmp_path):
    sites_file = write_sites_file(tmp_path / "news.toml", [
        {"name": name, "base_url": f"http://{host}:{port}"}
        for name, host, port in (("a", "127.0.0.2", 1), ("b", "127.0.0.2", 2), ("c", "127.0.0.3", 1),
                                 ("d", "127.0.0.2", 3))])
    order = submission_order(read_sites_file(sites_file, "aawsat").sites)
    assert [(priority, site.name) for priority, site in order] == [(0, "a"), (-1, "b"), (0, "c"), (-2, "d")]


@pytest.mark.slow
def test_a_site_whose_task_killed_its_workers_fails_alone_and_the_harvest_exits_1(servers, references, tmp_path):
    sites_file = write_sites_file(tmp_path / "news.toml", sites(servers, archive={"settings": SLOW},
                                                                wordpress={"settings": FAST}))
    folder = tmp_path / "harvest"
    # A scheduler that gives a task up the first time its worker dies, as the default one does the fourth time.
    harvest = start_harvest(sites_file, folder, "--sites-at-once", "1",
                            environment={"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"})
    try:
        crawl = wait_for_crawl(folder / "archive.jsonl", 3, harvest)
        os.kill(crawl.ppid(), signal.SIGKILL)  # the local cluster's worker process; its nanny starts another
        out, err = harvest.communicate(timeout=180)
    finally:
        if harvest.poll() is None:
            harvest.kill()
    assert harvest.returncode == 1, out + err
    assert err.strip().splitlines() == [line for line in err.strip().splitlines() if line.startswith("Error: site ")]
    assert "Error: site archive could not run: " in err and "(KilledWorker)" in err
    archive, wordpress = rows(folder)["archive"], rows(folder)["wordpress"]
    assert "KilledWorker" in archive["failure"]
    assert (wordpress["finish_reason"], wordpress["exit_status"]) == ("finished", 0)
    assert_as_single_crawls(folder, {"wordpress": references["wordpress"]})
    assert crawls_writing_into(folder) == []
