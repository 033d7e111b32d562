"""Site profiles: loading, extending, validation, and the one-line errors a bad profile gives."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive_crawler.sites.profile import ProfileError, bundled_names, documented_keys, load_profile
from tests.crawl import PROJECT_ROOT, environment


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_bundled_profile_holds_the_first_sites_facts():
    profile = load_profile("aawsat")
    assert "aawsat" in bundled_names() and "base" not in bundled_names()
    assert profile.base_url == "https://eng-archive.aawsat.com"
    assert profile.categories["news-middle-east"] == "Middle East"
    assert profile.text.story_id.search("Media ID: 55357847").group(1) == "55357847"
    assert profile.urls.article_link("https://eng-archive.aawsat.com/a-b/opinion/story-2/?share=twitter") \
        == "https://eng-archive.aawsat.com/a-b/opinion/story-2"
    assert profile.urls.article_link("https://eng-archive.aawsat.com/tag/oil") is None
    assert profile.urls.article_part("https://x.test/nayef-a/features/port", "author") == "nayef-a"


def test_a_profile_extends_another_and_overrides_only_what_differs(tmp_path):
    path = write(tmp_path, "mirror.toml", """
extends = "aawsat"
description = "A mirror with another title suffix"
base_url = "http://mirror.test"
[categories]
sports = "Sports"
[text]
title_suffixes = ['\\s*\\|\\s*Mirror$']
""")
    mine, theirs = load_profile(path), load_profile("aawsat")
    assert mine.name == "mirror" and mine.base_url == "http://mirror.test"
    assert mine.text.title_suffixes[0].pattern == r"\s*\|\s*Mirror$"
    assert mine.selectors == theirs.selectors and mine.urls == theirs.urls
    assert mine.categories == {**theirs.categories, "sports": "Sports"}  # tables merge key by key
    assert mine.text.credits == theirs.text.credits


def test_a_profile_without_extends_starts_from_the_defaults(tmp_path):
    profile = load_profile(write(tmp_path, "plain.toml", 'description = "nothing set"\n'))
    assert profile.selectors.title == ("h1.entry-title", "h1")
    assert profile.text.story_id is None and profile.base_url is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[selectors]\ntitel = ['h1']\n", r"unknown key 'titel' in \[selectors\] \(did you mean 'title'\?\)"),
        ("[urls]\nlisting = '(unclosed'\n", r"\[urls\] listing: regex '\(unclosed' does not compile"),
        ("[selectors]\ntitle = ['h1[']\n", r"\[selectors\] title: selector 'h1\[' does not parse"),
        ("[selectors]\ntitle = 'h1'\n", r"\[selectors\] title must be a list of strings"),
        ("[urls]\nmin_article_segments = 'two'\n", r"\[urls\] min_article_segments must be an integer"),
        ("colour = 'red'\n", r"unknown key 'colour'"),
        ("base_url = 'not a url'\n", r"base_url must be an http\(s\) URL"),
        ("extends = 'nothing-like-it'\n", r"site 'nothing-like-it' is neither a bundled profile \(aawsat"),
        ("[urls\n", r"not valid TOML"),
    ],
)
def test_a_bad_profile_is_refused_naming_the_file_and_the_problem(tmp_path, text, problem):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ProfileError) as raised:
        load_profile(path)
    message = str(raised.value)
    assert "\n" not in message
    assert re.search(problem, message), message
    if "bundled" not in problem:
        assert path in message


def test_extends_may_not_go_round_in_a_circle(tmp_path):
    write(tmp_path, "one.toml", 'extends = "two.toml"\n')
    write(tmp_path, "two.toml", 'extends = "one.toml"\n')
    with pytest.raises(ProfileError, match="goes round in a circle"):
        load_profile(str(tmp_path / "one.toml"))


def test_unknown_names_and_missing_files_are_refused(tmp_path):
    with pytest.raises(ProfileError, match=r"site 'nowhere' is neither a bundled profile \(aawsat"):
        load_profile("nowhere")
    with pytest.raises(ProfileError, match="no such file"):
        load_profile(str(tmp_path / "absent.toml"))


def test_the_profiles_page_documents_every_profile_key():
    page = (PROJECT_ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    section = page.split("\n## Keys\n", 1)[1].split("\n## ", 1)[0]
    names = [f"{table}.{key}" if table else key for table, key, _ in documented_keys()]
    missing = [name for name in names if f"| `{name}` |" not in section]
    assert not missing, f"docs/profiles.md's table of keys does not document {missing}"


@pytest.mark.parametrize(
    ("argument", "says"),
    [
        ("site=no-such-site", "bad argument: site 'no-such-site' is neither a bundled profile (aawsat"),
        ("site={bad}", "bad argument: site profile {bad}: unknown key 'titel' in [selectors]"),
    ],
)
def test_a_bad_profile_stops_the_crawl_at_once_with_one_line(tmp_path, argument, says):
    bad = write(tmp_path, "bad.toml", "[selectors]\ntitel = ['h1']\n")
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "archive", "-a", argument.format(bad=bad),
         "-s", f"ARCHIVE_OUTPUT={tmp_path / 'out.jsonl'}", "-s", f"ARCHIVE_STATE={tmp_path / 'state.sqlite3'}"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, env=environment(),
    )
    assert completed.returncode == 2
    assert time.monotonic() - started < 30
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert lines == [says.format(bad=bad) + lines[0][len(says.format(bad=bad)):]] and len(lines) == 1, lines
    assert not (tmp_path / "out.jsonl").exists() or (tmp_path / "out.jsonl").stat().st_size == 0


def test_inspect_shows_the_record_and_the_rule_behind_each_field(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("""<html lang="en-US"><head><title>Port Reopens | ASHARQ AL-AWSAT English Archive 2005 -2017</title>
      <meta property="article:published_time" content="2014-06-27T10:00:00+03:00"></head><body>
      <div id="left-area"><article class="et_pb_post"><h1 class="entry-title">Port Reopens</h1>
      <div class="entry-content"><p>Media ID: 55300123</p><p>Khobar- The port reopened on Monday.</p></div>
      </article></div></body></html>""", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", "inspect", "https://eng-archive.aawsat.com/nayef-a/features/port-reopens",
         "--file", str(page)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, env=environment())
    assert completed.returncode == 0, completed.stderr[-2000:]
    out = completed.stdout
    assert '"media_id": 55300123' in out and '"title": "Port Reopens"' in out
    rules = dict(line.split(None, 1) for line in out.split("rules that filled each field:")[1].strip().splitlines())
    assert rules["title"] == "selectors.title: h1.entry-title"
    assert rules["published"] == "meta article:published_time"
    assert rules["authors"] == "author in urls.article_parts"
    assert rules["category"] == "category in urls.article_parts"
