"""The report as one self-contained HTML page: inline CSS and SVG charts, no script, nothing fetched.

Every chart has its numbers next to it in a table, and each table row carries its
figures in ``data-`` attributes (``data-month``, ``data-stories``, ...) for checks.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from archive_crawler.report import charts
from archive_crawler.report.records import months_between

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 1200px; margin: 2em auto; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; } h3 { margin-top: 1.5em; }
.files, .note { color: #555; } .warning { color: #b22; font-weight: 600; }
figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 14px; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.gap td { background: #fbe3e3; } tr.bad td { color: #b22; }
code { font-size: 13px; word-break: break-all; }
"""
NONE = "—"
UNFINISHED = ("pending", "failed", "gone")


def render_page(figures: dict) -> str:
    """The whole page for the figures of ``figures.archive_figures``."""
    title = f"Archive report: {escape(Path(figures['files']['output']).name)}"
    parts = [header(figures), overview(figures), months_section(figures), categories_section(figures),
             fields_section(figures), links_section(figures), runs_section(figures)]
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f"<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n" + "\n".join(parts) + "\n</body>\n</html>\n")


# -- building blocks ------------------------------------------------------------------


def text(value) -> str:
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return escape(str(value))


def code(value) -> str:
    return f"<code>{escape(str(value))}</code>"


def table(headers: list[str], rows: list[tuple[dict, list[str]]], numbers: frozenset[int] = frozenset(),
          row_class=None) -> str:
    """A table of (data attributes, cells) rows; cells at the ``numbers`` positions align right."""
    def cell(tag: str, position: int, content: str) -> str:
        return f'<{tag} class="number">{content}</{tag}>' if position in numbers else f"<{tag}>{content}</{tag}>"

    if not rows:
        return '<p class="note">None.</p>'
    lines = ["<table>", "<tr>" + "".join(cell("th", at, escape(name)) for at, name in enumerate(headers)) + "</tr>"]
    for attributes, cells in rows:
        css = row_class(attributes) if row_class else None
        data = "".join(f' data-{name}="{escape(str(value))}"' for name, value in attributes.items())
        data = f' class="{css}"{data}' if css else data
        lines.append(f"<tr{data}>"
                     + "".join(cell("td", at, content) for at, content in enumerate(cells)) + "</tr>")
    return "\n".join([*lines, "</table>"])


def chart(svg: str | None, empty: str = "") -> str:
    if svg:
        return f"<figure>{svg}</figure>"
    return f'<p class="note">{escape(empty)}</p>' if empty else ""


def section(identifier: str, heading: str, intro: str, *parts: str) -> str:
    return "\n".join([f'<section id="{identifier}">', f"<h2>{heading}</h2>", f"<p>{intro}</p>", *parts, "</section>"])


def duration(seconds: float | None) -> str:
    """Seconds as a person reads them.

    >>> duration(12.34), duration(754), duration(7380)
    ('12.3 s', '12 min 34 s', '2 h 03 min')
    """
    if seconds is None:
        return NONE
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {rest:02d} s"


# -- sections -------------------------------------------------------------------------


def header(figures: dict) -> str:
    files, unreadable = figures["files"], figures["unreadable_lines"]
    lines = [f'<p class="files">Output {code(files["output"])}, rejects {code(files["rejects"])}, '
             f'state {code(files["state"])}; generated {escape(figures["generated"])}</p>']
    if unreadable["output"] or unreadable["rejects"]:
        lines.append(f'<p class="warning">{unreadable["output"]:,} lines of the output and {unreadable["rejects"]:,} '
                     "of the rejects file are no JSON record (torn or damaged): they are left out.</p>")
    return "\n".join(lines)


def overview(figures: dict) -> str:
    span, links, runs, unreadable = figures["span"], figures["links"], figures["runs"], figures["unreadable_lines"]
    walked = [category["complete"] for category in figures["categories"] if category["complete"] is not None]
    last = runs[-1] if runs else None
    facts = [
        ("stories", "stories", text(figures["stories"])),
        ("span", "months spanned", f"{span['first']} to {span['last']} ({span['months']:,} months)" if span else NONE),
        ("gaps", "months without a story", text(len(figures["gaps"]))),
        ("undated", "stories without a usable date", text(figures["undated"])),
        ("unreadable", "unreadable lines: output, rejects", f"{unreadable['output']:,}, {unreadable['rejects']:,}"),
        ("walked", "categories walked to their end", f"{sum(walked)} of {len(walked)}"),
        ("links", "links pending, failed, gone", ", ".join(text(links[status]) for status in UNFINISHED)),
        ("rejects", "pages and records rejected", text(sum(figures["rejects"].values()))),
        ("last-run", "last run", NONE if last is None else
         f"{text(last['started'])}, {text(last['finish_reason'])}, archive complete: {text(last['complete'])}"),
    ]
    rows = [({"figure": key}, [escape(label), value]) for key, label, value in facts]
    return section("overview", "Overview", "Did the harvest get everything? The figures at a glance.",
                   table(["figure", "value"], rows))


def months_section(figures: dict) -> str:
    span, gaps, by_month, split = figures["span"], figures["gaps"], figures["by_month"], figures["by_month_category"]
    if span is None:
        return section("months", "Stories per month", "No story has a usable date.")
    months = months_between(span["first"], span["last"])
    intro = f"{span['months']:,} months from {span['first']} to {span['last']}. " + (
        f"{len(gaps):,} months without a story, shaded red and marked ▲: {escape(', '.join(gaps))}."
        if gaps else "Every month of the span has at least one story.")
    if figures["undated"]:
        intro += f" {figures['undated']:,} stories have no usable date and are not drawn."
    rows = [({"month": month, "stories": by_month.get(month, 0)},
             [month, text(by_month.get(month, 0)),
              escape(", ".join(f"{name} {count:,}" for name, count in split.get(month, {}).items())) or "no story"])
            for month in months]
    return section("months", "Stories per month", intro,
                   chart(charts.months_chart(months, split, gaps, list(figures["by_category"]))),
                   "<details><summary>Stories per month, as a table</summary>",
                   table(["month", "stories", "by category"], rows, numbers=frozenset({1}),
                         row_class=lambda data: None if data["stories"] else "gap"),
                   "</details>")


def categories_section(figures: dict) -> str:
    categories = figures["categories"]
    rows = [({"category": category["name"], "stories": category["stories"],
              "listing-pages": "" if category["listing_pages"] is None else category["listing_pages"],
              "complete": "" if category["complete"] is None else int(category["complete"])},
             [text(category["name"]), text(category["slug"]), text(category["stories"]),
              text(category["listing_pages"]), text(category["complete"])])
            for category in categories]
    return section("categories", "Categories", "Stories written under each category, listing pages read over all "
                   "runs, and whether the walk of its listing reached the last page.",
                   chart(charts.categories_chart(categories), "No category yet."),
                   table(["category", "slug", "stories", "listing pages read", "walked to its end"], rows,
                         numbers=frozenset({2, 3})))


def fields_section(figures: dict) -> str:
    shares, present = figures["fields"], figures["fields_present"]
    rows = [({"field": name, "records": present[name], "share": f"{share:.6f}"},
             [code(name), text(present[name]), f"{share:.1%}"]) for name, share in shares.items()]
    return section("fields", "Field completeness",
                   "Share of records that have each field (not null, not an empty string, not an empty list).",
                   chart(charts.bar_chart(shares, xlabel="share of records", share=True), "No record yet."),
                   table(["field", "records with it", "share"], rows, numbers=frozenset({1, 2})))


def links_section(figures: dict) -> str:
    links, rejects = figures["links"], figures["rejects"]
    recent = [({"url": line["url"]}, [code(line["url"]), text(line["reason"]), text(line["status"]),
                                      text(line["kind"]), text(line["time"])]) for line in figures["recent_rejects"]]
    worst = [({"url": link["url"]}, [code(link["url"]), text(link["status"]), text(link["attempts"]),
                                     text(link["updated_at"])]) for link in figures["worst_links"]]
    return section(
        "links", "Links and rejects", "Article links met in the listings that are not done: pending (never fetched), "
        "failed (tried again by the next run), gone (404 or 410); and the pages and records rejected.",
        chart(charts.bar_chart({status: links[status] for status in UNFINISHED}, xlabel="links")),
        table(["status", "links"], [({"link-status": status, "links": count}, [escape(status), text(count)])
                                    for status, count in links.items()], numbers=frozenset({1})),
        "<h3>Rejects by reason</h3>",
        chart(charts.bar_chart(rejects, xlabel="rejects"), "Nothing was rejected."),
        table(["reason", "rejects"], [({"reason": reason, "rejects": count}, [code(reason), text(count)])
                                      for reason, count in rejects.items()], numbers=frozenset({1})),
        "<h3>Most recently rejected URLs</h3>",
        table(["URL", "reason", "status", "kind", "time"], recent),
        "<h3>Failed and gone links tried most often</h3>",
        table(["URL", "status", "attempts", "last tried"], worst, numbers=frozenset({2})))


def runs_section(figures: dict) -> str:
    runs = figures["runs"]
    rows = [({"run": run["id"], "stories": run["stories_written"], "pages": run["pages_fetched"],
              "finish-reason": run["finish_reason"]},
             [text(run["id"]), text(run["started"]), duration(run["seconds"]), text(run["stories_written"]),
              text(run["pages_fetched"]), text(run["listing_pages"]), text(run["rejects"]),
              text(run["finish_reason"]), text(run["complete"]), text(run["site"])]) for run in reversed(runs)]
    return section("runs", "Run history", "Every crawl on this state (replays aside), newest first in the table.",
                   chart(charts.runs_chart(runs), "No run recorded (a state written before runs were recorded)."),
                   table(["run", "started", "duration", "new stories", "pages fetched", "listing pages", "rejects",
                          "how it ended", "archive complete", "site"], rows, numbers=frozenset({0, 3, 4, 5, 6}),
                         row_class=lambda data: None if data["finish-reason"] == "finished" else "bad"))
