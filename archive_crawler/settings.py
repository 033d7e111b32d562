"""Project settings. Anything here can be overridden with ``-s NAME=VALUE``."""

BOT_NAME = "archive_crawler"
SPIDER_MODULES = ["archive_crawler.spiders"]
NEWSPIDER_MODULE = "archive_crawler.spiders"
COMMANDS_MODULE = "archive_crawler.commands"

# The site profile read when no -a site=... is given (a bundled name or a .toml path),
# and the crawled root (set from -a base_url, else the profile's own).
ARCHIVE_SITE = "aawsat"
ARCHIVE_BASE_URL = None
ARCHIVE_HOSTS: list[str] = []  # the hosts a crawl may fetch from: base_url's, or those of -a urls=FILE
# Where the records go and where the crawler keeps its state between runs.
ARCHIVE_OUTPUT = "output/archive.jsonl"
ARCHIVE_STATE = "output/state.sqlite3"
# SQLite's journal for the state: "wal", or "delete" (the rollback journal) on a network filesystem,
# where WAL's shared memory does not work (scrapy harvest chooses it from the folder's mount).
ARCHIVE_STATE_JOURNAL = "wal"
# Processes that parse article pages (None: one per core but one, at most 4; 0: in the crawl process).
ARCHIVE_PARSE_WORKERS = None
# Listing pages walked per category at most (the largest real one has 830+).
ARCHIVE_MAX_LISTING_PAGES = 5000

# Polite defaults for the real site.
USER_AGENT = "archive-crawler/1.0 (news archive harvester; polite, robots.txt-obeying)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # an article page is tens of KB; several MB is a broken page
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
ARCHIVE_RETRY_AFTER_MAX = 120  # seconds: the longest Retry-After wait honoured
# A crawl none of whose hosts ever answers stops within seconds (finish reason site_unreachable).
ARCHIVE_STOP_UNREACHABLE = True
COOKIES_ENABLED = False
# Scrapy starts this many tasks for every callback's output; a callback here yields
# one record or about a dozen requests, so a hundred (the default) is wasted work.
CONCURRENT_ITEMS = 8
TELNETCONSOLE_ENABLED = False
REDIRECT_MAX_TIMES = 5
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
}

# Every live response is kept, compressed, for replays (-a replay=1). Relative
# paths live under the project's data folder (.scrapy/), as Scrapy resolves them.
HTTPCACHE_ENABLED = True
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_GZIP = True
HTTPCACHE_STORAGE = "archive_crawler.sources.cache.ArchiveCacheStorage"
HTTPCACHE_IGNORE_HTTP_CODES: list[int] = []
HTTPCACHE_EXPIRATION_SECS = 0

# WARC output of live crawls: a .warc.gz file, or a folder for rolling files.
ARCHIVE_WARC = None
ARCHIVE_WARC_MAX_BYTES = 1_000_000_000
# Also package the crawl as WACZ (a .wacz path), written when the crawl closes.
ARCHIVE_WACZ = None
ARCHIVE_REPLAY = False
# Web archives (-a wayback=PREFIX, -a fallback=PREFIX): the CDX API when not derived from the prefix,
# and which capture of a page is read (latest, earliest or YYYY-MM-DD).
ARCHIVE_WAYBACK = None
ARCHIVE_FALLBACK = None
ARCHIVE_CDX_URL = None
ARCHIVE_CAPTURE = "latest"
ARCHIVE_CDX_PAGE_ROWS = 50000  # rows asked per CDX query; a full answer may have been cut and is asked again in halves
ARCHIVE_REPLAY_WARC = None

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "archive_crawler.sources.middlewares.TypedRobotsTxtMiddleware": 100,
    "archive_crawler.sources.middlewares.CrawlDelayMiddleware": 110,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archive_crawler.sources.wayback.FallbackMiddleware": 540,
    "archive_crawler.sources.middlewares.RetryAfterMiddleware": 550,
    "archive_crawler.sources.middlewares.RedirectGuardMiddleware": 610,
    # Nearer the network than the retries: it sees a failure first, and spares retries to a host
    # that never answered.
    "archive_crawler.sources.reachability.SiteReachabilityMiddleware": 800,
    # Nearest the network last: stamp the fetch time, then record WARC, then cache.
    "archive_crawler.sources.warc.WarcReplayMiddleware": 905,
    "archive_crawler.sources.warc.WarcWriterMiddleware": 940,
    "archive_crawler.sources.middlewares.FetchTimeMiddleware": 950,
    "archive_crawler.sources.wayback.WaybackMiddleware": 980,
    "archive_crawler.sources.cache.NetworkGuardMiddleware": 990,
}
EXTENSIONS = {
    "archive_crawler.storage.run.ArchiveRun": 100,  # first: it takes the state's lock
    "archive_crawler.storage.archive.ArchiveStorage": 110,
    "archive_crawler.storage.progress.ProgressLine": 500,  # on a terminal only
}
# On a terminal, a progress line redrawn every ARCHIVE_PROGRESS_INTERVAL seconds (elsewhere:
# Scrapy's LogStats line once a minute).
ARCHIVE_PROGRESS = True
ARCHIVE_PROGRESS_INTERVAL = 1.0
ITEM_PIPELINES = {
    "archive_crawler.storage.pipelines.ValidationPipeline": 100,
    "archive_crawler.storage.pipelines.DedupePipeline": 200,
    "archive_crawler.storage.pipelines.JsonLinesWriterPipeline": 300,
}

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# A dropped duplicate or incomplete record is one line (URL, story ID, why), never the whole record.
LOG_FORMATTER = "archive_crawler.storage.logformatter.ArchiveLogFormatter"
