"""Which version of the project a process runs: a harvest refuses workers that run another one.

The version number alone does not tell two checkouts apart, so the fingerprint also
holds a digest of the package's own files (its code and bundled profiles) and, in a
git checkout, the commit.
"""

from __future__ import annotations

import hashlib
import subprocess
from functools import cache
from pathlib import Path

import archive_crawler

PACKAGE_FILES = ("*.py", "*.toml", "*.json")


@cache
def project_fingerprint() -> dict[str, str | None]:
    """The version, the digest of the package's files and the git commit (None outside a checkout)."""
    package = Path(archive_crawler.__file__).resolve().parent
    digest = hashlib.sha256()
    files = sorted({path for pattern in PACKAGE_FILES for path in package.rglob(pattern)})
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return {"version": archive_crawler.__version__, "source": digest.hexdigest()[:16], "commit": git_commit(package)}


def git_commit(folder: Path) -> str | None:
    try:
        answer = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                                text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return answer.stdout.strip() or None if answer.returncode == 0 else None


def same_project(one: dict[str, str | None], other: dict[str, str | None]) -> bool:
    """Whether two fingerprints are of the same code (the commit aside: an installed copy has none).

    >>> same_project({"version": "1.0.0", "source": "ab", "commit": None}, {"version": "1.0.0", "source": "ab",
    ...                                                                     "commit": "e2283144"})
    True
    """
    return one.get("version") == other.get("version") and one.get("source") == other.get("source")


def describe(fingerprint: dict[str, str | None]) -> str:
    """
    >>> describe({"version": "1.0.0", "source": "ab12", "commit": None})
    'version 1.0.0, source ab12'
    """
    return ", ".join(f"{key} {value}" for key, value in fingerprint.items() if value)
