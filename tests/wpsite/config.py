"""The knobs of one replicated WordPress site: every field changes what the server answers."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta

DATE_PERMALINKS = "/%year%/%monthnum%/%day%/%postname%/"
PERMALINKS = (DATE_PERMALINKS, "/%postname%/", "/%category%/%postname%/", "plain")
THEMES = ("classic", "magazine", "legacy", "modules", "bulletin")
# REST API doors: open, closed in one of the ways plugins close it, or open but untruthful.
REST_MODES = ("open", "closed-401", "closed-403", "missing-404", "html", "lying-total", "stops-early")
SITEMAPS = ("core", "yoast", "both", "none")
CHOICES = {"permalinks": PERMALINKS, "theme": THEMES, "rest": REST_MODES, "sitemaps": SITEMAPS}


@dataclass(frozen=True)
class WpConfig:
    """One WordPress news site. Dates are local to ``timezone`` (a fixed offset, no DST)."""

    posts: int = 60
    seed: int = 7
    title: str = "The Lakeside Ledger"
    tagline: str = "News from the valley and beyond"
    timezone: str = "+03:00"
    language: str = "en-US"                 # <html lang>; og:locale is the same with an underscore
    newest: str = "2023-06-30T18:00:00"     # local publication time of the newest post at build
    theme: str = "classic"
    permalinks: str = DATE_PERMALINKS
    subfolder: str = ""                     # "/news": WordPress installed under it
    posts_per_page: int = 10                # listing pages (Settings > Reading)
    rest: str = "open"
    rest_shortfall: int = 5                 # posts X-WP-Total hides (lying-total) or never serves
    sitemaps: str = "core"
    core_sitemap_size: int = 2000           # URLs per wp-sitemap-posts-post-N.xml
    yoast_sitemap_size: int = 1000          # URLs per post-sitemapN.xml
    robots_sitemaps: bool = True            # name the sitemaps in robots.txt
    crawl_delay: float = 0.0                # Crawl-delay line in robots.txt when > 0
    category_counts: bool = False           # the menu's category links followed by their post counts "(12)"
    rel_next: bool = True                   # magazine theme: <link rel="next"/"prev"> on listing pages
    jetpack: bool = True                    # share buttons and related posts appended to every post's content
    dead_posts: int = 1                     # posts deleted after sitemaps and cached listings were made
    # Targets whose first request answers 500: "post:K" (K-th newest post), "listing:N" (home page N),
    # "rest:N" (REST posts page N, whatever the other parameters) or a literal path from the host root.
    transient_500: tuple[str, ...] = ("post:3", "listing:2", "rest:2")
    image_share: float = 0.8                # posts with a featured image
    joint_share: float = 0.15               # posts by two people
    wire_share: float = 0.12                # posts opening with "PLACE (Wire) - "
    second_category_share: float = 0.35     # posts filed in two categories

    def __post_init__(self):
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {getattr(self, name)!r}")
        if self.subfolder and (not self.subfolder.startswith("/") or self.subfolder.endswith("/")):
            raise ValueError(f"subfolder must look like /news; got {self.subfolder!r}")
        if self.posts < 1 or self.dead_posts >= self.posts:
            raise ValueError("posts must be at least 1 and more than dead_posts")

    @property
    def offset(self) -> timedelta:
        sign = -1 if self.timezone.startswith("-") else 1
        hours, minutes = self.timezone.lstrip("+-").split(":")
        return sign * timedelta(hours=int(hours), minutes=int(minutes))

    @property
    def pretty(self) -> bool:
        return self.permalinks != "plain"

    @classmethod
    def knobs(cls):
        """The fields, for command lines and documentation."""
        return fields(cls)
