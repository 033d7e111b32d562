"""Spider arguments a spider does not know stop the command, naming the closest known ones.

Scrapy hands every ``-a NAME=VALUE`` to the spider, which keeps unknown ones as
attributes: a misspelt ``-a sinse=2016-01-01`` would be ignored without a word. The
known arguments are the keyword parameters of the spider's ``__init__``, so an
argument added there is known at once. Names starting with ``_`` are the tools' own
(scrapyd's ``_job``) and always accepted.
"""

from __future__ import annotations

import inspect
from difflib import SequenceMatcher, get_close_matches

ARGUMENT_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def known_arguments(spider_class) -> list[str]:
    """The ``-a`` arguments a spider takes: its ``__init__``'s named parameters, in their order."""
    parameters = inspect.signature(spider_class.__init__).parameters.values()
    return [parameter.name for parameter in parameters
            if parameter.kind in ARGUMENT_KINDS and parameter.name != "self"]


def check_known_arguments(spider_class, arguments) -> None:
    """Raise ValueError naming the first argument the spider does not take.

    >>> class Spider:
    ...     def __init__(self, *args, since=None, until=None, site=None, **kwargs): ...
    >>> check_known_arguments(Spider, {"since": "2016-01-01", "_job": "abc"})
    >>> check_known_arguments(Spider, {"sinse": "2016-01-01"})
    Traceback (most recent call last):
    ValueError: unknown argument 'sinse' (did you mean 'since'? known: since, site, until)
    """
    known = known_arguments(spider_class)
    for name in arguments:
        if name in known or name.startswith("_"):
            continue
        closest_first = sorted(known, key=lambda candidate: -SequenceMatcher(None, name, candidate).ratio())
        match = get_close_matches(name, known, n=1)
        hint = f"did you mean {match[0]!r}? " if match else ""
        raise ValueError(f"unknown argument {name!r} ({hint}known: {', '.join(closest_first)})")
