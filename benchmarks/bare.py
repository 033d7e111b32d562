"""The benchmark's yardstick: a bare spider that follows the same links and extracts nothing.

It walks the menu, every category listing through "Older Entries" and every article
link, and yields only each article's URL, with the same network settings as the
project. ``--replay`` re-runs it from its own cache (``HTTPCACHE_IGNORE_MISSING``).
"""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.crawler import CrawlerProcess


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.allowed_domains = [urlsplit(base_url).hostname]

    async def start(self):
        yield scrapy.Request(f"{self.base_url}/", callback=self.parse_home)

    def parse_home(self, response):
        for href in response.css("#top-menu a::attr(href)").getall():
            if "/category/" in href:
                yield response.follow(href, callback=self.parse_listing)

    def parse_listing(self, response):
        for href in response.css("article.et_pb_post h2.entry-title a::attr(href)").getall():
            parts = urlsplit(response.urljoin(href))
            query = parts.query if parts.query.startswith("p=") else ""
            yield scrapy.Request(urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), query, "")),
                                 callback=self.parse_article)
        older = response.css("div.pagination .alignleft a::attr(href)").get()
        if older:
            yield response.follow(older, callback=self.parse_listing)

    def parse_article(self, response):
        yield {"url": response.url}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--cache", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--replay", action="store_true")
    options = parser.parse_args()
    settings = {
        "ROBOTSTXT_OBEY": True, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "INFO", "RETRY_TIMES": 3,
        "HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": options.cache, "HTTPCACHE_GZIP": True,
        "HTTPCACHE_IGNORE_HTTP_CODES": [], "HTTPCACHE_IGNORE_MISSING": options.replay,
        "FEEDS": {options.output: {"format": "jsonlines", "overwrite": True}},
    }
    process = CrawlerProcess(settings, install_root_handler=True)
    process.crawl(BareSpider, base_url=options.base_url)
    process.start()


if __name__ == "__main__":
    main()
