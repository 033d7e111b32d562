"""``scrapy inspect URL``: how a site profile reads one page, rule by rule.

For people writing a profile: it fetches the page (or reads ``--file``), reads it
with the profile given by ``-a site=...`` (``aawsat`` by default) and prints the
record with the rule that filled each field; for a listing page, its entries and
the next page it leads to. It shows what a harvest learnt of the site (the shapes of its
permalinks, the places every listing page shows, the template of its article pages, see
:mod:`archive_crawler.reading.template`) as the crawl's state keeps it (``ARCHIVE_STATE``, read
only), and which entries of a listing page that knowledge leaves out. Nothing is written.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse, Response
from twisted.python.failure import Failure

from archive_crawler.commands.crawl import default_paths
from archive_crawler.messages import ArticleContext, PageRejected
from archive_crawler.navigation.knowledge import SiteKnowledge
from archive_crawler.options import RunOptions
from archive_crawler.reading.checks import repair_charset
from archive_crawler.reading.reader import PageReader
from archive_crawler.reading.template import SiteTemplate, template_host
from archive_crawler.reading.workers import read_article
from archive_crawler.sites.profile import Profile, load_profile
from archive_crawler.storage.state import ArchiveState, kept_knowledge

QUIET = {
    "EXTENSIONS": {"archive_crawler.storage.run.ArchiveRun": None,
                   "archive_crawler.storage.archive.ArchiveStorage": None},
    "ITEM_PIPELINES": {},
    "HTTPCACHE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
}


class PageSpider(scrapy.Spider):
    """Fetch one page and keep its response."""

    name = "inspect"

    def __init__(self, url: str, **kwargs):
        super().__init__(**kwargs)
        self.url = url
        self.response: Response | None = None
        self.failure: Failure | None = None

    async def start(self):
        yield scrapy.Request(self.url, callback=self.keep, errback=self.failed, dont_filter=True)

    def keep(self, response: Response) -> None:
        self.response = response

    def failed(self, failure: Failure) -> None:
        self.failure = failure


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] <url>"

    def short_desc(self) -> str:
        return "Show how a site profile reads one page: the record and the rule behind each field"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="site=NAME|PATH (the profile), base_url=URL")
        parser.add_argument("--file", help="read the page from this HTML file instead of fetching it")

    def process_options(self, args, opts) -> None:
        assert self.settings is not None  # set by scrapy.cmdline before any command method runs
        self.settings.setdict(QUIET, priority="cmdline")  # above the project's; -s still overrides
        super().process_options(args, opts)

    def run(self, args, opts) -> None:
        if len(args) != 1:
            raise UsageError("give one URL", print_help=True)
        url = args[0]
        assert self.settings is not None
        arguments = dict(argument.split("=", 1) for argument in opts.spargs if "=" in argument)
        try:
            profile = load_profile(arguments.get("site") or self.settings["ARCHIVE_SITE"])
        except ValueError as error:
            raise UsageError(f"bad argument: {error}", print_help=False) from None
        response = self.read_file(url, opts.file) if opts.file else self.fetch(url)
        if response is None:
            self.exitcode = 1
            return
        base_url = arguments.get("base_url") or profile.base_url or f"{url.split('/')[0]}//{url.split('/')[2]}"
        state = self.state_path(arguments, base_url)
        knowledge = SiteKnowledge.load(kept_knowledge(state, profile.name, base_url))
        print(f"profile: {profile.name} ({profile.source})")
        print(describe_knowledge(knowledge, state))
        template, where = site_template(profile, Path(state), response.url)
        print(f"template of {template_host(response.url)}: "
              + (f"{template.describe()} ({where})" if template is not None else where))
        print(inspect_page(PageReader(profile, base_url, profile.categories, template), response, knowledge))

    def state_path(self, arguments: dict[str, str], base_url: str) -> str:
        """The state a crawl of the same site and base URL keeps (``ARCHIVE_STATE``, as ``scrapy crawl``
        works it out)."""
        assert self.settings is not None
        default_site = self.settings["ARCHIVE_SITE"]
        try:
            options = RunOptions.parse({"site": arguments.get("site") or default_site, "base_url": base_url},
                                       default_site)
            default_paths(self.settings, options)
        except ValueError:
            pass
        return self.settings["ARCHIVE_STATE"]

    @staticmethod
    def read_file(url: str, path: str) -> HtmlResponse | None:
        try:
            body = Path(path).read_bytes()
        except OSError as error:
            print(f"Error: cannot read {path}: {error.strerror or error}", file=sys.stderr)
            return None
        return HtmlResponse(url=url, body=body, headers={"Content-Type": "text/html"})

    def fetch(self, url: str) -> Response | None:
        assert self.crawler_process is not None  # requires_crawler_process: set by scrapy.cmdline
        crawler = self.crawler_process.create_crawler(PageSpider)
        self.crawler_process.crawl(crawler, url=url)
        self.crawler_process.start()
        spider = crawler.spider
        assert isinstance(spider, PageSpider)  # the crawler was created for PageSpider
        if spider.response is None:
            cause = spider.failure.getErrorMessage() if spider.failure else "no answer"
            print(f"Error: cannot fetch {url}: {cause}", file=sys.stderr)
        return spider.response


def site_template(profile: Profile, state_path: Path, url: str) -> tuple[SiteTemplate | None, str]:
    """(the template a crawl reads the page with, where it comes from): the one the state keeps for the
    page's host (read only), with the profile's pins; the pins alone; or None and why."""
    rules = profile.template
    pins = (rules.boilerplate, rules.text_container)
    if not rules.learn:
        return (SiteTemplate().pinned(*pins), "pinned by the profile") if any(pins) else (None, "off in the profile")
    stored = None
    if state_path.is_file():
        state = None
        try:
            state = ArchiveState(state_path, read_only=True)
            stored = SiteTemplate.load(state.get(f"template {profile.name} {template_host(url)}"))
        except sqlite3.Error as error:
            return None, f"the state {state_path} cannot be read: {error}"
        finally:
            if state is not None:
                state.close()
    if stored is not None:
        return stored.pinned(*pins), f"from the state {state_path}"
    if any(pins):
        return SiteTemplate().pinned(*pins), "pinned by the profile; none learnt in the state"
    return None, f"none learnt yet in the state {state_path} (a harvest of the site learns it)"


def describe_knowledge(knowledge: SiteKnowledge | None, state: str) -> str:
    """What a harvest learnt of the site's listings, in a few lines."""
    if knowledge is None:
        return f"learnt knowledge: none kept in {state} (a harvest learns it from its first listing pages)"
    return (f"learnt knowledge (version {knowledge.version}, from {state}):\n"
            f"  permalink shapes: {', '.join(sorted(knowledge.shapes)) or '(any)'}\n"
            f"  places every listing page shows: {', '.join(sorted(knowledge.chrome)) or '(none)'}")


def inspect_page(reader: PageReader, response, knowledge: SiteKnowledge | None = None) -> str:
    """The profile's reading of one page, as text: a listing's entries (those ``knowledge`` leaves out
    marked), or an article's record and rules."""
    slug = reader.urls.category_slug(response.url)
    if slug is not None or reader.urls.listing_page_number(response.url) is not None:
        page = reader.listing_page(repair_charset(response), slug or "?")
        lines = [f"listing page of category {slug or '?'}: {len(page.entries)} entries"]
        for entry in page.entries:
            context = entry.context
            left_out = knowledge is not None and not knowledge.accepts(entry)
            lines.append(f"  {entry.url or '(no article: ' + str(entry.href) + ')'}"
                         f"{'  (left out: learnt knowledge)' if left_out else ''}"
                         f"{f'  [found by its link in {entry.block}]' if entry.block else ''}\n"
                         f"      title={context.title!r} byline={context.authors!r} date={context.published!r}"
                         f" category={context.category!r}")
        lines.append("next page candidates: " + ", ".join(
            f"{candidate.url} ({'says so' if candidate.says_so else 'by place'})" for candidate in page.next_pages))
        lines.append("categories in its menus: " + ", ".join(
            f"{found} = {name}" for found, (name, _) in page.categories.items()))
        return "\n".join(lines)
    rules: dict[str, str] = {}
    try:
        item = read_article(reader, response, ArticleContext(), rules=rules).item
    except PageRejected as rejection:
        return f"no article: {rejection.reason}"
    record = json.dumps(item, ensure_ascii=False, indent=2)
    width = max(map(len, item))
    lines = [record, "", "candidates of each field, in the profile's order of trust (* won):"]
    for name, found in reader.candidates(repair_charset(response), ArticleContext()):
        winner = rules.get(name, "")
        for rule, value in found:
            mark = "*" if winner == rule or winner.startswith(f"{rule} (") else " "
            lines.append(f"  {mark} {name:<{width}}  {rule}: {shorten(value)}")
    lines += ["", "rules that filled each field:"]
    for name, value in item.items():
        rule = rules.get(name) or ("(empty)" if value in (None, [], "") else "(always computed)")
        lines.append(f"  {name:<{width}}  {rule}")
    return "\n".join(lines)


def shorten(value, width: int = 70) -> str:
    """A candidate's value on one line: "(nothing)" when it gave none."""
    if value in (None, "", [], {}):
        return "(nothing)"
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"
