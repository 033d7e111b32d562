"""Spider arguments: a misspelt one stops the command at once, naming the closest known ones."""

from __future__ import annotations

import re

import pytest

from archive_crawler.options import ARGUMENTS, RunOptions, check_known, read_url_list
from tests.crawl import free_port, run_crawl


def test_the_known_arguments_are_the_run_options():
    assert {"site", "base_url", "full", "since", "until", "replay", "urls", "wayback", "capture",
            "fallback"} == set(ARGUMENTS)


def test_a_misspelt_argument_names_the_closest_known_one():
    check_known({"wayback": "1", "_job": "abc"})
    with pytest.raises(ValueError, match=r"unknown argument 'waybak' \(did you mean 'wayback'\?"):
        check_known({"waybak": "1"})
    with pytest.raises(ValueError, match=r"unknown argument 'waybak'"):
        RunOptions.parse({"waybak": "1"})


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"base_url": "ftp://x.test"}, "base_url must be an http(s) URL"),
        ({"since": "2016-13-01"}, "since must be a date written YYYY-MM-DD"),
        ({"since": "2016-02-01", "until": "2016-01-01"}, "is later than until"),
        ({"full": "maybe"}, "full must be 1 or 0"),
        ({"replay": "/no/such/warc.gz"}, "does not exist"),
        ({"wayback": "http://a.test/web", "fallback": "http://a.test/web"}, "exclude each other"),
        ({"capture": "yesterday"}, "capture must be latest, earliest or a date"),
        ({"site": "wordpress"}, "has no base_url of its own"),
    ],
)
def test_bad_values_are_refused_naming_the_argument(arguments, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        RunOptions.parse(arguments)


def test_run_options_say_the_mode_once():
    options = RunOptions.parse({"site": "wordpress", "base_url": "http://news.test/sub/", "replay": "1",
                                "fallback": "http://archive.test/web/", "since": "2016-01-01"})
    assert (options.base_url, options.replay, options.fallback, options.wayback) == (
        "http://news.test/sub", True, "http://archive.test/web", None)
    assert options.hosts == ("news.test",) and options.window.limited and not options.full


@pytest.mark.parametrize(
    ("argument", "says"),
    [
        ("sinse", "bad argument: unknown argument 'sinse' (did you mean 'since'? known: since, "),
        ("colour", "bad argument: unknown argument 'colour' (known: "),
    ],
)
def test_an_unknown_argument_stops_the_command_with_one_line(tmp_path, argument, says):
    run = run_crawl(f"http://127.0.0.1:{free_port()}", tmp_path, spider_args={argument: "2016-01-01"}, timeout=60)
    assert run.returncode == 2
    lines = [line for line in run.log.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(says), lines
    for name in ARGUMENTS:
        assert name in lines[0]
    assert not (tmp_path / "archive.jsonl").exists()


def test_arguments_of_scrapy_tools_are_accepted(tmp_path):
    # scrapyd passes _job; against a port nothing listens on the run ends unreachable (1), not refused (2).
    run = run_crawl(f"http://127.0.0.1:{free_port()}", tmp_path, spider_args={"_job": "abc"}, timeout=120)
    assert run.returncode == 1, run.log[-2000:]
    assert "bad argument" not in run.log
    assert run.stats["finish_reason"] == "site_unreachable"


def test_a_url_list_keeps_fragments_and_drops_comments(tmp_path):
    listed = tmp_path / "urls.txt"
    listed.write_text("# stories to read again\n\n"
                      "https://a.example/news/one#comments\n"
                      "  https://b.example/two/   # moved in 2019\n"
                      "https://a.example/news/one#comments\n"
                      "\t# https://c.example/left-out\n")
    assert read_url_list(str(listed)) == ["https://a.example/news/one#comments", "https://b.example/two/"]


def test_a_url_list_with_a_line_that_is_no_url_is_refused(tmp_path):
    listed = tmp_path / "urls.txt"
    listed.write_text("https://a.example/one\nftp://files.example/two  # an FTP mirror\n")
    with pytest.raises(ValueError, match=r"line 2 of .* is no http\(s\) URL: 'ftp://files.example/two'"):
        read_url_list(str(listed))
