"""The Dask cluster a harvest runs on: a running one (``--scheduler``, ``--scheduler-file``) or a local one.

A local cluster is one worker process with a thread per site running at once: the
worker only waits on its crawls, which are processes of their own. Its processes
ignore Ctrl-C from the terminal (the harvest forwards it to every crawl itself, so
they write their summaries before they stop).

Every worker must run the same version of the project as the harvest: a worker that
runs another one is named and the harvest does not start.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive_crawler.harvest.version import describe, project_fingerprint, same_project

CONNECT_TIMEOUT = "20s"
QUIET = logging.CRITICAL  # the cluster's own log lines on the harvest's terminal: the harvest says what matters
# A task holds its worker's thread for the whole crawl: a worker is sent no more tasks than it has threads, so
# no task waits on a worker behind a crawl (and dies with it when a crawl kills its worker).
LOCAL_CONFIG = {"distributed.scheduler.worker-saturation": 1.0}


class ClusterError(RuntimeError):
    """The cluster cannot take the harvest; the message is one line."""


@dataclass
class Cluster:
    client: Any  # distributed.Client
    description: str
    local: bool


@contextmanager
def cluster(scheduler: str | None, scheduler_file: str | None, workers_threads: int) -> Iterator[Cluster]:
    """A client of the cluster the options name, or of a local cluster with ``workers_threads`` threads."""
    import dask
    from distributed import Client, LocalCluster

    for name in ("distributed", "tornado"):
        logging.getLogger(name).setLevel(QUIET)
    if scheduler or scheduler_file:
        if scheduler_file and not Path(scheduler_file).is_file():
            raise ClusterError(f"no scheduler file at {scheduler_file}")
        try:
            client = Client(scheduler, scheduler_file=scheduler_file, timeout=CONNECT_TIMEOUT,
                            set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(f"cannot reach the scheduler {scheduler or scheduler_file}: {error}") from None
        try:
            yield Cluster(client, f"the cluster at {client.scheduler_info().get('address')}", local=False)
        finally:
            client.close()
        return
    # The worker processes inherit an ignored SIGINT: Ctrl-C on the terminal reaches the
    # harvest alone, which stops every crawl in order.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with dask.config.set(LOCAL_CONFIG):
            local = LocalCluster(n_workers=1, threads_per_worker=workers_threads, processes=True,
                                 dashboard_address=None, memory_limit=0, silence_logs=QUIET)
    finally:
        signal.signal(signal.SIGINT, previous)
    client = Client(local, set_as_default=False)
    try:
        yield Cluster(client, "a local cluster", local=True)
    finally:
        client.close()
        local.close()


def check_workers(client, wait_message=None) -> int:
    """Refuse workers that run another version of the project; the number of workers.

    With no worker yet, ``wait_message`` is called once and the harvest waits for one.
    """
    if not client.scheduler_info(n_workers=-1).get("workers"):
        if wait_message:
            wait_message()
        client.wait_for_workers(1)
    expected = project_fingerprint()
    answers = client.run(project_fingerprint, on_error="return")
    wrong = []
    for worker, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            wrong.append(f"{worker} cannot run the project ({type(answer).__name__}: {answer})")
        elif not same_project(answer, expected):
            wrong.append(f"{worker} runs {describe(answer)}")
    if wrong:
        raise ClusterError(f"workers run another version of the project than this one ({describe(expected)}): "
                           + "; ".join(wrong))
    return len(answers)
