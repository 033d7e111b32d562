"""``scrapy crawl`` with the archive spider's arguments and state lock checked up front.

Bad arguments, or a crawl already running on the same state, end the command
at once with one clear line instead of a traceback from inside the engine.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from archive_crawler.extensions import CrawlAlreadyRunning, RunLock


class Command(ScrapyCrawlCommand):
    def run(self, args, opts):
        if len(args) == 1 and self.crawler_process is not None:
            spider_class = self.crawler_process.spider_loader.load(args[0])
            check = getattr(spider_class, "check_arguments", None)
            if check is not None:
                try:
                    check(**opts.spargs)
                except ValueError as error:
                    raise UsageError(f"bad argument: {error}", print_help=False) from None
                try:
                    RunLock(self.settings["ARCHIVE_STATE"]).probe()
                except CrawlAlreadyRunning as error:
                    print(f"Error: {error}", file=sys.stderr)
                    self.exitcode = 1
                    return
        super().run(args, opts)
