"""The virtual environment that holds the web-archive tools (pywb and wacz), created on first use.

pywb pins old libraries (its ``brotlipy`` takes over the ``brotli`` import that Scrapy decodes
with), so it never goes into the project's environment: it lives in its own venv, by default
``.cache/webarchive-venv/`` in the repository (git ignores ``.cache/``), or wherever
``ARCHIVE_WEBARCHIVE_VENV`` says. Every package in it is pinned in ``tools-requirements.txt``.

Creation takes about a minute and needs PyPI. A file lock beside the venv makes a second test
process wait for the first instead of building over it; a stamp written last (holding a hash
of the requirements and the Python version) tells a finished venv from a half-built one, which
is built again. ``python -m tests.webarchive.env`` creates it ahead of the tests (``.ci/run``
does).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
REQUIREMENTS = Path(__file__).resolve().parent / "tools-requirements.txt"
VENV_VARIABLE = "ARCHIVE_WEBARCHIVE_VENV"
DEFAULT_VENV = PROJECT_ROOT / ".cache" / "webarchive-venv"
STAMP_NAME = ".webarchive-tools-ready"
INSTALL_TIMEOUT = 900


class WebArchiveToolsError(RuntimeError):
    """The web-archive tools' venv could not be created (most often: PyPI not reachable)."""


def venv_dir() -> Path:
    return Path(os.environ.get(VENV_VARIABLE) or DEFAULT_VENV).absolute()


def webarchive_python() -> Path:
    """The venv's python, creating the venv first if it is missing, half-built or out of date."""
    venv = venv_dir()
    ensure_venv(venv, _stamp_text(), lambda: _create(venv))
    return venv / "bin" / "python"


def wayback_command() -> list[str]:
    return [str(_script("wayback"))]


def wb_manager_command() -> list[str]:
    return [str(_script("wb-manager"))]


def wacz_command() -> list[str]:
    # The console script, not ``python -m wacz``: only the script turns a failed validation into exit code 1.
    return [str(_script("wacz"))]


def ensure_venv(venv: Path, stamp_text: str, create: Callable[[], None]) -> bool:
    """Run ``create`` unless ``venv`` is stamped with ``stamp_text``; return whether it ran.

    Holds ``<venv>.lock`` while checking and creating, so concurrent callers create it once.
    """
    if _is_ready(venv, stamp_text):
        return False
    venv.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(venv.with_name(venv.name + ".lock")):
        if _is_ready(venv, stamp_text):  # another process finished it while this one waited
            return False
        shutil.rmtree(venv, ignore_errors=True)
        started = time.monotonic()
        create()
        seconds = time.monotonic() - started
        (venv / STAMP_NAME).write_text(f"{stamp_text}\ncreated in {seconds:.1f} s\n", encoding="utf-8")
        print(f"web-archive tools installed in {venv} in {seconds:.0f} s", file=sys.stderr)
    return True


def _create(venv: Path) -> None:
    # A venv without pip of its own (ensurepip alone takes seconds); this interpreter's pip installs into it.
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], venv, "python -m venv")
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
          "--disable-pip-version-check", "--no-input", "-r", str(REQUIREMENTS)], venv, "pip install")


def _run(command: list[str], venv: Path, what: str) -> None:
    try:
        completed = subprocess.run(command, check=False, capture_output=True, text=True,
                                   timeout=INSTALL_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as timeout:
        raise WebArchiveToolsError(
            f"Creating the web-archive tools' venv at {venv}: {what} still running after {INSTALL_TIMEOUT} s"
            " (is PyPI reachable?)") from timeout
    if completed.returncode != 0:
        output = [line for line in (completed.stdout + completed.stderr).splitlines()
                  if not line.startswith("WARNING: Location")]
        raise WebArchiveToolsError(
            f"Could not create the web-archive tools' venv at {venv}: {what} failed"
            f" (exit {completed.returncode}). pywb and wacz are installed from PyPI ({REQUIREMENTS.name}):"
            f" is PyPI reachable? Set {VENV_VARIABLE} to use a venv elsewhere."
            " Last lines of its output:\n" + "\n".join(output[-15:]))


def _stamp_text() -> str:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    return f"requirements sha256:{digest} python {sys.version_info.major}.{sys.version_info.minor}"


def _is_ready(venv: Path, stamp_text: str) -> bool:
    try:
        return (venv / STAMP_NAME).read_text(encoding="utf-8").splitlines()[0] == stamp_text
    except (OSError, IndexError):
        return False


def _script(name: str) -> Path:
    return webarchive_python().parent / name


@contextmanager
def _file_lock(path: Path):
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


if __name__ == "__main__":
    started = time.monotonic()
    try:
        python = webarchive_python()
    except WebArchiveToolsError as problem:
        sys.exit(str(problem))
    print(f"web-archive tools ready: {python} ({time.monotonic() - started:.0f} s)")
