"""Chart data for the results page (and the PDF): plain plotly figure dicts built from
plain values. No ORM and no HTML; static/js/charts.js draws them, and every chart has
the same numbers in a table next to it."""

from dataclasses import dataclass

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from . import scoring

COLOURS = {"own": "#0d6efd", "peers": "#fd7e14", "study": "#6c757d"}
BAND_SHADES = ["#f8d7da", "#fff3cd", "#e2e3e5", "#d1e7dd", "#cfe2ff"]


def _separators() -> str:
    """plotly's decimal and thousands separators in the active language ("12,5" in French
    and German): plotly itself knows only English ones, and the figures must read as the
    tables next to them do."""
    return get_format("DECIMAL_SEPARATOR") + get_format("THOUSAND_SEPARATOR")


def _layout(**extra) -> dict:
    return {"margin": {"l": 40, "r": 20, "t": 30, "b": 40}, "font": {"size": 13},
            "legend": {"orientation": "h", "y": -0.15}, "paper_bgcolor": "white",
            "separators": _separators(), **extra}


def radar_chart(*, labels: list[str], own: list[float], peer_median: list[float] | None,
                own_name: str, peer_name: str) -> dict:
    """The cluster's dimension scores against the peer median, on a 0-100 radar."""
    closed = labels + labels[:1]
    data = [{"type": "scatterpolar", "r": own + own[:1], "theta": closed, "fill": "toself",
             "name": own_name, "line": {"color": COLOURS["own"]}}]
    if peer_median is not None:
        data.append({"type": "scatterpolar", "r": peer_median + peer_median[:1],
                     "theta": closed, "name": peer_name,
                     "line": {"color": COLOURS["peers"], "dash": "dash"}})
    return {"data": data,
            "layout": _layout(polar={"radialaxis": {"range": [0, 100], "tickvals": [0, 25, 50,
                                                                                  75, 100]}},
                              showlegend=True)}


@dataclass(frozen=True)
class PositionRow:
    label: str
    n: int
    q1: float
    median: float
    q3: float
    percentile: float


def position_chart(*, own: float, own_name: str, rows: list[PositionRow],
                   bands: list[dict], band_labels: list[str]) -> dict:
    """The cluster on the not-to-highly-internationalised axis, with the middle half
    (first to third quartile) and the median of each group of peers."""
    data = []
    for row in rows:
        data.append({"type": "scatter", "mode": "lines", "x": [row.q1, row.q3],
                     "y": [row.label, row.label], "showlegend": False,
                     "line": {"color": COLOURS["peers"], "width": 10}, "hoverinfo": "x"})
    # A group whose quartiles coincide has a bar of no length: a square shows it is there.
    flat = [r for r in rows if r.q1 == r.q3]
    if flat:
        data.append({"type": "scatter", "mode": "markers", "showlegend": False,
                     "x": [r.median for r in flat], "y": [r.label for r in flat],
                     "marker": {"color": COLOURS["peers"], "symbol": "square", "size": 12},
                     "hoverinfo": "x"})
    if rows:
        data.append({"type": "scatter", "mode": "markers", "name": _("peer median"),
                     "x": [r.median for r in rows], "y": [r.label for r in rows],
                     "marker": {"color": "black", "symbol": "line-ns-open", "size": 18}})
    data.append({"type": "scatter", "mode": "markers", "name": own_name,
                 "x": [own] * max(len(rows), 1),
                 "y": [r.label for r in rows] or [own_name],
                 "marker": {"color": COLOURS["own"], "symbol": "diamond", "size": 14}})
    edges = [b["min"] for b in bands] + [100]
    shapes = [{"type": "rect", "xref": "x", "yref": "paper", "x0": edges[i], "x1": edges[i + 1],
               "y0": 0, "y1": 1, "fillcolor": BAND_SHADES[i % len(BAND_SHADES)],
               "opacity": 0.5, "line": {"width": 0}, "layer": "below"}
              for i in range(len(bands))]
    annotations = [{"x": (edges[i] + edges[i + 1]) / 2, "y": 1.02, "xref": "x", "yref": "paper",
                    "text": band_labels[i], "showarrow": False, "font": {"size": 10}}
                   for i in range(len(bands))]
    return {"data": data,
            "layout": _layout(xaxis={"range": [0, 100], "title": {"text": _("index (0-100)")}},
                              yaxis={"automargin": True}, shapes=shapes,
                              annotations=annotations, margin={"l": 40, "r": 20, "t": 50,
                                                               "b": 40})}


def question_chart(*, option_labels: list[str], study: list[float | None],
                   peers: list[float | None], study_name: str, peer_name: str) -> dict:
    """Share of the 2007 study and of peers choosing each option. An unknown figure has
    no bar: it is never drawn as zero."""
    data = []
    if any(v is not None for v in study):
        data.append({"type": "bar", "orientation": "h", "name": study_name, "y": option_labels,
                     "x": study, "marker": {"color": COLOURS["study"]}})
    if any(v is not None for v in peers):
        data.append({"type": "bar", "orientation": "h", "name": peer_name, "y": option_labels,
                     "x": peers, "marker": {"color": COLOURS["peers"]}})
    return {"data": data,
            "layout": _layout(barmode="group", xaxis={"range": [0, 100], "ticksuffix": " %"},
                              yaxis={"automargin": True, "autorange": "reversed"},
                              height=max(220, 60 * len(option_labels)))}


def position_rows(groups: list[tuple[str, object]], own: float) -> list[PositionRow]:
    """PositionRows from (label, PeerGroup) pairs of the published groups."""
    rows = []
    for label, group in groups:
        q1, median, q3 = scoring.quartiles(group.cuts["overall"])
        rows.append(PositionRow(label=f"{label} (n = {group.n})", n=group.n, q1=q1,
                                median=median, q3=q3,
                                percentile=scoring.percentile_rank(own, group.cuts["overall"])))
    return rows


STATUS_COLOURS = {"planned": "#6c757d", "in_progress": "#0d6efd", "done": "#198754",
                  "dropped": "#dc3545"}


@dataclass(frozen=True)
class TimelineRow:
    label: str
    start: str  # ISO dates: plotly reads them as a date axis
    due: str
    status: str
    status_label: str
    milestone: str
    milestone_date: str | None


def plan_timeline(*, rows: list[TimelineRow], plan_start: str, plan_end: str,
                  milestone_name: str, today: str | None = None, today_name: str = "") -> dict:
    """The action plan as a timeline: one bar per action from start to due date, coloured
    by status, with its milestone as a diamond, and a dotted line at today's date when it
    falls inside the plan."""
    data = []
    for status in STATUS_COLOURS:
        chosen = [r for r in rows if r.status == status]
        if not chosen:
            continue
        data.append({"type": "scatter", "mode": "lines", "name": chosen[0].status_label,
                     "x": [v for r in chosen for v in (r.start, r.due, None)],
                     "y": [v for r in chosen for v in (r.label, r.label, None)],
                     "line": {"color": STATUS_COLOURS[status], "width": 14},
                     "hoverinfo": "x+y"})
    milestones = [r for r in rows if r.milestone_date]
    if milestones:
        data.append({"type": "scatter", "mode": "markers", "name": milestone_name,
                     "x": [r.milestone_date for r in milestones],
                     "y": [r.label for r in milestones],
                     "text": [r.milestone for r in milestones], "hoverinfo": "text+x",
                     "marker": {"color": "black", "symbol": "diamond", "size": 11}})
    shapes, annotations = [], []
    if today and plan_start <= today <= plan_end:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": today, "x1": today,
                       "y0": 0, "y1": 1, "line": {"color": "#dc3545", "dash": "dot"}})
        annotations.append({"x": today, "y": 1.04, "xref": "x", "yref": "paper",
                            "text": today_name, "showarrow": False, "font": {"size": 10}})
    return {"data": data,
            "layout": _layout(xaxis={"type": "date", "range": [plan_start, plan_end]},
                              shapes=shapes, annotations=annotations,
                              yaxis={"automargin": True, "autorange": "reversed",
                                     "categoryorder": "array",
                                     "categoryarray": [r.label for r in rows]},
                              height=max(260, 34 * len(rows) + 120))}


@dataclass(frozen=True)
class GroupRow:
    """One sector or governance type among peers: its middle half and median, or None when
    the group is not published."""

    label: str
    is_own: bool
    n: int | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None


def group_view_chart(*, rows: list[GroupRow], own: float, own_name: str) -> dict:
    """The index by group (sector or governance type): the middle half and median of each
    published group, the cluster's own index as a diamond on its own group's line."""
    shown = [r for r in rows if r.median is not None]
    data = [{"type": "scatter", "mode": "lines", "x": [r.q1, r.q3], "y": [r.label, r.label],
             "showlegend": False, "hoverinfo": "x",
             "line": {"color": COLOURS["own"] if r.is_own else COLOURS["peers"], "width": 10}}
            for r in shown]
    if shown:
        data.append({"type": "scatter", "mode": "markers", "name": _("peer median"),
                     "x": [r.median for r in shown], "y": [r.label for r in shown],
                     "marker": {"color": "black", "symbol": "line-ns-open", "size": 18}})
    own_row = next((r.label for r in shown if r.is_own), own_name)
    data.append({"type": "scatter", "mode": "markers", "name": own_name, "x": [own],
                 "y": [own_row], "marker": {"color": COLOURS["own"], "symbol": "diamond",
                                            "size": 14}})
    return {"data": data,
            "layout": _layout(xaxis={"range": [0, 100], "title": {"text": _("index (0-100)")}},
                              yaxis={"automargin": True, "autorange": "reversed"},
                              height=max(220, 40 * (len(shown) + 1) + 100))}


RUN_COLOURS = ["#0d6efd", "#6f42c1", "#d63384", "#fd7e14", "#198754", "#20c997", "#6c757d"]


def runs_chart(*, dates: list[str], series: list[tuple[str, list[float]]]) -> dict:
    """The index (first series, thick) and each dimension over the runs' dates."""
    data = [{"type": "scatter", "mode": "lines+markers", "name": name, "x": dates, "y": values,
             "line": {"color": RUN_COLOURS[i % len(RUN_COLOURS)], "width": 4 if i == 0 else 2,
                      "dash": "solid" if i == 0 else "dot"}}
            for i, (name, values) in enumerate(series)]
    return {"data": data,
            "layout": _layout(xaxis={"type": "date", "title": {"text": _("date of the run")}},
                              yaxis={"range": [0, 100], "title": {"text": _("score (0-100)")}},
                              height=360)}
