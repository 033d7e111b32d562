"""Spider arguments: a misspelt one stops the command at once, naming the closest known ones."""

from __future__ import annotations

import pytest

from archive_crawler.spiders.archive import ArchiveSpider, read_url_list
from archive_crawler.spiders.arguments import check_known_arguments, known_arguments
from tests.crawl import free_port, run_crawl


def test_the_known_arguments_are_those_of_the_spiders_init():
    assert {"site", "base_url", "full", "since", "until", "replay", "urls"} <= set(known_arguments(ArchiveSpider))


def test_an_argument_added_to_init_is_known_at_once():
    class LaterSpider(ArchiveSpider):
        def __init__(self, *args, wayback=None, **kwargs):
            super().__init__(*args, **kwargs)

    check_known_arguments(LaterSpider, {"wayback": "1", "_job": "abc"})
    with pytest.raises(ValueError, match=r"unknown argument 'waybak' \(did you mean 'wayback'\?"):
        check_known_arguments(LaterSpider, {"waybak": "1"})


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
    for name in known_arguments(ArchiveSpider):
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
