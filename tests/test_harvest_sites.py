"""The sites file of ``scrapy harvest``: what it takes, and every entry it refuses in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archive_crawler.harvest.mounts import journal_mode
from archive_crawler.harvest.sites import SitesFileError, read_sites_file
from tests.crawl import PROJECT_ROOT, environment

BASE = 'base_url = "http://127.0.0.2:8080"'


def sites_file(folder: Path, text: str) -> Path:
    path = folder / "news.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_sites_merge_into_spider_arguments_and_settings(tmp_path):
    (tmp_path / "profiles").mkdir()
    profile = tmp_path / "profiles" / "mine.toml"
    profile.write_text('extends = "wordpress"\n', encoding="utf-8")
    (tmp_path / "urls.txt").write_text("http://127.0.0.4/a/story\n", encoding="utf-8")
    path = sites_file(tmp_path, f"""
[defaults]
since = 2016-01-01
full = true
settings = {{ DOWNLOAD_DELAY = 2, ROBOTSTXT_OBEY = false, CLOSESPIDER_ITEMCOUNT = 10 }}

[[site]]
name = "first"
profile = "aawsat"
{BASE}
settings = {{ DOWNLOAD_DELAY = 0.5, DEFAULT_REQUEST_HEADERS = {{ Accept-Language = "ar" }} }}

[[site]]
name = "Second.site"
profile = "profiles/mine.toml"
urls = "urls.txt"
until = 2017-12-31
full = false

[[site]]
name = "from-archive"
profile = "wordpress"
base_url = "https://news.example.org"
wayback = "https://web.archive.org/web"
capture = 2020-05-01
""")
    first, second, archived = read_sites_file(path, "aawsat").sites
    assert first.arguments == {"since": "2016-01-01", "full": "1", "base_url": "http://127.0.0.2:8080",
                               "site": "aawsat"}
    assert first.settings == {"DOWNLOAD_DELAY": "0.5", "ROBOTSTXT_OBEY": "False", "CLOSESPIDER_ITEMCOUNT": "10",
                              "DEFAULT_REQUEST_HEADERS": '{"Accept-Language": "ar"}'}
    assert first.hosts == ("127.0.0.2",)
    assert second.arguments["site"] == str(profile.resolve())
    assert second.arguments["urls"] == str((tmp_path / "urls.txt").resolve())
    assert (second.arguments["until"], second.arguments["full"]) == ("2017-12-31", "0")
    assert second.hosts == ("127.0.0.4",)
    assert archived.hosts == ("web.archive.org",)  # a harvest from an archive asks the archive alone
    assert archived.arguments["capture"] == "2020-05-01"


def test_a_site_without_a_profile_takes_the_projects(tmp_path):
    path = sites_file(tmp_path, f'[[site]]\nname = "one"\n{BASE}\n')
    assert read_sites_file(path, "aawsat").sites[0].arguments["site"] == "aawsat"


REFUSED = [
    # (sites file, the site named, the key named, words of the message)
    ('[[site]]\nname = "a"\nsinse = 2016-01-01\n' + BASE, "site 'a'", "sinse", "did you mean 'since'"),
    ('[[site]]\nname = "a"\nsite = "aawsat"\n' + BASE, "site 'a'", "site", "'profile'"),
    ('[[site]]\nname = "a"\nreplay = true\n' + BASE, "site 'a'", "replay", "scrapy reparse"),
    ('[[site]]\nname = "a"\nprofile = "nosuch"\n' + BASE, "site 'a'", "profile", "neither a bundled profile"),
    ('[[site]]\nname = "a"\nprofile = "missing/mine.toml"\n' + BASE, "site 'a'", "profile", "no such file"),
    ('[[site]]\nname = "a"\nbase_url = "ftp://example.org"', "site 'a'", "base_url", "http(s) URL"),
    ('[[site]]\nname = "a"\nprofile = "wordpress"', "site 'a'", "base_url", "no base_url of its own"),
    ('[[site]]\nname = "a"\nsince = "yesterday"\n' + BASE, "site 'a'", "since", "yesterday"),
    ('[[site]]\nname = "a"\nsince = 2017-01-01\nuntil = 2016-01-01\n' + BASE, "site 'a'", "until", "later than"),
    ('[[site]]\nname = "a"\nsince = 2016-01-01T10:00:00\n' + BASE, "site 'a'", "since", "without a time"),
    ('[[site]]\nname = "a"\nfull = "maybe"\n' + BASE, "site 'a'", "full", "1 or 0"),
    ('[[site]]\nname = "a"\ncapture = "soon"\n' + BASE, "site 'a'", "capture", "latest, earliest"),
    ('[[site]]\nname = "a"\nwayback = "https://w.example/web"\nfallback = "https://w.example/web"\n' + BASE,
     "site 'a'", "fallback", "exclude each other"),
    ('[[site]]\nname = "a"\nurls = "nothere.txt"\n' + BASE, "site 'a'", "urls", "readable file"),
    ('[[site]]\nname = "a"\nsince = [1, 2]\n' + BASE, "site 'a'", "since", "must be text"),
    ('[[site]]\nname = "a"\nsettings = { ARCHIVE_OUTPUT = "x.jsonl" }\n' + BASE, "site 'a'",
     "settings.ARCHIVE_OUTPUT", "harvest folder decides"),
    ('[[site]]\nname = "a"\nsettings = { LOG_FILE = "x.log" }\n' + BASE, "site 'a'", "settings.LOG_FILE",
     "harvest folder decides"),
    ('[[site]]\nname = "a"\n' + BASE + '\n[defaults]\nsettings = { HTTPCACHE_DIR = "c" }', "[defaults]",
     "settings.HTTPCACHE_DIR", "harvest folder decides"),
    ('[defaults]\nsettings = { ARCHIVE_STATE = "s" }\n[[site]]\nname = "a"\n' + BASE, "[defaults]",
     "settings.ARCHIVE_STATE", "harvest folder decides"),
    ('[[site]]\nname = "a"\nsettings = { DOWNLOAD_DELAYY = 1 }\n' + BASE, "site 'a'", "settings.DOWNLOAD_DELAYY",
     "did you mean 'DOWNLOAD_DELAY'"),
    ('[[site]]\nname = "a"\nsettings = { download_delay = 1 }\n' + BASE, "site 'a'", "settings.download_delay",
     "upper case"),
    ('[[site]]\nname = "a"\nsettings = 3\n' + BASE, "site 'a'", "settings", "must be a table"),
    ('[[site]]\n' + BASE, "site #1", "name", "needs a name"),
    ('[[site]]\nname = "-a"\n' + BASE, "site '-a'", "name", "no site name"),
    ('[[site]]\nname = "a/b"\n' + BASE, "site 'a/b'", "name", "no site name"),
    ('[[site]]\nname = "' + "x" * 65 + '"\n' + BASE, "site 'xxx", "name", "no site name"),
    ('[[site]]\nname = "Harvest"\n' + BASE, "site 'Harvest'", "name", "reserved"),
    ('[[site]]\nname = "news"\n' + BASE + '\n[[site]]\nname = "NEWS"\n' + BASE, "site 'NEWS'", "name",
     "another site is named 'news'"),
    ('[[site]]\nname = "news"\n' + BASE + '\n[[site]]\nname = "news.rejects"\n' + BASE, "site 'news.rejects'",
     "name", "news.rejects.jsonl"),
    ('[defaults]\nname = "x"\n[[site]]\nname = "a"\n' + BASE, "[defaults]", "name", "own [[site]] table"),
    ('[defaults]\nbase_ulr = "http://x.example"\n[[site]]\nname = "a"\n' + BASE, "[defaults]", "base_ulr",
     "did you mean 'base_url'"),
    ('[[sites]]\nname = "a"\n' + BASE, "top level", "sites", "did you mean 'site'"),
    ('[site]\nname = "a"\n' + BASE, "top level", "site", "[[site]]"),
    ('[defaults]\nsince = 2016-01-01\n', "top level", "site", "no site"),
]


@pytest.mark.parametrize(("text", "where", "key", "words"), REFUSED, ids=[f"{key}-{words}" for _, _, key, words
                                                                            in REFUSED])
def test_each_bad_entry_is_refused_in_one_line_naming_file_site_and_key(tmp_path, text, where, key, words):
    path = sites_file(tmp_path, text)
    with pytest.raises(SitesFileError) as refused:
        read_sites_file(path, "aawsat")
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {where}")
    assert f"key {key!r}" in message
    assert words in message


@pytest.mark.parametrize("text", ["[[site]\nname = 1", "\xff\xfe"], ids=["not TOML", "not UTF-8"])
def test_a_file_that_is_no_toml_is_refused(tmp_path, text):
    path = tmp_path / "news.toml"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(SitesFileError, match=r"news\.toml: not"):
        read_sites_file(path, "aawsat")


def test_the_command_refuses_a_bad_sites_file_with_exit_2_before_anything_starts(tmp_path):
    path = sites_file(tmp_path, f'[[site]]\nname = "ok"\n{BASE}\n\n[[site]]\nname = "bad"\nsinse = 2016-01-01\n'
                                f"{BASE}\n")
    folder = tmp_path / "harvest"
    for arguments in ([str(path)], [str(tmp_path / "missing.toml")]):
        answer = subprocess.run([sys.executable, "-m", "scrapy", "harvest", *arguments, "--folder", str(folder)],
                                cwd=PROJECT_ROOT, env=environment(), capture_output=True, text=True, timeout=60)
        assert answer.returncode == 2, answer.stderr
        assert len(answer.stderr.strip().splitlines()) == 1, answer.stderr
        assert not folder.exists()  # nothing started
    first = subprocess.run([sys.executable, "-m", "scrapy", "harvest", str(path), "--folder", str(folder)],
                           cwd=PROJECT_ROOT, env=environment(), capture_output=True, text=True, timeout=60)
    line = first.stderr.strip()
    assert line.startswith(f"Error: {path}: site 'bad', key 'sinse': unknown key (did you mean 'since'?)"), line


def test_a_state_on_a_network_filesystem_uses_the_rollback_journal(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nnas:/export {tmp_path}/shared nfs4 rw 0 0\n"
                      f"//nas/share {tmp_path}/smb\\040share cifs rw 0 0\n", encoding="utf-8")
    assert journal_mode(tmp_path / "shared" / "harvest", mounts) == "delete"
    assert journal_mode(tmp_path / "smb share", mounts) == "delete"
    assert journal_mode(tmp_path / "local", mounts) == "wal"
    assert journal_mode(tmp_path, tmp_path / "no-such-file") == "wal"
