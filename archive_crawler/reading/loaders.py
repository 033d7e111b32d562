"""Item loader for article records: which processor cleans which field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from itemloaders.common import wrap_loader_context
from itemloaders.processors import Identity, MapCompose, TakeFirst
from itemloaders.utils import arg_to_iter
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

# A loader class's processor of each field, found once (loaders take them from class attributes):
# (loader class, field, output?) -> (the processor, and for an input MapCompose without a context of its
# own, its functions, each with whether it takes the loader's context; else None).
_PLANS: dict[tuple[type, str, bool], tuple[Any, tuple[tuple[Callable[..., Any], bool], ...] | None]] = {}


def _plan(cls: type, field_name: str, find: Callable[[str], Any], output: bool = False):
    plan = _PLANS.get((cls, field_name, output))
    if plan is None:
        processor = find(field_name)
        functions = None
        if not output and isinstance(processor, MapCompose) and not processor.default_loader_context:
            functions = tuple((function, wrap_loader_context(function, {}) is not function)
                              for function in processor.functions)
        plan = _PLANS[(cls, field_name, output)] = (processor, functions)
    return plan


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
        self._inputs: dict[str, Callable[[Any], Any]] = {}
        self._outputs: dict[str, Callable[[Any], Any]] = {}

    def _process_input_value(self, field_name: str, value: Any) -> Any:
        """What ItemLoader's input processing gives, with each field's processors bound to the loader's
        context once, not at every value; a processor that fails is run again the library's way, for
        its own error message."""
        run = self._inputs.get(field_name)
        if run is None:
            run = self._inputs[field_name] = self._input_of(field_name)
        try:
            return run(value)
        except Exception:
            return super()._process_input_value(field_name, value)

    def _input_of(self, field_name: str) -> Callable[[Any], Any]:
        processor, functions = _plan(type(self), field_name, self.get_input_processor)
        if functions is None:
            return wrap_loader_context(processor, self.context)
        bound = [partial(function, loader_context=self.context) if takes else function for function, takes in functions]

        def composed(value: Any) -> Iterable[Any]:  # MapCompose's own loop
            values = arg_to_iter(value)
            for function in bound:
                results: list = []
                for each in values:
                    results += arg_to_iter(function(each))
                values = results
            return values

        return composed

    def get_output_value(self, field_name: str) -> Any:
        run = self._outputs.get(field_name)
        if run is None:
            run = self._outputs[field_name] = wrap_loader_context(
                _plan(type(self), field_name, self.get_output_processor, output=True)[0], self.context)
        try:
            return run(self._values.get(field_name, []))
        except Exception:
            return super().get_output_value(field_name)

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
