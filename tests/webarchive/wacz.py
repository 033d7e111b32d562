"""WACZ validation with the independent validator (PyPI ``wacz``: ``wacz validate -f PATH``).

What ``wacz validate`` 0.6.0 checks (read from its source, pinned in tests/test_webarchive_infra.py):

- ``datapackage.json`` must exist (without it the validator crashes: exit 1, traceback) and its
  ``wacz_version`` must be exactly ``1.1.1`` (missing or any other value: invalid).
- frictionless validates ``datapackage.json``: a valid descriptor (resource ``name`` lowercase
  ``[a-z0-9._/-]``, unique; ``path`` relative; ``created`` a datetime), and for each resource the
  file exists, its ``hash`` and ``bytes`` (if given) match, a ``.gz`` file decompresses, a
  ``.jsonl`` file parses line by line. Descriptor errors are reported only as ``errors {}``.
- every file in the zip with a dot in its name (except the two datapackage files) is listed in
  ``resources``, matched on its last two path components (so files nested deeper never match),
  and its hash (type taken from the first resource's ``hash`` prefix) equals the listed one.
- ``datapackage-digest.json``, if present, holds the hash of ``datapackage.json``.
- NOT checked: that ``archive/``, ``indexes/`` or ``pages/pages.jsonl`` exist (that check
  never fails), STORE vs DEFLATE compression, that the index matches the WARCs or is CDXJ at all,
  the pages' required ``url``/``ts``, ``profile``.

Exit code: 0 valid, 1 invalid, only through the ``wacz`` console script (``python -m wacz``
exits 0 whatever the verdict), so ``validate_wacz`` also requires "Validation succeeded".
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .env import wacz_command, webarchive_python

SUCCESS = "Validation succeeded"

# Runs the validator's own entry point (wacz.main.main) once per file in one process, because
# starting the validator costs about two seconds, most of it importing frictionless.
_BATCH = r"""
import contextlib, io, json, sys, traceback
from wacz.main import main
results = []
for path in sys.argv[1:]:
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            code = main(["validate", "-f", path])
        except BaseException:
            traceback.print_exc()
            code = 1
    results.append([code, output.getvalue()])
print(json.dumps(results))
"""


def validate_wacz(path: str | Path) -> tuple[bool, str]:
    """Run ``wacz validate -f PATH``; return (valid, everything it printed)."""
    completed = subprocess.run([*wacz_command(), "validate", "-f", str(path)], check=False,
                               capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    output = completed.stdout + completed.stderr
    return completed.returncode == 0 and SUCCESS in output, output


def validate_waczs(paths: list[str | Path]) -> list[tuple[bool, str]]:
    """The verdicts of ``validate_wacz`` for many files, from one validator process."""
    completed = subprocess.run([str(webarchive_python()), "-c", _BATCH, *map(str, paths)], check=False,
                               capture_output=True,
                               text=True, timeout=600, stdin=subprocess.DEVNULL)
    if completed.returncode != 0:
        raise RuntimeError(f"the batch validator failed:\n{completed.stdout}{completed.stderr}")
    verdicts = json.loads(completed.stdout.splitlines()[-1])
    return [(code == 0 and SUCCESS in output, output) for code, output in verdicts]
