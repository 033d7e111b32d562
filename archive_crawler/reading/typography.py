"""WordPress's typography (``wptexturize``) done and undone, on plain text.

WordPress curls quotes, turns ``--`` into dashes, ``...`` into an ellipsis and ``3x4`` into
``3×4`` wherever it renders text through its content filters; its REST API renders an image
caption that way, while themes print the featured image's caption as the editor typed it.
:func:`untexturize` finds the text as typed: of every text the rendered one could come from,
the one with the fewest typographic characters typed as such.

The rules below follow WordPress 6.1's ``wptexturize`` (wp-includes/formatting.php) with its
default English translations, on text whose entities are decoded: ``<`` and ``>`` stand for the
``&lt;`` and ``&gt;`` of the HTML, a no-break space for ``&nbsp;``.

What cannot be undone: a character WordPress would have made of a straight one (an apostrophe
in "Ann’s", quotes around a phrase) reads as the straight one, so a caption typed with curly
quotes comes back with straight ones. A character WordPress would not have made there (a curly
apostrophe after a space) is kept as typed.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

# What WordPress writes, kept apart from the same characters typed in the text (they do not count
# as its own quotes in the rules that look for them) until the end; flags mark places in between.
APOSTROPHE, OPEN_SINGLE, OPEN_DOUBLE, PRIME_FLAG = "\ue000", "\ue001", "\ue002", "\ue003"
MADE = {"’": "\ue010", "‘": "\ue011", "“": "\ue012", "”": "\ue013", "′": "\ue014", "″": "\ue015",
        "–": "\ue016", "—": "\ue017", "…": "\ue018", "×": "\ue019", "™": "\ue01a"}
SHOWN = str.maketrans({mark: glyph for glyph, mark in MADE.items()})
CLOSE_SINGLE, CLOSE_DOUBLE = MADE["’"], MADE["”"]

SPACE = r"[\r\n\t \xa0]"
START, END = r"(?:^|(?<=" + SPACE + r"))", r"(?=\n?\Z|" + SPACE + r")"
BEFORE_CLOSING = r"(?=\Z|[.,:;!?)}\-\]>]|" + SPACE + r")"
# Words that open with an apostrophe, as WordPress's English list has them.
ELIDED = ("'tain't", "'twere", "'twas", "'tis", "'twill", "'til", "'bout", "'nuff", "'round", "'cause", "'em")
STATIC = [("...", MADE["…"]), ("``", MADE["“"]), ("''", CLOSE_DOUBLE), (" (tm)", " " + MADE["™"]),
          *((word, word.replace("'", CLOSE_SINGLE)) for word in ELIDED)]
SINGLE_RULES = [
    (re.compile(r"'(\d\d)'" + BEFORE_CLOSING), APOSTROPHE + r"\1" + CLOSE_SINGLE),  # '99' at a quote's end
    (re.compile(r"'(\d\d)\"" + BEFORE_CLOSING), APOSTROPHE + r"\1" + CLOSE_DOUBLE),
    (re.compile(r"'(?=\d\d(?:\Z|(?![%\d]|[.,]\d)))"), APOSTROPHE),  # '99, '99s: a year cut short
    (re.compile(r"(?:^|(?<=" + SPACE + r"))'(\d[.,\d]*)'"), OPEN_SINGLE + r"\1" + CLOSE_SINGLE),  # '0.42'
    (re.compile(r"(?:^|(?<=[(\[{\"\-<])|(?<=" + SPACE + r"))'"), OPEN_SINGLE),
    (re.compile(r"(?<!" + SPACE + r")'(?!\Z|[.,:;!?\"'(){}\[\]\-<>]|" + SPACE + r")"), APOSTROPHE),  # in a word
]
DOUBLE_RULES = [
    (re.compile(r"(?:^|(?<=" + SPACE + r"))\"(\d[.,\d]*)\""), OPEN_DOUBLE + r"\1" + CLOSE_DOUBLE),  # "42"
    (re.compile(r"(?:^|(?<=[(\[{\-<])|(?<=" + SPACE + r"))\"(?!" + SPACE + r")"), OPEN_DOUBLE),
]
DASH_RULES = [
    (re.compile(r"---"), MADE["—"]),
    (re.compile(START + r"--" + END), MADE["—"]),
    (re.compile(r"(?<!xn)--"), MADE["–"]),
    (re.compile(START + r"-" + END), MADE["–"]),
]
TIMES = re.compile(r"\b(0[\d.,]+|[1-9][\d.,]*)x(\d[\d.,]*)\b", re.ASCII)


def texturize(text: str) -> str:
    """The text as WordPress renders it.

    >>> texturize('"Closed for repairs" -- the ferry\\'s 3x4 sign...')
    '“Closed for repairs” — the ferry’s 3×4 sign…'
    """
    for typed, made in STATIC:
        text = text.replace(typed, made)
    if "'" in text:
        for pattern, replacement in SINGLE_RULES:
            text = pattern.sub(replacement, text)
        text = primes(text, "'", MADE["′"], OPEN_SINGLE, CLOSE_SINGLE)
        text = text.replace(APOSTROPHE, CLOSE_SINGLE).replace(OPEN_SINGLE, MADE["‘"])
    if '"' in text:
        for pattern, replacement in DOUBLE_RULES:
            text = pattern.sub(replacement, text)
        text = primes(text, '"', MADE["″"], OPEN_DOUBLE, CLOSE_DOUBLE)
        text = text.replace(OPEN_DOUBLE, MADE["“"])
    if "-" in text:
        for pattern, replacement in DASH_RULES:
            text = pattern.sub(replacement, text)
    if re.search(r"(?<=\d)x\d", text, re.ASCII):
        text = TIMES.sub(r"\1" + MADE["×"] + r"\2", text)
    return text.translate(SHOWN)


def primes(text: str, needle: str, prime: str, open_flag: str, close: str) -> str:
    """Closing quotes and primes (9' and 9"), sentence by sentence after each opening quote."""
    quote = re.compile(re.escape(needle) + BEFORE_CLOSING)
    after_digit = re.compile(r"(?<=\d)" + re.escape(needle), re.ASCII)
    sentences = text.split(open_flag)
    for index, sentence in enumerate(sentences):
        if needle not in sentence:
            continue
        if index and close not in sentence:
            sentence, count = quote.subn(PRIME_FLAG, sentence)
            if count > 1:  # several candidates for the closing quote
                sentence, closed = re.subn(r"(?<!\d)" + PRIME_FLAG, close, sentence, flags=re.ASCII)
                if not closed:
                    at = sentence.rfind(PRIME_FLAG + ".")
                    at = at if at >= 0 else sentence.rfind(PRIME_FLAG)
                    sentence = sentence[:at] + close + sentence[at + 1:]
                sentence = after_digit.sub(prime, sentence)
                sentence = re.sub(r"(?<=\d)" + PRIME_FLAG, prime, sentence, flags=re.ASCII)
                sentence = sentence.replace(PRIME_FLAG, close)
            elif count == 1:
                sentence = after_digit.sub(prime, sentence.replace(PRIME_FLAG, close))
            else:
                sentence = after_digit.sub(prime, sentence)
        else:
            sentence = quote.sub(close, after_digit.sub(prime, sentence))
        if needle == '"':
            sentence = sentence.replace('"', close)
        sentences[index] = sentence
    return open_flag.join(sentences)


@dataclass(frozen=True)
class Choice:
    """A typographic character of a rendered text and what may have been typed in its place, the
    likelier first; the character itself is the last choice."""

    at: int
    typed: tuple[str, ...]


SPACED = re.compile(r"(?:^|(?<=" + SPACE + r"))[—–](?=\Z|" + SPACE + r")")
MAX_TRIES = 2000  # texts tried at most, for a text with very many typographic characters


def choices(rendered: str) -> list[Choice]:
    """Where the rendered text has a character WordPress makes, and what it may have been made of."""
    spaced = {match.start() for match in SPACED.finditer(rendered)}
    found = []
    for at, glyph in enumerate(rendered):
        if glyph in "’‘′":
            typed: tuple[str, ...] = ("'",)
        elif glyph in "“”″":
            typed = ('"',)
        elif glyph == "…":
            typed = ("...",)
        elif glyph == "—":
            typed = ("--", "---") if at in spaced else ("---",)
        elif glyph == "–":
            typed = ("-",) if at in spaced else ("--",)
        elif glyph == "×" and 0 < at < len(rendered) - 1 and rendered[at - 1].isdigit() and rendered[at + 1].isdigit():
            typed = ("x",)
        elif glyph == "™" and rendered[at - 1:at] == " ":
            typed = ("(tm)",)
        else:
            continue
        found.append(Choice(at, (*typed, glyph)))
    return found


def untexturize(rendered: str) -> str:
    """The text as typed that WordPress rendered as ``rendered``: the one with the fewest
    typographic characters typed as such (see the module's note); ``rendered`` itself when
    no text renders that way (typography switched off on the site).

    >>> untexturize("The harbour master’s launch — “at first light”…")
    'The harbour master\\'s launch -- "at first light"...'
    >>> untexturize("Ann ’s launch")  # no straight apostrophe becomes this one after a space
    'Ann ’s launch'
    """
    places = choices(rendered)
    if not places:
        return rendered
    tries = 0
    for kept in range(len(places) + 1):  # typographic characters typed as such, fewest first
        for typed_as_such in itertools.combinations(range(len(places)), kept):
            options = [(place.typed[-1],) if index in typed_as_such else place.typed[:-1]
                       for index, place in enumerate(places)]
            for picked in itertools.product(*options):
                tries += 1
                if tries > MAX_TRIES:
                    return rendered
                text = rebuilt(rendered, places, picked)
                if texturize(text) == rendered:
                    return text
    return rendered


def rebuilt(rendered: str, places: list[Choice], picked: tuple[str, ...]) -> str:
    parts, start = [], 0
    for place, typed in zip(places, picked, strict=True):
        parts += [rendered[start:place.at], typed]
        start = place.at + 1
    parts.append(rendered[start:])
    return "".join(parts)
