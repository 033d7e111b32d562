"""Invented news prose from templates: names, headlines, paragraphs and photo captions.

Every function draws from the ``random.Random`` it is given, so one seed gives one text.
The strings are the clean text a reader sees (curly quotes as characters); markup and
entities are added when pages are drawn. Photo captions are the exception: they are as an editor
types them in WordPress's caption field, straight quotes and all (WordPress curls them where it
renders them through its filters, while themes print the featured image's caption as typed).
"""
from __future__ import annotations

import re

FIRST_NAMES = ["Amira", "Tobias", "Helen", "Kwame", "Sofia", "Dmitri", "Grace", "Rafael", "Ingrid", "Omar",
               "Lucy", "Arjun", "Maeve", "Jonas", "Priya", "Felix", "Nadia", "Callum", "Yuki", "Bea"]
LAST_NAMES = ["Okafor", "Lindqvist", "Marchetti", "Hale", "Brennan", "Asante", "Novak", "Delacroix", "Ferris",
              "Iqbal", "Moreau", "Whitcombe", "Tanaka", "Ruiz", "Kowalczyk", "Ashdown", "Osei", "Varga"]
CITIES = ["Carrow", "Eastmere", "Lindhaven", "Port Aldous", "Brackley", "Northgate", "Selwick", "Dunmore",
          "Ravensford", "Halberg", "Westcombe", "Marlow Cross"]
ORGS = ["the transport authority", "the regional council", "the health board", "the central bank",
        "the farmers\u2019 union", "the port authority", "the teachers\u2019 federation",
        "the energy regulator"]
COMPANIES = ["Marsh & Finch", "Calder Freight", "Northwind Energy", "Belltower Foods", "Quarry Lane Media",
             "Hobb & Sons"]
TOPICS = ["bus fares", "water charges", "school budgets", "the port expansion", "housing permits",
          "grain exports", "flood defences", "the broadband rollout", "hospital waiting lists", "wind farms",
          "night trains", "river pollution"]
JOBS = ["nurse", "shopkeeper", "retired engineer", "bus driver", "teacher", "fisherman", "student", "baker"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DATELINE_PLACES = ["LONDON", "PARIS", "NAIROBI", "TOKYO", "CAIRO", "OTTAWA", "LIMA", "OSLO"]
WIRES = ["Reuters", "AFP", "AP"]

HEADLINES = [
    "{Company} agrees deal on {topic} after {num} hours of talks",
    "{city}\u2019s plan for {topic} faces fresh delay",
    "Why the row over {topic} won\u2019t go away",
    "\u201cWe are not finished\u201d: {surname} defends {topic} plan",
    "{Company} shares slide as {topic} costs bite",
    "Court halts {topic} rules in {city}",
    "Councillors back {topic} overhaul in late vote",
    "Storm damage puts {topic} in {city} on hold",
    "{Org} admits mistakes over {topic}",
    "Residents in {city} win review of {topic}",
    "What the {topic} decision means for {city}",
    "{surname} quits {org_short} post over {topic}",
]
SENTENCES = [
    "{Org} said on {weekday} it would review {topic} before the end of {month}.",
    "Officials in {city} expect the change to affect about {num},000 households.",
    "\u201cWe have listened, and we will keep listening,\u201d said {person}, who chairs the committee.",
    "Critics argue the plan does little for people who live far from the centre of {city}.",
    "The proposal still needs the approval of {org}, which meets again in {month}.",
    "{Company} declined to comment, citing talks that are still under way.",
    "Last year a similar measure was rejected by {small} votes.",
    "{surname} said the figures were \u201cencouraging but not yet enough\u201d.",
    "Residents of {city} have complained for years about {topic}.",
    "Analysts at {Company} put the cost at roughly {money}.",
    "The total rose {pct} percent from a year earlier, the fastest pace in a decade.",
    "A spokesperson for {org} said the timetable had not changed.",
    "Opposition members called the decision rushed and promised to challenge it.",
    "It was not immediately clear how the measure would be paid for.",
    "Some shop owners in {city} welcomed the move; others said it came too late.",
    "The argument over {topic} has split the council along unusual lines.",
    "{person}, a {job} from {city}, said the wait for an answer had lasted {small} months.",
    "Independent experts said the risk was low but should be watched closely.",
    "Talks are due to resume next {weekday} in {city}.",
    "The ministry\u2019s own review, published in {month}, reached much the same conclusion.",
    "\u201cNobody asked the people who actually use it,\u201d one {job} told reporters.",
    "Figures released on {weekday} showed {num} complaints in the first quarter alone.",
    "The scheme was first proposed {small} years ago and has been redrawn twice since.",
    "{Org} has set aside {money} for the first phase.",
    "Engineers will spend the summer surveying the worst-affected streets.",
    "A petition against the change has gathered more than {num},000 signatures.",
    "{surname} told a packed public meeting that the old system was \u201cno longer fit for purpose\u201d.",
    "Neighbouring towns are watching closely, and at least {small} have asked for briefings.",
    "The decision follows a consultation that drew a record number of replies.",
    "Union representatives said staff had not been consulted.",
    "Costs have risen sharply since the plan was first drawn up, the report found.",
    "Local businesses say they need more notice before any work begins.",
    "A final vote is expected before the winter recess.",
    "{Company} said it remained committed to the project despite the delays.",
    "Several councillors abstained, saying they had not seen the full figures.",
    "The auditor\u2019s report, due in {month}, could still change the picture.",
]
CAPTIONS = ["Commuters wait for a delayed train at {city} station",
            "Workers repair a flood barrier near {city}", "Members of {org} arrive for talks in {city}",
            "Boats moored in the harbour at {city} at dusk", "Farmers inspect a damaged field outside {city}",
            "Protesters gather in the main square of {city}",
            "A crane lifts steel beams at a building site in {city}"]
# How the photo credit is written after the caption, and the credit a crawler should report.
CREDITS = [("(AFP)", "AFP"), ("Reuters/{person}", "Reuters"), ("Photo: AP", "AP"), ("(EPA)", "EPA")]


def person(rng) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def people(rng, count: int) -> list[str]:
    """``count`` different people, no first or last name twice."""
    names = zip(rng.sample(FIRST_NAMES, count), rng.sample(LAST_NAMES, count), strict=False)
    return [f"{first} {last}" for first, last in names]


def fill(rng, template: str, topic: str | None = None) -> str:
    """One template filled with fresh picks (``topic`` keeps a story on one subject)."""
    name, org = person(rng), rng.choice(ORGS)
    text = template.format(
        Org=org[0].upper() + org[1:], org=org, org_short=org.removeprefix("the "),
        topic=topic or rng.choice(TOPICS),
        city=rng.choice(CITIES), Company=rng.choice(COMPANIES), person=name, surname=name.split()[-1],
        job=rng.choice(JOBS), weekday=rng.choice(WEEKDAYS), month=rng.choice(MONTHS), num=rng.randint(3, 60),
        small=rng.randint(2, 9), pct=f"{rng.randint(1, 19)}.{rng.randint(1, 9)}",
        money=f"${rng.randint(2, 90)} million")
    return text[0].upper() + text[1:]


def headline(rng, topic: str) -> str:
    return fill(rng, rng.choice(HEADLINES), topic)


def paragraphs(rng, count: int, topic: str, lead: str = "") -> list[str]:
    """``count`` paragraphs of two to four sentences; ``lead`` opens the first (a dateline)."""
    deck: list[str] = []
    result = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            deck = deck or rng.sample(SENTENCES, len(SENTENCES))  # no template twice before all are used
            sentences.append(fill(rng, deck.pop(), topic))
        result.append(" ".join(sentences))
    if lead:
        result[0] = lead + result[0]
    return result


# Typographic quotes as an editor types them.
STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def caption(rng) -> tuple[str, str, str]:
    """(caption without credit, credit as written after it, credit's name), as typed."""
    written, name = rng.choice(CREDITS)
    return (fill(rng, rng.choice(CAPTIONS)).translate(STRAIGHT) + ".", written.format(person=person(rng)).translate(STRAIGHT),
            name)


def slugify(text: str) -> str:
    """WordPress-like slug: apostrophes dropped, anything else not alphanumeric becomes a dash."""
    text = re.sub(r"[\u2019'\u201c\u201d&]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
