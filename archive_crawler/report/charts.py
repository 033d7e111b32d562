"""The report's charts: matplotlib figures (Agg backend, no pyplot) saved as inline SVG.

Text stays text in the SVG (``svg.fonttype: none``): the page is smaller and its words
can be searched and copied. Each function returns the ``<svg>`` element, or None when
there is nothing to draw.
"""

from __future__ import annotations

import io
import math
from typing import Any, cast

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter
from matplotlib.typing import RcKeyType

STYLE: dict[RcKeyType, Any] = {"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False,
                               "axes.spines.right": False}
BAR_COLOR = "#4878a8"
GAP_COLOR = "#d62728"
STOPPED_COLOR = "#e08a1e"
WALK_COLORS = {True: ("walked to its end", "#4c9a2a"), False: ("not walked to its end", "#e08a1e"),
               None: ("not in the state", "#9a9a9a")}
MONTH_CATEGORIES = 10  # categories drawn on their own in the monthly chart; the rest are OTHER
OTHER = "other categories"


def new_figure(width: float, height: float) -> Figure:
    """A figure on an Agg canvas of its own: pyplot and its GUI backends are never involved."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=dict.fromkeys(("Creator", "Date", "Format", "Type")))
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def category_colors(categories: list[str]) -> dict[str, str]:
    """A steady color per category (in the order given), shared by every chart."""
    colormap = matplotlib.colormaps["tab20"]
    assert isinstance(colormap, ListedColormap)  # a qualitative map: a list of 20 colors
    palette = cast("tuple[tuple[float, float, float], ...]", colormap.colors)  # RGB tuples; typed as any array
    return {category: matplotlib.colors.to_hex(palette[index % len(palette)])
            for index, category in enumerate(categories)}


def month_runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive indexes as (first, last) runs: [1, 2, 3, 7] -> [(1, 3), (7, 7)].

    >>> month_runs([1, 2, 3, 7])
    [(1, 3), (7, 7)]
    """
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def months_chart(months: list[str], by_month_category: dict[str, dict[str, int]], gaps: list[str],
                 categories: list[str]) -> str | None:
    """Stories per month across the span, stacked by category; months with no story shaded."""
    if not months:
        return None
    drawn = set(categories[:MONTH_CATEGORIES])
    stacks = [*categories[:MONTH_CATEGORIES], *([OTHER] if len(categories) > len(drawn) else [])]
    colors = {**category_colors(categories), OTHER: "#bbbbbb"}
    heights = {stack: [0] * len(months) for stack in stacks}
    for index, month in enumerate(months):
        for category, count in by_month_category.get(month, {}).items():
            heights[category if category in drawn else OTHER][index] += count
    with matplotlib.rc_context(STYLE):
        figure = new_figure(min(18.0, max(8.0, 4 + 0.07 * len(months))), 4.2)
        axes = figure.add_subplot()
        bottoms = [0] * len(months)
        for stack in stacks:  # one collection of rectangles per stack: thousands of bar patches draw slowly
            axes.add_collection(PolyCollection(
                [bar_corners(index, bottoms[index], height) for index, height in enumerate(heights[stack]) if height],
                facecolors=colors[stack], linewidths=0, label=stack))
            bottoms = [bottom + height for bottom, height in zip(bottoms, heights[stack], strict=True)]
        axes.set_ylim(0, max(bottoms) * 1.05)
        index_of = {month: index for index, month in enumerate(months)}
        gap_indexes = [index_of[month] for month in gaps]
        for first, last in month_runs(gap_indexes):
            axes.axvspan(first - 0.5, last + 0.5, color=GAP_COLOR, alpha=0.18, linewidth=0)
        if gap_indexes:
            axes.plot(gap_indexes, [0] * len(gap_indexes), linestyle="none", marker="^", markersize=4,
                      color=GAP_COLOR, clip_on=False)
        handles, labels = axes.get_legend_handles_labels()  # listed top down, as the stacks are drawn
        axes.legend([*handles[::-1], Patch(color=GAP_COLOR, alpha=0.35)],
                    [*labels[::-1], f"no story ({len(gaps)} months)"],
                    loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        month_ticks(axes, months)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("stories")
        axes.set_xlim(-0.6, len(months) - 0.4)
        return svg(figure)


def bar_corners(position: int, bottom: float, height: float, width: float = 0.85) -> list[tuple[float, float]]:
    left, right = position - width / 2, position + width / 2
    return [(left, bottom), (right, bottom), (right, bottom + height), (left, bottom + height)]


def month_ticks(axes, months: list[str]) -> None:
    """Every month named on a short span; on a long one, January of every year or few years."""
    if len(months) <= 24:
        axes.set_xticks(range(len(months)), months, rotation=90)
        return
    years = math.ceil(len(months) / 12)
    step = 1 if years <= 16 else math.ceil(years / 16)
    januaries = [(index, month[:4]) for index, month in enumerate(months)
                 if month.endswith("-01") and int(month[:4]) % step == 0]
    axes.set_xticks([index for index, _ in januaries], [year for _, year in januaries])


def bar_chart(values: dict[str, float], *, xlabel: str, share: bool = False,
              colors: list[str] | None = None, legend: dict[str, str] | None = None) -> str | None:
    """Horizontal bars, one per label, each with its value written at its end."""
    if not values:
        return None
    labels, numbers = list(values), list(values.values())
    with matplotlib.rc_context(STYLE):
        figure = new_figure(8.0, 0.7 + 0.26 * len(labels))
        axes = figure.add_subplot()
        bars = axes.barh(range(len(labels)), numbers, color=colors or BAR_COLOR, height=0.7)
        axes.set_yticks(range(len(labels)), labels)
        axes.invert_yaxis()
        axes.bar_label(bars, [f"{number:.1%}" if share else f"{number:,}" for number in numbers], padding=3)
        axes.set_xlabel(xlabel)
        if share:
            axes.set_xlim(0, 1.12)
            axes.xaxis.set_major_formatter(PercentFormatter(1.0))
        else:
            axes.set_xlim(0, max(1, max(numbers)) * 1.15)
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        if legend:
            axes.legend([Patch(color=color) for color in legend.values()], list(legend), frameon=False,
                        loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return svg(figure)


def categories_chart(categories: list[dict]) -> str | None:
    """Stories per category, each bar colored by whether the category's walk reached its end."""
    shown = [WALK_COLORS[category["complete"]] for category in categories]
    return bar_chart({category["name"]: category["stories"] for category in categories}, xlabel="stories",
                     colors=[color for _, color in shown], legend=dict(sorted(set(shown))))


def runs_chart(runs: list[dict]) -> str | None:
    """New stories per run, in order; runs that did not finish normally in another color."""
    if not runs:
        return None
    with matplotlib.rc_context(STYLE):
        figure = new_figure(min(18.0, max(8.0, 3 + 0.12 * len(runs))), 3.2)
        axes = figure.add_subplot()
        colors = [BAR_COLOR if run["finish_reason"] == "finished" else STOPPED_COLOR for run in runs]
        stories = [run["stories_written"] or 0 for run in runs]
        bars = axes.bar(range(len(runs)), stories, color=colors, width=0.8)
        if len(runs) <= 30:
            axes.bar_label(bars, padding=2)
            axes.set_xticks(range(len(runs)), [f"#{run['id']}\n{(run['started'] or '')[:10]}" for run in runs],
                           rotation=0 if len(runs) <= 8 else 90)
        else:
            axes.set_xlabel("runs, oldest first")
        axes.set_xlim(-0.75, max(len(runs), 8) - 0.25)  # a few runs make narrow bars, not wide slabs
        axes.set_ylim(0, max(1, *stories) * 1.15)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("new stories")
        axes.legend([Patch(color=BAR_COLOR), Patch(color=STOPPED_COLOR)], ["finished", "stopped early"],
                    frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return svg(figure)
