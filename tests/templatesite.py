"""A small news site whose article pages carry the same boilerplate inside the article's text area.

Each story's text is written here (its truth); around it every page draws the same share bar with
words, a newsletter box and a list of other stories, all inside the text's own container, where a
reader of one page alone cannot tell them from the story. Served on 127.0.0.1, port 0.
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Self

from tests.serving import BackgroundServer, HTTPServer

STORIES = 14
SITE_NAME = "Harbour Gazette"
WORDS = ("harbour", "council", "ferry", "timetable", "fishermen", "quay", "storm", "coast", "lighthouse",
         "mayor", "budget", "school", "market", "bridge", "tide", "weather", "festival", "museum", "railway",
         "station", "hospital", "nurses", "tourists", "season", "cargo", "port", "island", "village",
         "district", "residents", "plan", "vote", "repairs", "boats", "night", "morning", "summer",
         "winter")
SHARE_BAR = "Share this story with your friends on the networks where you follow the harbour news every day"
NEWSLETTER_HEADING = "Get the morning briefing"
NEWSLETTER = ("Every weekday at six we send the stories the harbour is talking about, the ferry timetable changes "
              "and the weather for the coast. Sign up free and leave whenever you like.")
OTHER_STORIES = [("Lifeboat crew rescues two sailors off the point", "Staff reporter"),
                 ("Fish market to open on Sundays from next month", "Ana Costa"),
                 ("New bus line links the station with the old town", "Tom Reid")]


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    author: str
    published: str
    paragraphs: tuple[str, ...]

    @property
    def body(self) -> str:
        """The story's text as a record should hold it: its paragraphs, a blank line apart."""
        return "\n\n".join(self.paragraphs)


def sentence(chance: random.Random) -> str:
    words = [chance.choice(WORDS) for _ in range(chance.randint(9, 16))]
    return " ".join(words).capitalize() + "."


def stories() -> list[Story]:
    """The site's stories, the same on every call."""
    chance = random.Random(7)
    found = []
    for number in range(1, STORIES + 1):
        paragraphs = tuple(" ".join(sentence(chance) for _ in range(chance.randint(2, 4)))
                           for _ in range(chance.randint(4, 6)))
        title = f"{chance.choice(WORDS).capitalize()} {chance.choice(WORDS)} {chance.choice(WORDS)} story {number}"
        found.append(Story(f"story-{number}", title, ("Mia Berg", "Jon Ortiz", "Lea Novak")[number % 3],
                           f"2024-03-{number:02d}T09:30:00+00:00", paragraphs))
    return found


def page(story: Story) -> str:
    """An article page: the story's paragraphs with the site's boilerplate between them, in one container."""
    escape = html.escape
    paragraphs = [f"<p>{escape(text)}</p>" for text in story.paragraphs]
    share = f'<div class="tools"><p>{SHARE_BAR}</p><ul><li>Email</li><li>Print</li></ul></div>'
    newsletter = f'<div class="box"><h3>{NEWSLETTER_HEADING}</h3><p>{NEWSLETTER}</p></div>'
    others = "".join(f'<li><a href="/other-{index}">{escape(title)}</a> <span>{escape(author)}</span></li>'
                     for index, (title, author) in enumerate(OTHER_STORIES))
    more = f'<div class="list"><h3>Around the harbour this week</h3><ul>{others}</ul></div>'
    middle = len(paragraphs) // 2
    text = "".join([share, *paragraphs[:middle], newsletter, *paragraphs[middle:], more])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(story.title)} | {SITE_NAME}</title>
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="article:published_time" content="{story.published}"></head>
<body><header class="top"><a href="/" rel="home">{SITE_NAME}</a>
<nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article class="story"><h1>{escape(story.title)}</h1>
<p class="meta">By <span class="author">{escape(story.author)}</span></p>
<div class="txt">{text}</div></article></main>
<footer class="bottom"><p>{SITE_NAME}, 1 Quay Street. All rights reserved.</p></footer></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        pages = self.server.pages
        self.server.requests.append(self.path)
        body = pages.get(self.path.rstrip("/"))
        status = 200 if body is not None else 404
        data = (body or "<html><body>Not found</body></html>").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args) -> None:
        pass


class _Server(HTTPServer):
    pages: dict[str, str]
    requests: list[str]


class TemplateSite(BackgroundServer):
    """The site's article pages at ``/news/<slug>``; ``urls`` lists them."""

    def __init__(self) -> None:
        self.stories = stories()
        self.port = 0
        self.requests: list[str] = []  # the paths asked for, in order

    def start(self) -> Self:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.pages = {f"/news/{story.slug}": page(story) for story in self.stories}
        httpd.requests = self.requests
        self.port = httpd.server_address[1]
        self._serve(httpd, "template-site")
        return self

    def url(self, story: Story) -> str:
        return f"http://127.0.0.1:{self.port}/news/{story.slug}"

    @property
    def urls(self) -> list[str]:
        return [self.url(story) for story in self.stories]
