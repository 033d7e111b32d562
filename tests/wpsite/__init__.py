"""A local replica of WordPress news sites, every behaviour chosen by :class:`WpConfig`.

>>> site = build_wp_site(WpConfig(theme="magazine", permalinks="/%postname%/", rest="closed-401"))
>>> with WpServer(site) as server:
...     records = site.expected_records()   # what a perfect crawl of server.base_url writes
"""
from .config import WpConfig
from .server import WpServer
from .site import WpSite, build_wp_site

__all__ = ["WpConfig", "WpServer", "WpSite", "build_wp_site"]
