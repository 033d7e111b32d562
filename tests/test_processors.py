import pytest

from archive_crawler.reading.processors import (
    clean_text,
    comparison_key,
    count_words,
    drop_site_name,
    find_date,
    names_from_author_slug,
    parse_dateline,
    parse_published,
    parse_story_id,
    split_byline,
    split_caption_credit,
    strip_caption_label,
    strip_site_suffix,
    strip_story_id,
)
from archive_crawler.sites.profile import load_profile

# The site facts these processors apply come from the first site's profile.
AAWSAT = load_profile("aawsat").text


def parse_media_id(text):
    return parse_story_id(text, AAWSAT.story_id)


def strip_media_id(text):
    return strip_story_id(text, AAWSAT.story_id)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("the &#34road map&#34 plan", 'the "road map" plan'),
        ("the &#34;road map&#34; plan", 'the "road map" plan'),
        ("AT&amp;T deal", "AT&T deal"),
        ("AT&T deal", "AT&T deal"),
        ("a\u00a0b\u202fc", "a b c"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("  many   spaces\n\tand lines  ", "many spaces and lines"),
        ("Iraq\u201ds \u201cquoted\u201d \u2013 dash", "Iraq\u201ds \u201cquoted\u201d \u2013 dash"),
        ("&#8220;curly&#8221;", "\u201ccurly\u201d"),
        ("   ", None),
        (None, None),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Talks Stall | ASHARQ AL-AWSAT English Archive 2005 -2017", "Talks Stall"),
        ("Talks Stall - ASHARQ AL-AWSAT English Archive 2005 -2017", "Talks Stall"),
        ("Talks Stall - ASHARQ AL-AWSAT English Archive", "Talks Stall"),
        ("Talks Stall \u2013 Asharq Al-Awsat English Archive 2005-2017", "Talks Stall"),
        ("Gulf - Iran Talks Stall", "Gulf - Iran Talks Stall"),
        ("Talks Stall", "Talks Stall"),
    ],
)
def test_strip_site_suffix(raw, expected):
    assert strip_site_suffix(raw, {"title_suffixes": AAWSAT.title_suffixes}) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Media ID: 55357847", 55357847),
        ("Media ID:55283781 ", 55283781),
        ("media id 55385310", 55385310),
        ("Some text. Media ID: 55300001 More", 55300001),
        ("No identifier here", None),
        ("", None),
    ],
)
def test_parse_media_id(raw, expected):
    assert parse_media_id(raw) == expected


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("by Mina Haddad | Mar 1, 2007 | Middle East", "Mar 1, 2007"),
        ("by A | September 12, 2016 | Opinion", "September 12, 2016"),
        ("Posted 3 March 2011 in Features", "3 March 2011"),
        ("by A | Opinion", None),
        (None, None),
    ],
)
def test_find_date(text, date):
    assert find_date(text) == date


def test_strip_media_id():
    assert strip_media_id("Media ID: 55357847") == ""
    assert strip_media_id("Media ID: 55357847 Cairo- text") == "Cairo- text"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jun 27, 2014", "2014-06-27"),
        ("June 27, 2014", "2014-06-27"),
        ("Sept 3, 2009", "2009-09-03"),
        ("September 1, 2016", "2016-09-01"),
        ("Jun 27, 2014 10:15 am", "2014-06-27"),
        ("June 27, 2014 at 22:05", "2014-06-27"),
        ("Sept. 3, 2009", "2009-09-03"),
        ("3 March 2011", "2011-03-03"),
        ("2014-06-27", "2014-06-27"),
        ("2014-06-27T10:15:00+00:00", "2014-06-27T10:15:00+00:00"),
        ("2014-06-27T10:15:00+03:00", "2014-06-27T10:15:00+03:00"),
        ("2014-06-27T10:15:00Z", "2014-06-27T10:15:00+00:00"),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_published(raw, expected):
    assert parse_published(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nayef Al-Rasheed and Caroline Akoum", ["Nayef Al-Rasheed", "Caroline Akoum"]),
        ("by Caroline Akoum", ["Caroline Akoum"]),
        ("A, B and C", ["A", "B", "C"]),
        ("Alexander Sandro", ["Alexander Sandro"]),
        ("", []),
        # job titles and agency taglines are no names; a byline that is only a role is kept as printed
        ("TOM KRISHER, AP Auto Writer", ["TOM KRISHER"]),
        ("By TOM KRISHER AP Auto Writer", ["TOM KRISHER"]),
        ("Lucy Okafor Senior Staff Writer", ["Lucy Okafor"]),
        ("Staff Reporter", ["Staff Reporter"]),
        ("By Staff Reporter and Mara Quist", ["Mara Quist"]),
        # "By", "and", dates, addresses and degrees are never names
        ("By", []),
        ("Von Anna Berger und Jonas Weiß am 12.03.2021", ["Anna Berger", "Jonas Weiß"]),
        ("Max Muster, 12.03.2021 14:05", ["Max Muster"]),
        ("https://www.facebook.com/someone", []),
        ("sarah-indra", []),
        ("Jean-Luc Picard", ["Jean-Luc Picard"]),
        ("Michael L. Anderson, PhD; Carlos Dobkin, PhD", ["Michael L. Anderson", "Carlos Dobkin"]),
        ("Zeige alle Beiträge von Petra Ruland", ["Petra Ruland"]),
        ("Autor: Jonas Weiß", ["Jonas Weiß"]),
        ("Par Claire Dubois", ["Claire Dubois"]),
        ("supplementing medical decisions with AI and better diagnoses for patients in the region", []),
    ],
)
def test_split_byline(raw, expected):
    assert split_byline(raw) == expected


@pytest.mark.parametrize(
    ("name", "site_names", "url", "kept"),
    [
        ("The Valley Echo", ["The Valley Echo"], "https://echo.test/a", False),
        ("jungefreiheit.de", [], "https://jungefreiheit.de/a", False),
        ("Motorsport-Total.com", [], "https://www.motorsport-total.com/a", False),
        ("Mara Quist", ["The Valley Echo"], "https://echo.test/a", True),
    ],
)
def test_drop_site_name(name, site_names, url, kept):
    from scrapy.http import HtmlResponse

    context = {"site_names": site_names, "response": HtmlResponse(url=url, body=b"")}
    assert (drop_site_name(name, context) == name) is kept


@pytest.mark.parametrize(
    ("raw", "caption", "credit"),
    [
        ("Children play in Aleppo (AFP Photo)", "Children play in Aleppo", "AFP"),
        ("Children play in Aleppo. (AFP)", "Children play in Aleppo.", "AFP"),
        ("A protest in Cairo (Reuters/Amr Dalsh)", "A protest in Cairo", "Reuters"),
        ("A protest in Cairo, REUTERS/Amr Dalsh", "A protest in Cairo", "Reuters"),
        ("Troops in Mosul (EPA)", "Troops in Mosul", "EPA"),
        ("The king in Riyadh (SPA)", "The king in Riyadh", "SPA"),
        ("Rescuers at work (AP Photo/Hussein Malla)", "Rescuers at work", "AP"),
        ("Rescuers at work (R)", "Rescuers at work", "Reuters"),
        ("Leaders meet at the summit in Hangzhou. Reuters", "Leaders meet at the summit in Hangzhou.", "Reuters"),
        ("Leaders meet at the \u201csummit\u201d. Reuters", "Leaders meet at the \u201csummit\u201d.", "Reuters"),
        ("Fans celebrate after the match. REUTERS/Fadi Karam", "Fans celebrate after the match.", "Reuters"),
        ("A vendor at a market in Manama AFP PHOTO", "A vendor at a market in Manama", "AFP"),
        ("Residents in Jeddah, AFP PHOTO / SAMER RIFAI", "Residents in Jeddah", "AFP"),
        ("Crowds at the stadium (AFP/Getty Images)", "Crowds at the stadium", "AFP"),
        ("Smoke over the city (Reuters)", "Smoke over the city", "Reuters"),
        ("Ministers meet (Photo: AFP)", "Ministers meet", "AFP"),
        ("A quiet street in Tunis", "A quiet street in Tunis", None),
        ("Reuters reporters at a press conference", "Reuters reporters at a press conference", None),
        (None, None, None),
    ],
)
def test_split_caption_credit(raw, caption, credit):
    assert split_caption_credit(raw, AAWSAT.credit_rules) == (caption, credit)


@pytest.mark.parametrize(
    ("slug", "names"),
    [
        ("caroline-akoum", ["Caroline Akoum"]),
        ("nayef-alrasheed-and-caroline-akkoum", ["Nayef Alrasheed", "Caroline Akkoum"]),
        ("", []),
        (None, []),
    ],
)
def test_names_from_author_slug(slug, names):
    assert names_from_author_slug(slug) == names


def test_strip_caption_label():
    assert strip_caption_label("Caption: Boats in the harbour") == "Boats in the harbour"
    assert strip_caption_label("Caption:") is None
    assert strip_caption_label("Captions differ") == "Captions differ"


@pytest.mark.parametrize(
    ("lead", "dateline", "source"),
    [
        ("Cairo, Asharq Al-Awsat- The talks resumed", "Cairo", "Asharq Al-Awsat"),
        ("Cairo, Asharq Al-awsat- The talks resumed", "Cairo", "Asharq Al-Awsat"),
        ("Cairo, Asharq Al-Awqsat- The talks resumed", "Cairo", "Asharq Al-Awsat"),
        ("Cairo, asharq al-awsat- The talks resumed", "Cairo", "Asharq Al-Awsat"),
        ("London, Asharq Al-Awsat\u2014The minister said", "London", "Asharq Al-Awsat"),
        ("Khobar- The port reopened", "Khobar", None),
        ("Mosul \u2013 Troops advanced", "Mosul", None),
        ("CAIRO, (Reuters) \u2013 Talks resumed", "CAIRO", "Reuters"),
        ("JEDDAH, Saudi Arabia (AFP) \u2013 Pilgrims arrived", "JEDDAH, Saudi Arabia", "AFP"),
        ("Cairo, AP\u2014Protesters gathered", "Cairo", "AP"),
        ("Washington- U.S. officials said", "Washington", None),
        ("Al-Qaeda-linked militants attacked a convoy", None, None),
        ("The government said on Monday that", None, None),
        ("Q: How do you see the talks?", None, None),
        (None, None, None),
    ],
)
def test_parse_dateline(lead, dateline, source):
    assert parse_dateline(lead, AAWSAT.dateline_rules) == (dateline, source)


def test_comparison_key_ignores_quotes_spacing_and_label():
    assert comparison_key('Caption: The "summit"  opens') == comparison_key("The \u201csummit\u201d opens")
    assert comparison_key("One caption") != comparison_key("Another caption")


def test_count_words():
    assert count_words("one two\n\nthree") == 3
    assert count_words("") == 0


def test_the_records_fields_declare_no_processors_so_the_loaders_are_the_only_ones():
    from dataclasses import fields

    from archive_crawler.items import ArticleItem
    from archive_crawler.reading.loaders import ArticleLoader

    assert [field.name for field in fields(ArticleItem) if field.metadata] == []
    loader = ArticleLoader()
    loader.add_value("title", "  Talks   resume ")
    loader.add_value("tags", ["Oil", "Oil", "Gas"])
    assert loader.load_item().title == "Talks resume" and loader.load_item().tags == ["Oil", "Gas"]
