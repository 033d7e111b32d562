"""A MariaDB server of its own for the tests: a temporary data folder, a unix socket, no networking."""
from __future__ import annotations

import getpass
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self

# Memory-backed: the system tables' Aria engine syncs each write, which takes seconds on a disk.
SHARED_MEMORY = Path("/dev/shm")
# Durability is worth nothing to a database thrown away after the tests; speed is.
SERVER_OPTIONS = ("--skip-networking", "--skip-log-bin", "--innodb-flush-log-at-trx-commit=0",
                  "--innodb-doublewrite=0", "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=8M",
                  "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci")


class MariaDB:
    """``mariadbd`` on a data folder that ``mariadb-install-db`` makes in a new temporary folder,
    until ``stop``, which ends the server's process group and removes the folder.

    ``root`` connects through the socket with no password.
    """

    def __init__(self) -> None:
        # A short path: a unix socket's must fit in 108 bytes.
        memory = SHARED_MEMORY.is_dir() and os.access(SHARED_MEMORY, os.W_OK)
        self.folder = Path(tempfile.mkdtemp(prefix="realwp-db-", dir=SHARED_MEMORY if memory else None))
        self.datadir, self.socket = self.folder / "data", self.folder / "mysqld.sock"
        self.log = self.folder / "mariadbd.log"
        self._process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> Self:
        user = getpass.getuser()
        install = subprocess.run(
            ["mariadb-install-db", "--no-defaults", f"--datadir={self.datadir}", f"--user={user}",
             "--auth-root-authentication-method=normal", "--skip-test-db", "--innodb-log-file-size=8M"],
            capture_output=True, text=True, timeout=timeout)
        if install.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed ({install.returncode}): {install.stdout}{install.stderr}")
        self._process = subprocess.Popen(
            ["mariadbd", "--no-defaults", f"--datadir={self.datadir}", f"--socket={self.socket}", f"--user={user}",
             f"--pid-file={self.folder / 'mariadbd.pid'}", f"--log-error={self.log}", f"--tmpdir={self.folder}",
             *SERVER_OPTIONS],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
                self.stop()
                raise RuntimeError(f"mariadbd did not start on {self.socket}:\n{log}")
            time.sleep(0.05)
        return self

    def answers(self) -> bool:
        if not self.socket.exists():
            return False
        return self.sql("SELECT 1", check=False).returncode == 0

    def sql(self, statement: str, database: str = "", check: bool = True) -> subprocess.CompletedProcess:
        """Run ``statement`` with the ``mariadb`` client as root; tab-separated rows on stdout."""
        command = ["mariadb", "--no-defaults", f"--socket={self.socket}", "--user=root", "--batch",
                   "--skip-column-names", "--execute", statement]
        if database:
            command.append(database)
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=60)

    def create_database(self, name: str) -> str:
        self.sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        return name

    @property
    def wordpress_host(self) -> str:
        """``DB_HOST`` for WordPress: ``localhost`` and the socket."""
        return f"localhost:{self.socket}"

    def stop(self) -> None:
        if self._process is not None:
            stop_group(self._process)
            self._process = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def stop_group(process: subprocess.Popen, timeout: float = 10) -> None:
    """End a process started with ``start_new_session`` and every process of its group."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout)
