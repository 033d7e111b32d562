"""The documentation: it builds without a warning, the README's links lead to its pages, and its
tables of arguments, settings, fields, exit codes and report keys match the code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import fields
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from archive_crawler import settings as project_settings
from archive_crawler.commands.crawl import (
    EXIT_BAD_ARGUMENTS,
    EXIT_FAILED,
    EXIT_FINISHED,
    EXIT_INTERRUPTED,
    FAILED_REASONS,
    exit_code,
)
from archive_crawler.items import ArticleItem
from archive_crawler.options import ARGUMENTS
from archive_crawler.report.figures import archive_figures
from archive_crawler.storage.state import ArchiveState
from tests.crawl import PROJECT_ROOT, environment

DOCS = PROJECT_ROOT / "docs"
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under ``heading`` (a whole Markdown heading line) up to the next heading of its level or above."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = text.splitlines(keepends=True)
    start = lines.index(heading + "\n") + 1
    fenced = False
    for number in range(start, len(lines)):
        line = lines[number]
        fenced ^= line.startswith("```")
        if not fenced and re.match(rf"#{{1,{level}}} ", line):
            return "".join(lines[start:number])
    return "".join(lines[start:])


def table(text: str) -> list[list[str]]:
    """The cells of the first Markdown table in ``text``, header and rule left out."""
    lines = text.splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    assert len(rows) > 2, "no table"
    cells = [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[2:]]
    return [row for row in cells if row]


def names(cell: str) -> list[str]:
    """The code spans of a table cell: ``"`files`, `generated`"`` -> ``["files", "generated"]``."""
    return re.findall(r"`([^`]+)`", cell)


class Anchors(HTMLParser):
    """The ``id`` attributes of an HTML page: the anchors a link may point at."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name == "id" and value)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, env=environment(),
    )
    log = completed.stdout + completed.stderr
    assert completed.returncode == 0, log
    assert "WARNING" not in log, log
    return site


def test_the_docs_build_strict_without_a_warning(built):
    nav = yaml.safe_load((PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    listed = {name for entry in nav for name in entry.values()}
    assert listed == {path.name for path in DOCS.glob("*.md")}
    for name in listed:
        built_page = built / ("index.html" if name == "index.md" else f"{name.removesuffix('.md')}/index.html")
        assert built_page.stat().st_size > 0, name


def test_every_link_in_the_readme_leads_to_an_existing_docs_page_and_anchor(built):
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    targets = [target for target in LINK.findall(readme) if not re.match(r"[a-z]+:", target)]
    assert sum(target.startswith("docs/") for target in targets) >= 10, targets
    for target in targets:
        path, _, anchor = target.partition("#")
        assert path.startswith("docs/") and path.endswith(".md"), f"{target}: not a docs page"
        assert (PROJECT_ROOT / path).is_file(), f"{target}: no such page"
        if anchor:
            name = Path(path).stem
            html = built / ("index.html" if name == "index" else f"{name}/index.html")
            parser = Anchors()
            parser.feed(html.read_text(encoding="utf-8"))
            assert anchor in parser.ids, f"{target}: the page has no such heading"


def test_the_readme_stays_a_front_door():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    for command in ("pip install -r requirements.txt", "scrapy crawl archive", "python -m pytest", "scrapy demo"):
        assert command in readme, command


def test_the_complete_profile_example_is_the_one_the_tests_crawl():
    example = section(page("profiles.md"), "## A complete example").split("```toml\n", 1)[1].split("```", 1)[0]
    assert example == (PROJECT_ROOT / "tests/sites/ledger.toml").read_text(encoding="utf-8")


def test_the_options_page_documents_every_spider_argument():
    documented = {names(row[0])[0] for row in table(section(page("options.md"), "## Spider arguments"))}
    assert set(ARGUMENTS) == documented


def test_the_options_page_documents_every_archive_setting_with_its_default():
    text = page("options.md")
    settings_table = table(section(text, "## Settings"))
    documented = {names(row[0])[0] for row in settings_table}
    documented |= {names(row[0])[0] for row in table(section(text, "### Settings the arguments set"))}
    own = {name for name in vars(project_settings) if name.startswith("ARCHIVE_")}
    assert own - documented == set(), "settings the options page does not document"
    checked = 0
    for row in settings_table:
        name, default = names(row[0])[0], names(row[1])
        value = getattr(project_settings, name, None)
        if value is not None and default:
            assert default[0] == str(value), f"{name}: documented default {default[0]}, the project's {value}"
            checked += 1
    assert checked >= 15


def test_the_record_page_documents_every_field_with_its_type():
    schema = json.loads((PROJECT_ROOT / "archive_crawler/schema/record.schema.json").read_text(encoding="utf-8"))
    rows = table(section(page("record.md"), "## Fields"))
    documented = [names(row[0])[0] for row in rows]
    assert documented == list(schema["properties"]) == [item.name for item in fields(ArticleItem)]
    kinds = {"int": "integer", "str": "string", "list[str]": "array"}
    for row in rows:
        name, kind = names(row[0])[0], row[1]
        expected = schema["properties"][name]["type"]
        expected = set(expected) if isinstance(expected, list) else {expected}
        written = {kinds[kind.removesuffix(" or null")]} | ({"null"} if kind.endswith(" or null") else set())
        assert written == expected, f"{name}: documented {kind}, the schema says {sorted(expected)}"


def test_the_exit_codes_page_matches_the_command():
    text = page("exit-codes.md")
    statuses = {int(names(row[0])[0]) for row in table(text)}
    assert statuses == {EXIT_FINISHED, EXIT_FAILED, EXIT_BAD_ARGUMENTS, EXIT_INTERRUPTED}
    reasons = {}
    for row in table(section(text, "## Finish reasons")):
        status = int(names(row[-1])[0])
        for reason in names(row[0]):
            reasons[reason] = status
    assert set(FAILED_REASONS) <= set(reasons)
    for reason, status in reasons.items():
        assert exit_code(reason.replace("*", "timeout")) == status, reason
    assert exit_code(None) == reasons["shutdown"]


def test_the_report_page_documents_every_json_key(tmp_path):
    ArchiveState(tmp_path / "state.sqlite3").close()
    (tmp_path / "archive.jsonl").write_text("", encoding="utf-8")
    keys = set(archive_figures(tmp_path / "archive.jsonl", tmp_path / "state.sqlite3"))
    documented = {name for row in table(section(page("report.md"), "## `--json` keys")) for name in names(row[0])}
    assert keys == documented


def options_of(help_text: str) -> set[str]:
    """The long options a command's help lists, Scrapy's global options and ``--help`` left out."""
    own = help_text.split("Global Options", 1)[0]
    return set(re.findall(r"^\s+(?:-\w [A-Z]+, )?(--[a-z][a-z-]*)", own, flags=re.M)) - {"--help"}


@pytest.mark.parametrize(
    ("command", "documented_in"),
    [
        (["-m", "scrapy", "demo"], "index.md"),
        (["-m", "scrapy", "report"], "report.md"),
        (["-m", "scrapy", "inspect"], "profiles.md"),
        (["-m", "scrapy", "reparse"], "reparse.md"),
    ],
)
def test_every_option_of_the_projects_commands_is_documented(command, documented_in):
    completed = subprocess.run([sys.executable, *command, "--help"], cwd=PROJECT_ROOT, capture_output=True,
                               text=True, timeout=60, env=environment())
    assert completed.returncode == 0, completed.stderr
    options = options_of(completed.stdout)
    assert options, completed.stdout
    text = page(documented_in)
    missing = [option for option in options if not re.search(rf"`{option}\b", text)]
    assert not missing, f"docs/{documented_in} does not document {missing}"
