"""Item loader for article records: which processor cleans which field."""

from __future__ import annotations

from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from archive_crawler.items import ArticleItem
from archive_crawler.reading.processors import (
    absolute_url,
    clean_text,
    drop_site_name,
    normalize_language,
    parse_published,
    split_byline,
    strip_site_suffix,
)


def unique(values: list[str]) -> list[str]:
    """Drop repeated values, keeping the first occurrence's position."""
    return list(dict.fromkeys(values))


class ArticleLoader(ItemLoader):
    """Site facts the processors need (the profile's title suffixes) come in the loader context."""

    default_item_class = ArticleItem
    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()

    title_in = MapCompose(clean_text, strip_site_suffix)
    published_in = MapCompose(clean_text, parse_published)
    authors_in = MapCompose(clean_text, split_byline, drop_site_name)
    authors_out = unique
    tags_in = MapCompose(clean_text)
    tags_out = unique
    categories_in = MapCompose(clean_text)
    categories_out = unique
    modified_in = MapCompose(clean_text, parse_published)
    image_url_in = MapCompose(clean_text, absolute_url)
    language_in = MapCompose(clean_text, normalize_language)
    post_id_in = Identity()
    body_in = Identity()  # paragraphs are cleaned one by one; keep their blank lines
    media_id_in = Identity()
    word_count_in = Identity()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules: dict[str, str] = {}  # field -> the rule that filled it

    def _get_item_field_attr(self, field_name: str, key, default=None):
        """The record's fields declare no processors of their own (a plain dataclass): the loader's
        are the only ones, so no item adapter is built per field read (itemloaders builds one each time)."""
        return default

    def add_fallbacks(self, field_name: str, *candidates) -> None:
        """Fill a field from the first (rule, value) candidate that yields a value after cleaning.

        Candidates are tried in order of trust (the article's own markup first,
        the listing entry last), so a list field is never merged from two sources.
        A candidate may be a function returning the pair, called only when reached.
        """
        for candidate in candidates:
            rule, value = candidate() if callable(candidate) else candidate
            if value:
                self.add_value(field_name, value)
                if self.get_collected_values(field_name):
                    self.rules[field_name] = rule or "?"
                    return
