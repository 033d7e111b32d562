import json

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from archive_crawler.items import ArticleItem
from archive_crawler.storage.archive import ArchiveStorage
from archive_crawler.storage.pipelines import (
    DedupePipeline,
    IncompleteRecord,
    JsonLinesWriterPipeline,
    ValidationPipeline,
)
from archive_crawler.storage.state import ArchiveState, Story
from archive_crawler.storage.store import repair_torn_tail


@pytest.fixture
def crawler(tmp_path):
    crawler = get_crawler(settings_dict={
        "ARCHIVE_OUTPUT": str(tmp_path / "out" / "archive.jsonl"),
        "ARCHIVE_STATE": str(tmp_path / "state" / "state.sqlite3"),
        "EXTENSIONS": {ArchiveStorage: 100},
        "ARCHIVE_SITE": "aawsat",
    })
    crawler.stats.open_spider()
    yield crawler
    ArchiveStorage.of(crawler).close()


def story(**overrides):
    fields = {"media_id": 55300001, "url": "http://site.test/a/news/one", "title": "One", "body": "Text of one.",
                  "published": "2014-06-27", "word_count": 3}
    fields.update(overrides)
    return ArticleItem(**fields)


@pytest.mark.parametrize("missing", ["url", "title", "body"])
def test_validation_drops_and_counts_records_without_required_field(crawler, missing):
    pipeline = ValidationPipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=f"no {missing}"):
        pipeline.process_item(story(**{missing: None}))
    assert crawler.stats.get_value(f"archive/validation/dropped/missing_{missing}") == 1


def test_a_dropped_record_names_its_url_and_story_id(crawler):
    with pytest.raises(IncompleteRecord) as dropped:
        ValidationPipeline.from_crawler(crawler).process_item(story(title=None))
    assert (dropped.value.url, dropped.value.story_id, str(dropped.value)) == (
        "http://site.test/a/news/one", 55300001, "incomplete, no title")


def test_validation_passes_complete_record(crawler):
    item = story()
    assert ValidationPipeline.from_crawler(crawler).process_item(item) is item


def run_through(crawler, items):
    dedupe = DedupePipeline.from_crawler(crawler)
    writer = JsonLinesWriterPipeline.from_crawler(crawler)
    writer.open_spider()
    written = []
    for item in items:
        try:
            written.append(writer.process_item(dedupe.process_item(item)))
        except DropItem:
            pass
    writer.close_spider()
    return written


def read_lines(crawler):
    with open(crawler.settings["ARCHIVE_OUTPUT"], encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_dedupe_by_media_id_across_urls(crawler):
    items = [
        story(),
        story(url="http://site.test/a/news/one-2"),
        story(url="http://site.test/a/features/one"),
    ]
    assert len(run_through(crawler, items)) == 1
    assert crawler.stats.get_value("archive/dedupe/dropped/media_id") == 2
    assert [line["url"] for line in read_lines(crawler)] == ["http://site.test/a/news/one"]


def test_dedupe_by_canonical_url_without_media_id(crawler):
    items = [
        story(media_id=None, url="http://site.test/a/news/two"),
        story(media_id=None, url="http://site.test/a/news/two/"),
        story(media_id=None, url="http://site.test/a/news/three"),
    ]
    assert len(run_through(crawler, items)) == 2
    assert crawler.stats.get_value("archive/dedupe/dropped/url") == 1


def test_dedupe_remembers_stories_of_an_earlier_run(crawler, tmp_path):
    run_through(crawler, [story()])
    state = ArchiveState(crawler.settings["ARCHIVE_STATE"])
    try:
        assert state.written_as(Story("aawsat", "55300001", "x", "x")) == "id"
        assert state.written_as(Story("wordpress", "55300001", "x", "x")) is None  # another site's story
        assert state.story_count() == 1
    finally:
        state.close()


def test_writer_writes_utf8_json_lines_without_escapes(crawler):
    run_through(crawler, [story(title="Iraq\u201ds \u201cplan\u201d", body="Caf\u00e9 \u2013 text")])
    raw = open(crawler.settings["ARCHIVE_OUTPUT"], encoding="utf-8").read()
    assert "Iraq\u201ds \u201cplan\u201d" in raw and "\\u" not in raw
    assert raw.endswith("\n") and raw.count("\n") == 1
    assert read_lines(crawler)[0]["title"] == "Iraq\u201ds \u201cplan\u201d"


def test_writer_appends_after_repairing_a_torn_line(crawler, tmp_path):
    output = tmp_path / "out" / "archive.jsonl"
    output.parent.mkdir(parents=True)
    output.write_text('{"url": "http://site.test/a/news/old", "title": "Old"}\n{"url": "http://si', encoding="utf-8")
    run_through(crawler, [story()])
    lines = read_lines(crawler)
    assert [line["url"] for line in lines] == ["http://site.test/a/news/old", "http://site.test/a/news/one"]
    assert crawler.stats.get_value("archive/output/torn_bytes_removed") == len('{"url": "http://si')


@pytest.mark.parametrize(
    ("content", "kept"),
    [
        (b"", b""),
        (b'{"a": 1}\n', b'{"a": 1}\n'),
        (b'{"a": 1}\n{"b"', b'{"a": 1}\n'),
        (b'{"b"', b""),
        (b'{"a": 1}\n' * 10000 + b'{"torn', b'{"a": 1}\n' * 10000),
    ],
)
def test_repair_torn_tail(tmp_path, content, kept):
    path = tmp_path / "file.jsonl"
    path.write_bytes(content)
    assert repair_torn_tail(path) == len(content) - len(kept)
    assert path.read_bytes() == kept
