"""WordPress's typography: the port agrees with WordPress's own ``wptexturize``, and undoing it
gives back the text as typed."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from archive_crawler.reading.rest import typed_text
from archive_crawler.reading.typography import texturize, untexturize
from tests.realwp.content import CAPTIONS
from tests.wpsite import text

WORDPRESS_TEXTURIZE = Path(__file__).parent / "realwp" / "php" / "texturize.php"
FORMATTING = Path("/usr/share/wordpress/wp-includes/formatting.php")
# Pieces that meet WordPress's rules in every way: quotes and apostrophes beside letters, digits,
# spaces and punctuation, dashes, ellipses, "(tm)", "3x4", words it writes with an apostrophe first.
PIECES = ["'", '"', "-", "--", "---", " ", "a", "b", "s", "9", "0", "12", "x", "3x4", "...", ".", ",", "(", ")",
          "[", "<", ">", "\u2019", "\u201c", "tis", "'tis", "'em", " (tm)", "\xa0", "xn--", "%", "n't", ";", "!",
          "?", "\n", "''", "``", "1.5", "'99", "'0.42'"]
# Captions as editors type them, and texts that look like them.
TYPED = [*(caption.format(city=city) for caption in CAPTIONS for city in text.CITIES[:4]),
         "Rock 'n' roll at the pier", "The '90s revival reaches the harbour", "He said 'no' -- twice",
         "A 6' 2\" goalkeeper", "Smith - left - and Jones", "The 1990--1995 fleet", "'Tis the season",
         "A 2x2 grid of solar panels", "It's 5 o'clock at the quay", "\"Yes,\" she said, \"it's over.\"",
         "Volunteers (and their dogs) wait... and wait", "The mayor's \"last word\" -- for now"]


def random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12))) for _ in range(count)]


@pytest.mark.skipif(not shutil.which("php") or not FORMATTING.exists(), reason="needs php-cli and Debian's wordpress")
def test_texturize_is_wordpress_own():
    """On thousands of texts made to meet every rule, and on captions as typed."""
    texts = random_texts(4000, seed=11) + TYPED
    completed = subprocess.run(["php", str(WORDPRESS_TEXTURIZE)], input=json.dumps(texts), capture_output=True,
                               text=True, timeout=120, check=True)
    rendered = json.loads(completed.stdout)
    assert len(rendered) == len(texts)
    assert [(typed, wordpress) for typed, wordpress in zip(texts, rendered, strict=True)
            if texturize(typed) != wordpress] == []
    assert sum(typed != wordpress for typed, wordpress in zip(texts, rendered, strict=True)) > len(texts) // 2


def test_captions_as_typed_come_back():
    assert [(typed, untexturize(texturize(typed))) for typed in TYPED if untexturize(texturize(typed)) != typed] == []


def test_whatever_was_typed_the_undone_text_renders_the_same():
    """A text with dashes or quotes typed either way may not come back as typed, but always as a
    text that WordPress renders the same."""
    for typed in random_texts(3000, seed=5):
        rendered = texturize(typed)
        assert texturize(untexturize(rendered)) == rendered, typed


def test_curly_quotes_typed_where_wordpress_would_make_them_come_back_straight():
    """The ambiguity left: a curly apostrophe after a letter reads as WordPress's own; one after a
    space, which WordPress never makes of an apostrophe, is kept."""
    assert untexturize(texturize("the farmers\u2019 union")) == "the farmers' union"
    assert untexturize(texturize("an \u2019apostrophe\u2019 typed")) == "an \u2019apostrophe' typed"


def test_a_text_wordpress_did_not_render_is_left_as_it_is():
    """A site that switched the typography off serves straight quotes: nothing to undo."""
    assert untexturize("It's \"closed\" -- for now") == "It's \"closed\" -- for now"


def test_rest_caption_is_read_as_typed():
    rendered = {"rendered": "<p>A sign reading &#8220;Closed&#8221; at Selwick&#8217;s ferry &#8212; 3&#215;4"
                            "<br />\nmetres</p>\n"}
    assert typed_text(rendered) == "A sign reading \"Closed\" at Selwick's ferry -- 3x4 metres"
