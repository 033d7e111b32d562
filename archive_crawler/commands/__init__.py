"""The project's scrapy commands: ``crawl`` (with the archive's checks), ``inspect``, ``report`` and ``demo``."""

from __future__ import annotations

import sys

from scrapy.exceptions import UsageError


class OptionsOnlyCommand:
    """What the project's commands that take options and no arguments share.

    A mixin, placed before ``ScrapyCommand``: Scrapy lists every ``ScrapyCommand``
    subclass defined in this package as a command of its own.
    """

    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[options]"

    def refuse_arguments(self, args) -> None:
        if args:
            raise UsageError(f"scrapy {type(self).__module__.rsplit('.', 1)[-1]} takes no arguments", print_help=True)

    def fail(self, message: str, code: int = 1) -> None:
        """One line on standard error, and the command's exit status."""
        print(f"Error: {message}", file=sys.stderr)
        self.exitcode = code
