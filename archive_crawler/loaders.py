"""Item loader for article records: which processor cleans which field."""

from __future__ import annotations

from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from archive_crawler.items import ArticleItem
from archive_crawler.processors import (
    clean_text,
    parse_published,
    split_byline,
    strip_site_suffix,
)


def unique(values: list[str]) -> list[str]:
    """Drop repeated values, keeping the first occurrence's position."""
    return list(dict.fromkeys(values))


class ArticleLoader(ItemLoader):
    default_item_class = ArticleItem
    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()

    title_in = MapCompose(clean_text, strip_site_suffix)
    published_in = MapCompose(clean_text, parse_published)
    authors_in = MapCompose(clean_text, split_byline)
    authors_out = unique
    tags_in = MapCompose(clean_text)
    tags_out = unique
    body_in = Identity()  # paragraphs are cleaned one by one; keep their blank lines
    media_id_in = Identity()
    word_count_in = Identity()

    def add_fallbacks(self, field_name: str, *candidates) -> None:
        """Fill a field from the first candidate that yields a value after cleaning.

        Candidates are tried in order of trust (the article's own markup first,
        the listing entry last), so a list field is never merged from two sources.
        """
        for candidate in candidates:
            if self.get_collected_values(field_name):
                return
            if candidate:
                self.add_value(field_name, candidate)
