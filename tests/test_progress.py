"""The progress line: redrawn in place on a terminal, off anywhere else."""

from __future__ import annotations

import io
import logging

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from archive_crawler.storage.progress import ProgressLine


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def crawler():
    crawler = get_crawler()
    crawler.stats.open_spider()
    return crawler


def progress(crawler, stream=None, clock=None) -> ProgressLine:
    return ProgressLine(crawler.stats, stream or FakeTerminal(), clock=clock or Clock())


def test_on_a_terminal_the_line_is_redrawn_in_place(crawler):
    terminal, clock = FakeTerminal(), Clock()
    line = progress(crawler, terminal, clock)
    line.draw()
    crawler.stats.set_value("archive/written", 30)
    crawler.stats.set_value("archive/network/requests", 45)
    clock.now += 30
    line.draw()
    drawn = terminal.getvalue().split("\r")[1:]
    assert drawn == ["0 stories written, 0 pages fetched\x1b[K",
                     "30 stories written, 45 pages fetched, 60 stories/min\x1b[K"]
    assert "\n" not in terminal.getvalue()


def test_eta_only_when_a_total_is_announced(crawler):
    clock = Clock()
    line = progress(crawler, clock=clock)
    line.text()
    crawler.stats.set_value("archive/written", 20)
    crawler.stats.set_value("archive/article/parsed", 20)
    clock.now += 60
    assert "ETA" not in line.text()  # a walk of listings knows no total
    crawler.stats.set_value("archive/doors/rest_announced", 120)
    assert line.text().endswith("20 stories/min, 20 of 120 announced, ETA 5 min 00 s")


def test_the_rate_is_that_of_the_last_minute(crawler):
    clock = Clock()
    line = progress(crawler, clock=clock)
    for minute in range(5):
        crawler.stats.set_value("archive/written", 100 * minute if minute < 3 else 200 + 10 * (minute - 2))
        line.text()
        clock.now += 60
    crawler.stats.set_value("archive/written", 230)
    assert "10 stories/min" in line.text()


def test_a_log_line_erases_the_progress_line_first(crawler):
    terminal = FakeTerminal()
    handler = logging.StreamHandler(terminal)
    root = logging.getLogger()
    root.addHandler(handler)
    line = progress(crawler, terminal)
    try:
        line.watch_log()
        line.draw()
        logging.getLogger("test").warning("a log line")
        line.draw()
        line.stop()
    finally:
        root.removeHandler(handler)
    assert "fetched\x1b[K\r\x1b[Ka log line\n\r0 stories" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\x1b[K")  # nothing left behind when the crawl ends
    assert not handler.filters


def test_off_when_not_a_terminal_or_switched_off():
    with pytest.raises(NotConfigured):
        ProgressLine.from_crawler(get_crawler(), stream=io.StringIO())
    with pytest.raises(NotConfigured):
        ProgressLine.from_crawler(get_crawler(settings_dict={"ARCHIVE_PROGRESS": False}), stream=FakeTerminal())
    assert isinstance(ProgressLine.from_crawler(get_crawler(), stream=FakeTerminal()), ProgressLine)
