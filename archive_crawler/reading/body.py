"""Choosing an article's text by evidence: the profile's containers, JSON-LD and an extractor compared.

A text container a selector finds may hold the whole story or one small block of it (a
lead, a teaser, an empty wrapper). So no candidate wins for being found first:

- a container holding under ``SMALL_SHARE`` of the page's visible text is checked against
  the extractor (for profiles that read with it, the extractor runs on every page);
- a container whose text is under ``FAIR_SHARE`` of what the extractor found (and by at least
  ``LEAST_MARGIN`` characters) loses to it;
- where the profile trusts the extractor first (``crawl.extractor_first``, for profiles whose
  containers are guesses), a container wins only when the extractor found under
  ``FAIR_SHARE`` of the container's text (by the same margin);
- JSON-LD ``articleBody`` is taken only when neither found a fair share of it;
- with nothing else, a page's main visible text is its body (forums, shops, listings).

With a site's template (:mod:`.template`), its boilerplate blocks are left out of every candidate,
and its text container comes first: it loses only to an extractor that found much more, and the
extractor runs only when the container holds a small share of what the page shows.

The choice carries the rule that won and why, for ``scrapy inspect``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from parsel import Selector

from archive_crawler.reading.extract import main_text_blocks, select, text_blocks
from archive_crawler.reading.processors import clean_text
from archive_crawler.reading.template import SiteTemplate, boilerplate_left_out
from archive_crawler.sites.profile import Profile

SMALL_SHARE = 0.25  # of the page's visible text: a container under it may be one block of the story
FAIR_SHARE = 0.5  # of another candidate's text: under it, a candidate found too little to win
# Characters one candidate must find beyond another's to beat it on size: on a page of a few lines,
# a headline and a tag link the extractor adds are no evidence against a container.
LEAST_MARGIN = 250
_VISIBLE = etree.XPath("normalize-space(string(//body))")
_HIDDEN = etree.XPath("//body//script | //body//style | //body//noscript | //body//template")
_TEXT = etree.XPath("normalize-space(string())")


@dataclass
class Candidate:
    rule: str
    blocks: list[str]
    element: Selector | None = None  # the container's selector, when the text comes from one

    @property
    def size(self) -> int:
        return sum(len(block) for block in self.blocks)


@dataclass
class BodyChoice:
    """The text chosen, the rule that gave it, why, and every candidate compared (rule, characters)."""

    rule: str
    why: str
    blocks: list[str]
    container: Selector | None = None  # the container's selector when one won (captions are looked for in it)
    compared: list[tuple[str, int]] = field(default_factory=list)

    @property
    def from_extractor(self) -> bool:
        return self.container is None


def visible_text_size(page) -> int:
    """Characters of text a reader of the page's <body> sees (scripts and styles left out)."""
    tree = page.root
    hidden = sum(len(_TEXT(element)) for element in _HIDDEN(tree))
    return max(0, len(_VISIBLE(tree)) - hidden)


def first_container(root, queries, rules) -> tuple[list[tuple[str, int]], Candidate | None]:
    """(the containers tried with their sizes, the first that holds text) in the profile's order."""
    tried: list[tuple[str, int]] = []
    for query in queries:
        elements = select(root, query)
        if elements:
            box = Candidate(f"selectors.article_content: {query}", text_blocks(elements[0], rules), elements[0])
            tried.append((box.rule, box.size))
            if box.size:
                return tried, box
    return tried, None


def choose_body(profile: Profile, response, root, structured: dict, with_containers: bool = True,
                template: SiteTemplate | None = None) -> BodyChoice:
    """The article's text blocks, chosen among the profile's text containers in ``root`` (unless
    ``with_containers`` is false), the JSON-LD ``structured`` (its ``articleBody``) and the extractor;
    with the site's ``template``, its boilerplate left out and its text container first."""
    if template is None or template.empty:
        return _choose(profile, response, root, structured, with_containers, None)
    with boilerplate_left_out(response.selector, template) as left_out:
        choice = _choose(profile, response, root, structured, with_containers, template)
    if left_out:
        choice.why += f"; {left_out} boilerplate blocks of the site's template left out"
    return choice


def _choose(profile: Profile, response, root, structured: dict, with_containers: bool,
            template: SiteTemplate | None) -> BodyChoice:
    rules = profile.text
    crawl = profile.crawl
    learnt = template.container_in(response.selector) if template is not None else None
    best: Candidate | None
    if learnt is not None and (box := Candidate("template: text container", text_blocks(learnt, rules), learnt)).size:
        compared, best, extractor_first = [(box.rule, box.size)], box, False
    else:
        compared, best = first_container(root, profile.selectors.article_content, rules) if with_containers \
            else ([], None)
        extractor_first = crawl.extractor_first
    extracted: Candidate | None = None
    # The extractor runs where it can change the answer: always for a profile that reads with it (unless
    # the site's template names its text container), else only to check a container holding a small
    # share of what the page shows.
    trusted = best is not None and best.element is learnt
    if (crawl.main_text and not trusted) or (
            best is not None and best.size < SMALL_SHARE * visible_text_size(response.selector)):
        extracted = Candidate("extractor", main_text_blocks(response.selector))
        compared.append((extracted.rule, extracted.size))
    choice = _compare(best, extracted, extractor_first)
    article_body = _json_ld_body(structured)
    if article_body.size:
        compared.append((article_body.rule, article_body.size))
        chosen = choice[0] if choice else Candidate("none", [])
        if outweighs(article_body, chosen):
            return BodyChoice(article_body.rule, f"the best other candidate holds {chosen.size / article_body.size:.0%}"
                              " of its text", article_body.blocks, None, compared)
    if choice is not None:
        winner, why = choice
        return BodyChoice(winner.rule, why, winner.blocks, winner.element, compared)
    if crawl.main_text and (page := _visible_blocks(response, rules)):
        return BodyChoice("main visible text", "no container or extractor found text", page, None, compared)
    return BodyChoice("none", "no candidate holds any text", [], None, compared)


def _compare(box: Candidate | None, extracted: Candidate | None,
             extractor_first: bool) -> tuple[Candidate, str] | None:
    """(the winner, why) of a container and the extractor's text; None when neither has text."""
    if extracted is None or not extracted.size:
        if box is None:
            return None
        return box, "the extractor was not needed" if extracted is None else "the extractor found no text"
    if box is None:
        return extracted, "no container holds text"
    share = box.size / extracted.size
    if extractor_first:
        if outweighs(box, extracted):
            return box, f"the extractor found {extracted.size / box.size:.0%} of the container's text"
        return extracted, f"the container holds {share:.0%} of the extractor's text; the extractor comes first"
    if outweighs(extracted, box):
        return extracted, f"the container holds only {share:.0%} of the extractor's text"
    return box, f"the container holds {share:.0%} of the extractor's text"


def outweighs(one: Candidate, other: Candidate) -> bool:
    """Whether ``one`` found so much more text than ``other`` that ``other`` cannot be the story."""
    return other.size < FAIR_SHARE * one.size and one.size - other.size >= LEAST_MARGIN


def _json_ld_body(structured: dict) -> Candidate:
    text = structured.get("articleBody")
    blocks = [line for raw in text.splitlines() if (line := clean_text(raw))] if isinstance(text, str) else []
    return Candidate("json-ld articleBody", blocks)


def _visible_blocks(response, rules) -> list[str]:
    body = response.selector.css("body")
    return text_blocks(body[0], rules) if body else []
