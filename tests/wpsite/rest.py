"""The REST API (wp/v2 and oEmbed), open, closed the ways plugins close it, or untruthful about totals."""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from archive_crawler.reading.typography import texturize

from .answer import HTML, Answer, json_answer
from .site import Media, Post, Term, User, WpSite
from .themes import esc, excerpt, post_content

CLOSED = {"closed-401": (401, "rest_login_required", "Only signed-in users may use this site's REST API."),
          "closed-403": (403, "rest_forbidden", "You may not do that."),
          "missing-404": (404, "rest_no_route", "No route matches this URL and method.")}
BLOCKED_PAGE = ("<!DOCTYPE html>\n<html><head><title>Access denied</title></head><body><h1>Access denied</h1>"
                "<p>This request was stopped by the site's security firewall.</p></body></html>\n")
ORDERBY = {"date": lambda p: (p.date, p.id), "id": lambda p: p.id, "modified": lambda p: (p.modified, p.id),
           "title": lambda p: (p.title.lower(), p.id), "slug": lambda p: p.slug}
DATE_FILTERS = {"after": ("date", 1), "before": ("date", -1), "modified_after": ("modified", 1),
                "modified_before": ("modified", -1)}
EMBEDDABLE = {"author", "wp:term", "wp:featuredmedia"}


def error(status: int, code: str, message: str, **data) -> Answer:
    return json_answer({"code": code, "message": message, "data": {"status": status, **data}}, status)


def invalid(name: str) -> Answer:
    return error(400, "rest_invalid_param", f"Invalid parameter(s): {name}",
                 params={name: f"{name} is invalid."})


def local(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat()


def gmt(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


# ----- objects --------------------------------------------------------------------------------
def term_json(site: WpSite, term: Term) -> dict:
    count = sum(term in p.categories + p.tags for p in site.live_posts())
    route = "categories" if term.taxonomy == "category" else "tags"
    return {"id": term.id, "count": count, "description": "", "link": site.term_link(term),
            "name": esc(term.name), "slug": term.slug, "taxonomy": term.taxonomy, "meta": [],
            **({"parent": 0} if term.taxonomy == "category" else {}),
            "_links": {"self": [{"href": site.rest_url(f"/wp/v2/{route}/{term.id}")}]}}


def user_json(site: WpSite, user: User) -> dict:
    return {"id": user.id, "name": user.name, "url": "", "description": "", "link": site.author_link(user),
            "slug": user.slug, "_links": {"self": [{"href": site.rest_url(f"/wp/v2/users/{user.id}")}]}}


def media_json(site: WpSite, media: Media) -> dict:
    return {"id": media.id, "date": local(media.uploaded), "date_gmt": gmt(media.uploaded),
            "slug": media.slug, "status": "inherit", "type": "attachment",
            "link": site.attachment_link(media),
            "title": {"rendered": esc(media.slug)},
            # WordPress renders the caption through its excerpt filters: typography included.
            "caption": {"rendered": f"<p>{esc(texturize(media.full_caption))}</p>\n"},
            "alt_text": media.caption.rstrip("."), "media_type": "image", "mime_type": "image/jpeg",
            "media_details": {"width": 1024, "height": 683,
                              "file": f"{media.uploaded:%Y/%m}/{media.slug}.jpg"},
            "post": media.parent, "source_url": site.media_url(media),
            "_links": {"self": [{"href": site.rest_url(f"/wp/v2/media/{media.id}")}]}}


def post_json(site: WpSite, post: Post, embed: set[str]) -> dict:
    links = {"self": [{"href": site.rest_url(f"/wp/v2/posts/{post.id}")}],
             "collection": [{"href": site.rest_url("/wp/v2/posts")}],
             "author": [{"embeddable": True, "href": site.rest_url(f"/wp/v2/users/{post.author.id}")}],
             "wp:term": [{"taxonomy": taxonomy, "embeddable": True,
                          "href": site.rest_url(f"/wp/v2/{route}", post=post.id)}
                         for taxonomy, route in (("category", "categories"), ("post_tag", "tags"))]}
    if post.featured:
        media_url = site.rest_url(f"/wp/v2/media/{post.featured.id}")
        links["wp:featuredmedia"] = [{"embeddable": True, "href": media_url}]
    value = {"id": post.id, "date": local(post.date), "date_gmt": gmt(post.date),
             "guid": {"rendered": f"{site.home}/?p={post.id}"}, "modified": local(post.modified),
             "modified_gmt": gmt(post.modified), "slug": post.slug, "status": "publish", "type": "post",
             "link": site.permalink(post), "title": {"rendered": esc(post.title)},
             "content": {"rendered": post_content(site, post), "protected": False},
             "excerpt": {"rendered": f"<p>{excerpt(post)}</p>\n", "protected": False},
             "author": post.author.id,
             "featured_media": post.featured.id if post.featured else 0, "comment_status": "open",
             "ping_status": "open", "sticky": False, "template": "", "format": "standard", "meta": [],
             "categories": [t.id for t in post.categories], "tags": [t.id for t in post.tags],
             "_links": links}
    embedded = {"author": [user_json(site, post.author)],
                "wp:featuredmedia": [media_json(site, post.featured)] if post.featured else None,
                "wp:term": [[term_json(site, t) for t in terms] for terms in (post.categories, post.tags)]}
    embedded = {name: part for name, part in embedded.items() if name in embed and part}
    if embedded:
        value["_embedded"] = embedded
    return value


def trimmed(value: dict, params) -> dict:
    """``_fields``: top-level names, or ``name.sub`` for one member of an object."""
    fields = [f for f in params.get("_fields", "").split(",") if f]
    if not fields:
        return value
    picked: dict[str, Any] = {}
    for name in fields:
        key, _, sub = name.partition(".")
        if key in value and sub and isinstance(value[key], dict) and sub in value[key]:
            picked.setdefault(key, {})[sub] = value[key][sub]
        elif key in value and not sub:
            picked[key] = value[key]
    return picked


# ----- routes ---------------------------------------------------------------------------------
def respond(site: WpSite, route: str, params: dict[str, str]) -> Answer:
    mode = site.config.rest
    if mode in CLOSED:
        return error(*CLOSED[mode])
    if mode == "html":
        return Answer(200, BLOCKED_PAGE.encode(), HTML)
    route = "/" + route.strip("/")
    for pattern, handler in ROUTES:
        match = re.fullmatch(pattern, route)
        if match:
            return handler(site, params, *match.groups())
    return error(404, "rest_no_route", CLOSED["missing-404"][2])


def index(site: WpSite, params) -> Answer:
    c = site.config
    value = {"name": c.title, "description": c.tagline, "url": site.home, "home": site.home,
             "gmt_offset": c.offset.total_seconds() / 3600, "timezone_string": "",
             "namespaces": ["oembed/1.0", "wp/v2"], "authentication": [],
             "routes": {route: {"namespace": "/".join(route.split("/")[1:3]), "methods": ["GET"],
                                "_links": {"self": [{"href": site.rest_url(route)}]}} for route in ROUTE_NAMES}}
    return json_answer(trimmed(value, params))


def page_of(site: WpSite, route: str, params, items: list, to_json, claimed: int | None = None,
            past_end: str | None = None) -> Answer:
    """One page of a collection with WordPress's headers; ``claimed`` is the total the headers state."""
    try:
        page, per_page = int(params.get("page", 1)), int(params.get("per_page", 10))
    except ValueError:
        return invalid("page, per_page")
    if not 1 <= per_page <= 100:
        return invalid("per_page")
    if page < 1:
        return invalid("page")
    claimed = len(items) if claimed is None else claimed
    pages = math.ceil(claimed / per_page)
    if page > 1 and page > math.ceil(len(items) / per_page) and past_end:
        return error(400, past_end, "The page number asked for is past the last page.")
    headers = [("X-WP-Total", str(claimed)), ("X-WP-TotalPages", str(pages))]
    near = [(rel, n) for rel, n in (("prev", page - 1), ("next", page + 1)) if 1 <= n <= pages]
    if near:
        links = ", ".join(f'<{site.rest_url(route, **{**params, "page": n})}>; rel="{rel}"'
                          for rel, n in near)
        headers.append(("Link", links))
    chosen = items[(page - 1) * per_page: page * per_page]
    return json_answer([trimmed(to_json(item), params) for item in chosen], headers=headers)


def embeds(params) -> set[str]:
    if "_embed" not in params:
        return set()
    wanted = params["_embed"]
    return EMBEDDABLE if wanted in ("", "1", "true") else set(wanted.split(",")) & EMBEDDABLE


def posts(site: WpSite, params) -> Answer:
    order, orderby = params.get("order", "desc"), params.get("orderby", "date")
    if order not in ("asc", "desc"):
        return invalid("order")
    if orderby not in ORDERBY:
        return invalid("orderby")
    items = site.live_posts()
    for name, (attribute, sign) in DATE_FILTERS.items():
        if name in params:
            try:
                limit = datetime.fromisoformat(params[name])
            except ValueError:
                return invalid(name)
            limit = limit if limit.tzinfo else limit.replace(tzinfo=site.tz)
            items = [p for p in items if sign * (getattr(p, attribute) - limit).total_seconds() > 0]
    for name, ids_of in (("categories", lambda p: [t.id for t in p.categories]),
                         ("tags", lambda p: [t.id for t in p.tags]), ("author", lambda p: [p.author.id]),
                         ("include", lambda p: [p.id])):
        if params.get(name):
            wanted = {int(v) for v in params[name].split(",") if v.isdigit()}
            items = [p for p in items if wanted & set(ids_of(p))]
    items = sorted(items, key=ORDERBY[orderby], reverse=order == "desc")
    mode, short = site.config.rest, site.config.rest_shortfall
    claimed = max(0, len(items) - short) if mode == "lying-total" else len(items)
    if mode == "stops-early":
        items = items[:max(0, len(items) - short)]
    embed = embeds(params)
    return page_of(site, "/wp/v2/posts", params, items, lambda p: post_json(site, p, embed), claimed,
                   past_end="rest_post_invalid_page_number")


def collection(site: WpSite, params, name: str) -> Answer:
    items, to_json = objects(site, name)
    if name in ("categories", "tags") and params.get("post", "").isdigit():
        post = next((p for p in site.live_posts() if p.id == int(params["post"])), None)
        items = [t for t in items if post and t in post.categories + post.tags]
    past_end = "rest_post_invalid_page_number" if name == "media" else None
    return page_of(site, f"/wp/v2/{name}", params, items, to_json, past_end=past_end)


def objects(site: WpSite, name: str):
    return {"categories": (sorted(site.categories, key=lambda t: t.name), lambda t: term_json(site, t)),
            "tags": (sorted(site.tags, key=lambda t: t.name), lambda t: term_json(site, t)),
            "users": (sorted(site.authors(), key=lambda u: u.name), lambda u: user_json(site, u)),
            "media": (site.media()[::-1], lambda m: media_json(site, m))}[name]


def single(site: WpSite, params, name: str, object_id: str) -> Answer:
    if name == "posts":
        items, to_json = site.live_posts(), (lambda p: post_json(site, p, embeds(params)))
    else:
        items, to_json = objects(site, name)
    found = next((item for item in items if item.id == int(object_id)), None)
    if found is None:
        code = {"users": "rest_user_invalid_id", "categories": "rest_term_invalid",
                "tags": "rest_term_invalid"}
        return error(404, code.get(name, "rest_post_invalid_id"), "No such object.")
    return json_answer(trimmed(to_json(found), params))


def oembed(site: WpSite, params) -> Answer:
    post = next((p for p in site.live_posts() if site.permalink(p) == params.get("url")), None)
    if post is None:
        return error(404, "oembed_invalid_url", "Not Found")
    return json_answer({"version": "1.0", "provider_name": site.config.title, "provider_url": site.home,
                        "author_name": post.author.name, "author_url": site.author_link(post.author),
                        "title": esc(post.title), "type": "rich", "width": 600, "height": 338,
                        "html": f'<blockquote class="wp-embedded-content"><a href="{site.permalink(post)}">'
                                f'{esc(post.title)}</a></blockquote>'})


# (pattern, handler): a handler takes the site, the query parameters and the pattern's groups.
ROUTES: list[tuple[str, Callable[..., Answer]]] = [
    (r"/", index), (r"/wp/v2/posts", posts), (r"/wp/v2/(categories|tags|users|media)", collection),
    (r"/wp/v2/(posts|categories|tags|users|media)/(\d+)", single), (r"/oembed/1\.0/embed", oembed)]
ROUTE_NAMES = ["/", "/wp/v2/posts", "/wp/v2/posts/(?P<id>[\\d]+)", "/wp/v2/categories", "/wp/v2/tags",
               "/wp/v2/users", "/wp/v2/media", "/wp/v2/media/(?P<id>[\\d]+)", "/oembed/1.0/embed"]
