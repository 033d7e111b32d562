"""A harvest of a real WordPress theme's posts with ``-a site=generic -a urls=FILE``: the template
learnt across its pages gives every post's text as WordPress holds it, which reading each page alone
does not (the same pages re-read from the harvest's page cache with learning switched off)."""
from __future__ import annotations

import os

import pytest

from tests.crawl import run_crawl, run_reparse
from tests.realwp.lab import Lab
from tests.realwp.truth import expected_records
from tests.realwp.wordpress import Instance, missing_software
from tests.test_template_crawl import body_f1

pytestmark = [pytest.mark.slow, pytest.mark.realwp]
THEME = Instance("template-21", theme="twentytwentyone", door="sitemaps", posts=16, seed=21)


@pytest.fixture(scope="module")
def harvest(tmp_path_factory):
    if missing := missing_software():
        message = f"a real WordPress needs {', '.join(missing)} (Debian packages; see .ci/run)"
        if os.environ.get("ARCHIVE_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("template-realwp")
    plain = folder / "plain.toml"
    plain.write_text('extends = "generic"\n[template]\nlearn = false\n')
    with Lab((THEME,), folder / "sites") as lab:
        site = lab.sites[THEME.name]
        site.start()
        expected = expected_records(site.truth, THEME.door)
        urls = folder / "urls.txt"
        urls.write_text("\n".join(record["url"] for record in expected) + "\n")
        learnt = run_crawl("http://unused.test", folder / "crawl", spider_args={"site": "generic", "urls": str(urls)})
    alone = run_reparse("http://unused.test", folder / "crawl", "--output", str(folder / "alone.jsonl"),
                        spider_args={"site": str(plain), "urls": str(urls)})
    return learnt, alone, {record["url"]: record["body"] for record in expected}


def test_the_learnt_template_gives_every_post_as_wordpress_holds_it(harvest):
    learnt, alone, truth = harvest
    assert learnt.returncode == 0 and alone.returncode == 0, learnt.log[-3000:] + alone.log[-3000:]
    assert len(truth) == THEME.posts and learnt.stats["archive/template/learnt"] == 1
    assert {record["url"]: record["body"] for record in learnt.records()} == truth
    assert body_f1(learnt.records(), truth) == 1.0
    assert sorted(record["url"] for record in alone.records()) == sorted(truth)
    assert body_f1(alone.records(), truth) < 1.0
