"""Measure the harvest of real WordPress sites: ``python -m tests.realwp.measure [NAME ...]``.

Sets up the test sites (tests/realwp/lab.py), harvests each with the real command and prints,
per site, the door used, the posts found, extra records and the share of posts each field is
exactly right for. Needs Debian's ``wordpress`` and theme packages, ``mariadb-server`` and
``php-cli`` with ``php-mysql`` (see .ci/run).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from .lab import INSTANCES, Harvest, Lab, harvest
from .truth import FIELDS, INFORMATIVE_FIELDS, accuracy, extras, matched
from .wordpress import WordPressSite, missing_software

MEASURED = (*FIELDS, *INFORMATIVE_FIELDS)
SHORT = {"post_id": "id", "published": "publ", "modified": "modif", "authors": "auth", "category": "cat",
         "categories": "cats", "image_caption": "capt", "image_url": "image"}


def table(rows: list[tuple[Harvest, float]]) -> str:
    """A plain-text table: one line per site, one column per field."""
    header = ["site", "theme", "door", "used", "exit", "found", "extra", "s", "req",
              *(SHORT.get(field, field) for field in MEASURED)]
    lines = [header]
    for result, seconds in rows:
        instance, records = result.site.instance, result.records
        found = sum(record is not None for _, record in matched(records, result.expected))
        scores = accuracy(records, result.expected, MEASURED)
        lines.append([instance.name, instance.theme.removeprefix("twentytwenty"), instance.door,
                      str(result.summary.get("door_used")), str(result.run.returncode),
                      f"{found}/{len(result.expected)}", str(len(extras(records, result.expected))),
                      f"{seconds:.1f}", str(len(result.requests)), *(f"{scores[field]:.3f}" for field in MEASURED)])
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="the sites to measure (default: all)")
    parser.add_argument("--wrong", type=int, default=0, metavar="N", help="also print N wrong values per field")
    arguments = parser.parse_args(argv)
    if missing := missing_software():
        print("missing: " + ", ".join(missing), file=sys.stderr)
        return 2
    instances = tuple(i for i in INSTANCES if not arguments.names or i.name in arguments.names)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="realwp-measure-") as folder, Lab(instances, Path(folder) / "sites") as lab:
        def timed_harvest(site: WordPressSite) -> tuple[Harvest, float]:
            began = time.monotonic()
            return harvest(site, Path(folder) / "crawls" / site.instance.name), time.monotonic() - began
        rows = list(lab.map(timed_harvest).values())
        print(table(rows))
        for result, _ in rows if arguments.wrong else ():
            print(f"\n{result.site.instance.name}: extra {extras(result.records, result.expected)[:arguments.wrong]}")
            for field in MEASURED:
                wrong = [(story[field], record and record.get(field))
                         for story, record in matched(result.records, result.expected)
                         if record is not None and record.get(field) != story[field]]
                for expected, got in wrong[:arguments.wrong]:
                    print(f"  {field}: expected {expected!r:.150}\n  {' ' * len(field)}  got      {got!r:.150}")
    print(f"{time.monotonic() - started:.1f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
