"""The site's content (users, terms, posts, media, pages), its URLs, and the records a crawler owes."""
from __future__ import annotations

import itertools
import random
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from . import text
from .config import WpConfig

CATEGORY_NAMES = ["World", "Business", "Politics", "Sport", "Culture", "Science & Technology"]
TAG_NAMES = ["Elections", "Climate", "Trade", "Football", "Courts", "Health", "Energy", "Transport",
             "Housing", "Film", "Agriculture", "Banks", "Schools", "Water", "Local government"]
# Blocks a post's content may carry between paragraphs, and how often (share and related posts are
# appended by Jetpack to every post when it is on).
BLOCK_SHARES = {"inline": 0.3, "ad": 0.5, "newsletter": 0.3, "read_more": 0.4}


@dataclass
class Term:
    id: int
    name: str
    taxonomy: str  # "category" or "post_tag"

    @property
    def slug(self) -> str:
        return text.slugify(self.name)


@dataclass
class User:
    id: int
    name: str
    members: list[User] = field(default_factory=list)  # the people of a joint byline

    @property
    def slug(self) -> str:
        return text.slugify(self.name)

    @property
    def people(self) -> list[User]:
        return self.members or [self]


@dataclass
class Media:
    id: int
    slug: str
    caption: str        # without the credit
    credit_text: str    # the credit as written after the caption
    credit: str         # the agency a crawler should report
    uploaded: datetime
    parent: int

    @property
    def full_caption(self) -> str:
        return f"{self.caption} {self.credit_text}"


@dataclass
class Post:
    id: int
    title: str
    slug: str
    date: datetime      # aware, in the site's offset
    modified: datetime
    author: User
    categories: list[Term]
    tags: list[Term]
    paragraphs: list[str]
    featured: Media | None = None
    inline: Media | None = None
    dateline: str | None = None
    source: str | None = None
    blocks: dict[str, int] = field(default_factory=dict)  # block name -> paragraph it follows
    read_more: Post | None = None
    dead: bool = False  # deleted after sitemaps and cached listings were made


@dataclass
class Page:
    id: int
    title: str
    slug: str
    paragraphs: list[str]


class WpSite:
    """A generated WordPress site. ``base_url`` is the host root (set by the server); ``home`` adds the
    install folder. Mutations (``add_new_posts``, ``edit_post``) hold ``lock``, as does the server."""

    def __init__(self, config: WpConfig):
        self.config = config
        self.rng = random.Random(config.seed)
        self.tz = timezone(config.offset)
        self.base_url = "http://wordpress.test"
        self.lock = threading.RLock()
        self.version = 0  # bumped by every change, so that the server redraws its URL table
        self._last_id = 1
        self.categories = [Term(2 + i, name, "category") for i, name in enumerate(CATEGORY_NAMES)]
        self.tags = [Term(2 + len(CATEGORY_NAMES) + i, name, "post_tag") for i, name in enumerate(TAG_NAMES)]
        people = [User(1 + i, name) for i, name in enumerate(text.people(self.rng, 8))]
        joint = [User(9 + i, f"{a.name} and {b.name}", [a, b])
                 for i, (a, b) in enumerate(zip(people[::2], people[1::2], strict=False))][:3]
        self.users = people + joint
        self.pages = [Page(self._new_id(), name, text.slugify(name), text.paragraphs(self.rng, 3, "the site"))
                      for name in ("About us", "Contact")]
        self.posts: list[Post] = []  # newest first
        self.clock = datetime.fromisoformat(config.newest).replace(tzinfo=self.tz)
        dates = [self.clock]
        for _ in range(config.posts - 1):
            dates.append(dates[-1] - timedelta(minutes=self.rng.randint(90, 2400)))
        for date in reversed(dates):
            self._new_post(date)
        for index in self.rng.sample(range(1, config.posts), config.dead_posts):
            self.posts[index].dead = True

    def _new_id(self) -> int:
        self._last_id += 1
        return self._last_id

    def _media(self, post_id: int, date: datetime) -> Media:
        caption, credit_text, credit = text.caption(self.rng)
        slug = text.slugify(caption)[:40].rstrip("-") + f"-{self._last_id + 1}"
        return Media(self._new_id(), slug, caption, credit_text, credit, date - timedelta(hours=1), post_id)

    def _new_post(self, date: datetime) -> Post:
        rng, config = self.rng, self.config
        topic = rng.choice(text.TOPICS)
        title = text.headline(rng, topic)
        slug = base = text.slugify(title)
        taken = {p.slug for p in self.posts}
        for number in itertools.count(2):  # WordPress numbers a repeated slug: -2, -3, ...
            if slug not in taken:
                break
            slug = f"{base}-{number}"
        categories = rng.sample(self.categories, 2 if rng.random() < config.second_category_share else 1)
        joint = [u for u in self.users if u.members]
        solo = [u for u in self.users if not u.members]
        author = rng.choice(joint if rng.random() < config.joint_share else solo)
        dateline = source = None
        if rng.random() < config.wire_share:
            dateline, source = rng.choice(text.DATELINE_PLACES), rng.choice(text.WIRES)
        lead = f"{dateline} ({source}) - " if dateline else ""
        paragraphs = text.paragraphs(rng, rng.randint(4, 9), topic, lead)
        tags = rng.sample(self.tags, rng.choice([0, 1, 1, 2, 3]))
        post = Post(self._new_id(), title, slug, date, date, author, categories, tags, paragraphs,
                    dateline=dateline, source=source)
        edited = date + timedelta(hours=rng.choice([0, 0, 0, 1, 6, 30]))
        post.modified = max(date, min(edited, self.clock))
        post.featured = self._media(post.id, date) if rng.random() < config.image_share else None
        post.blocks = {name: rng.randrange(1, len(paragraphs)) for name, share in BLOCK_SHARES.items()
                       if rng.random() < share}
        post.inline = self._media(post.id, date) if "inline" in post.blocks else None
        if "read_more" in post.blocks and self.posts:
            post.read_more = rng.choice(self.posts)
        else:
            post.blocks.pop("read_more", None)
        self.posts.insert(0, post)
        return post

    # ----- scheduled-run changes -------------------------------------------------------------
    def add_new_posts(self, count: int) -> list[Post]:
        """Publish ``count`` posts after everything else (new IDs, newest first everywhere)."""
        with self.lock:
            for _ in range(count):
                self.clock += timedelta(minutes=self.rng.randint(30, 300))
                self._new_post(self.clock)
            self.version += 1
            return self.posts[:count]

    def edit_post(self, post_id: int) -> Post:
        """Add an update paragraph and move ``modified`` past every date on the site."""
        with self.lock:
            post = self.post(post_id)
            self.clock += timedelta(minutes=45)
            post.modified = self.clock
            self.version += 1
            post.paragraphs.append(f"Update, {self.clock:%B} {self.clock.day}: "
                                   + text.paragraphs(self.rng, 1, text.TOPICS[0])[0])
            return post

    # ----- lookups ---------------------------------------------------------------------------
    def post(self, post_id: int) -> Post:
        return next(p for p in self.posts if p.id == post_id)

    def live_posts(self) -> list[Post]:
        return [p for p in self.posts if not p.dead]

    def media(self) -> list[Media]:
        return sorted((m for p in self.live_posts() for m in (p.featured, p.inline) if m), key=lambda m: m.id)

    def authors(self) -> list[User]:
        """Users with a published post, as WordPress lists them."""
        ids = {p.author.id for p in self.live_posts()}
        return [u for u in self.users if u.id in ids]

    # ----- URLs, exactly as WordPress writes them --------------------------------------------
    @property
    def home(self) -> str:
        return self.base_url + self.config.subfolder

    def _link(self, pretty_path: str, plain_query: str) -> str:
        return self.home + (pretty_path if self.config.pretty else "/?" + plain_query)

    def permalink(self, post: Post) -> str:
        if not self.config.pretty:
            return f"{self.home}/?p={post.id}"
        d = post.date
        parts = {"%year%": f"{d:%Y}", "%monthnum%": f"{d:%m}", "%day%": f"{d:%d}", "%postname%": post.slug,
                 "%category%": post.categories[0].slug}  # the first one, as with Yoast's primary category
        path = self.config.permalinks
        for tag, value in parts.items():
            path = path.replace(tag, value)
        return self.home + path

    def term_link(self, term: Term) -> str:
        if term.taxonomy == "category":
            return self._link(f"/category/{term.slug}/", f"cat={term.id}")
        return self._link(f"/tag/{term.slug}/", f"tag={term.slug}")

    def author_link(self, user: User) -> str:
        return self._link(f"/author/{user.slug}/", f"author={user.id}")

    def date_link(self, *parts: str) -> str:
        return self._link("/" + "/".join(parts) + "/", "m=" + "".join(parts))

    def page_link(self, page: Page) -> str:
        return self._link(f"/{page.slug}/", f"page_id={page.id}")

    def attachment_link(self, media: Media) -> str:
        parent = self.post(media.parent)
        return self.permalink(parent) + f"{media.slug}/" if self.config.pretty \
            else f"{self.home}/?attachment_id={media.id}"

    def media_url(self, media: Media) -> str:
        return f"{self.home}/wp-content/uploads/{media.uploaded:%Y/%m}/{media.slug}.jpg"

    def with_query(self, address: str, /, **params) -> str:
        return address + ("&" if "?" in address else "?") + urlencode(params)

    def feed_link(self, post: Post | None = None) -> str:
        if self.config.pretty:
            return (self.permalink(post) if post else self.home + "/") + "feed/"
        return self.home + "/?feed=rss2" + (f"&p={post.id}" if post else "")

    def amp_link(self, post: Post) -> str:
        url = self.permalink(post)
        return url + "amp/" if self.config.pretty else self.with_query(url, amp=1)

    def shortlink(self, post: Post) -> str:
        return f"{self.home}/?p={post.id}"

    def paged(self, url: str, number: int) -> str:
        """Listing page ``number`` of the archive whose first page is ``url``."""
        if number == 1:
            return url
        if not self.config.pretty:
            return self.with_query(url, paged=number)
        path, _, query = url.partition("?")
        return f"{path}page/{number}/" + (f"?{query}" if query else "")

    def rest_url(self, route: str, /, **params) -> str:
        url = f"{self.home}/wp-json{route}" if self.config.pretty else f"{self.home}/?rest_route={route}"
        return self.with_query(url, **params) if params else url

    def target(self, url: str) -> str:
        """The request target (path and query) of one of the site's URLs."""
        return url[len(self.base_url):] or "/"

    # ----- ground truth ----------------------------------------------------------------------
    def expected_records(self) -> list[dict]:
        """What a perfect crawler writes: one record per live post, newest first."""
        with self.lock:
            return [self.expected_record(post) for post in self.live_posts()]

    def expected_record(self, post: Post) -> dict:
        url, image = self.permalink(post), post.featured
        body = "\n\n".join(post.paragraphs)
        return {
            "site": "wordpress", "post_id": post.id, "url": url, "accepted_urls": [url], "title": post.title,
            "published": post.date.isoformat(), "modified": post.modified.isoformat(),
            "authors": [u.name for u in post.author.people], "category": post.categories[0].name,
            "categories": [t.name for t in post.categories], "tags": [t.name for t in post.tags],
            "image_caption": image and image.caption, "image_credit": image and image.credit,
            "image_url": self.media_url(image) if image else None, "language": self.config.language,
            "media_id": None, "dateline": post.dateline, "source": post.source, "body": body,
            "word_count": len(body.split()),
        }

    def transient_targets(self) -> set[str]:
        """The request targets (or ``rest:N`` keys) whose first request answers 500."""
        resolved = set()
        for spec in self.config.transient_500:
            kind, _, number = spec.partition(":")
            if kind == "post":
                resolved.add(self.target(self.permalink(self.live_posts()[int(number) - 1])))
            elif kind == "listing":
                resolved.add(self.target(self.paged(self.home + "/", int(number))))
            else:  # "rest:N" is matched by the server; anything else is a literal target
                resolved.add(spec)
        return resolved


def build_wp_site(config: WpConfig | None = None, **overrides) -> WpSite:
    """A site for ``config`` (or the defaults), with fields overridden by keyword."""
    return WpSite(replace(config or WpConfig(), **overrides))
