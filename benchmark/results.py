"""What the results page (and the PDF) shows, assembled from ResultsData: the index in
words, the charts, and the per-question comparisons with their sources."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterdiag.language import active_language, pick_text
from diagnostic.models import GOVERNANCE_HELP, GOVERNANCE_SOURCE, Governance, Sector

from . import charts, imported, scoring, summaries
from .models import Cohort, ReferenceFigure
from .segments import parse_segment, segment_key

SIZE_BAND_LABELS = [("small", gettext_lazy("fewer than 50 members")),
                    ("medium", gettext_lazy("50 to 149 members")),
                    ("large", gettext_lazy("150 to 499 members")),
                    ("very_large", gettext_lazy("500 members or more"))]


def band_label(method: dict, key: str) -> str:
    return next(pick_text(b["label"]) for b in method["bands"] if b["key"] == key)


def cohort_name(cohort: str) -> str:
    if cohort == Cohort.DEMO:
        return _("demo data: generated clusters, not real peers")
    return _("clusters that used ClusterDiag and agreed to be counted")


def ordinal(number: int) -> str:
    if active_language() == "fr":
        return "1er" if number == 1 else f"{number}e"
    if active_language() == "de":
        return f"{number}."
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10 if number % 100 not in (11, 12, 13)
                                              else 0, "th")
    return f"{number}{suffix}"


def rank_text(figure: ReferenceFigure) -> str:
    """"2nd-3rd" when the source leaves the rank open: never more precise than it is."""
    if figure.rank_to and figure.rank_to != figure.rank:
        return f"{ordinal(figure.rank)}–{ordinal(figure.rank_to)}"
    return ordinal(figure.rank)


def figure_text(figure: ReferenceFigure | None, *, asked: bool = True) -> str:
    """The 2007 figure as the source gives it: a share read as exact, approximate or a
    bound; a rank without a number; or the gap, said as a gap. Never a number that was
    not published."""
    if figure is None:
        return _("not asked in 2007") if asked else ""
    if figure.share is None:
        if figure.rank:
            return _("share not recovered; ranked %(rank)s among the answers") % {
                "rank": rank_text(figure)}
        return _("asked in 2007; share not recovered")
    share = f"{float(figure.share):g} %"
    words = {
        ReferenceFigure.Bound.EXACT: "%(share)s",
        ReferenceFigure.Bound.AT_MOST: _("fewer than %(share)s"),
        ReferenceFigure.Bound.AT_LEAST: _("more than %(share)s"),
    }.get(figure.bound, _("about %(share)s"))
    return words % {"share": share}


def quoted_original(figure: ReferenceFigure) -> str:
    """The source's own (German) words with a gloss in the reader's language; a reader of
    the original's language reads them as they are (the data gives the gloss in that
    language as the original wording itself)."""
    gloss = figure.gloss
    if not gloss or gloss == figure.original_wording:
        return _("“%(words)s”") % {"words": figure.original_wording}
    return _("“%(words)s”: %(gloss)s") % {"words": figure.original_wording, "gloss": gloss}


def figure_source(figure: ReferenceFigure) -> str:
    """How to read the figure and where it comes from: exact / approximate / bound, the
    source's own words (glossed in the reader's language), the source and its n."""
    kinds = {ReferenceFigure.Bound.EXACT: _("exact"),
             ReferenceFigure.Bound.AT_MOST: _("upper bound"),
             ReferenceFigure.Bound.AT_LEAST: _("lower bound")}
    parts = []
    if figure.share is not None:
        kind = str(kinds.get(figure.bound, _("approximate")))
        if figure.original_wording:
            kind += f" ({quoted_original(figure)})"
        parts.append(kind)
    elif figure.original_wording:
        parts.append(quoted_original(figure))
    parts.append(figure.source_kind or _("2007 study"))
    if figure.n:
        parts.append(f"n = {figure.n}")
    return ", ".join(parts)


@dataclass
class OptionRow:
    key: str
    label: str
    chosen: bool
    study_text: str
    study_share: float | None
    study_source: str
    study_statement: str
    peer_share: float | None
    peer_count: int | None
    # One cell per imported set shown on the question: (value, how it reads) or None.
    imported: list[tuple[str, str] | None] = field(default_factory=list)


@dataclass
class QuestionComparison:
    key: str
    label: str
    study_key: str
    rows: list[OptionRow]
    sentences: list[str]
    chart: dict
    peer_n: int | None
    section_key: str = ""
    section_label: str = ""
    summary: str = ""  # the chart in one sentence
    imported_titles: list[str] = field(default_factory=list)


def chart_summary(rows: list[OptionRow], peer_n: int | None) -> str:
    """The most frequent answer among peers (or in the 2007 study), in one sentence."""
    if peer_n:
        top = max(rows, key=lambda r: r.peer_share or 0, default=None)
        if top is not None and top.peer_share:
            return _("Most often chosen by peers: “%(answer)s” (%(share)s %%).") % {
                "answer": top.label, "share": f"{top.peer_share:g}"}
    known = [r for r in rows if r.study_share is not None]
    if known:
        top = max(known, key=lambda r: r.study_share)
        return _("Most often chosen in the 2007 study: “%(answer)s” (%(share)s).") % {
            "answer": top.label, "share": top.study_text}
    return ""


def _peer_share(shares, question_key, option_key, peer_n):
    if peer_n is None:
        return None, None
    count = shares.get((question_key, option_key), (0, peer_n))[0]
    return round(100 * count / peer_n), count


def question_comparisons(data, peer_n: int | None) -> list[QuestionComparison]:
    comparisons = []
    peer_label = cohort_name(data.cohort)
    for question in data.questions:
        value = data.answers.get(question.key)
        chosen = set([value] if isinstance(value, str) else value or [])
        rows, sentences = [], []
        for option in question.options.all():
            figure = data.figures.get((question.study_key, option.key))
            peer_share, peer_count = _peer_share(data.shares, question.key, option.key, peer_n)
            row = OptionRow(
                key=option.key, label=option.label, chosen=option.key in chosen,
                study_text=figure_text(figure, asked=bool(question.study_key)),
                # Drawn only when it is a share of clusters, exact or approximate: a bound
                # or a share of something else is no bar beside the peers' shares.
                study_share=float(figure.share) if figure and figure.share is not None
                and figure.bound in _DRAWN and not figure.caveat else None,
                study_source=figure_source(figure) if figure else "",
                study_statement=" ".join(t for t in (figure.statement, figure.caveat) if t)
                if figure else "",
                peer_share=peer_share, peer_count=peer_count)
            rows.append(row)
            if row.chosen and question.study_key:
                sentences.append(_sentence(row, figure, peer_share, peer_n, peer_label))
        titles = _imported_cells(data.imported, question, rows)
        if not question.study_key and peer_n is None and not titles:
            continue
        chart = charts.question_chart(
            option_labels=[("✓ " if r.chosen else "") + r.label for r in rows],
            study=[r.study_share for r in rows], peers=[r.peer_share for r in rows],
            study_name=_("2007 study"), peer_name=_("peers (%(who)s)") % {"who": peer_label})
        comparisons.append(QuestionComparison(
            question.key, question.label, question.study_key, rows, sentences, chart, peer_n,
            section_key=question.section.key, section_label=question.section.localized("title"),
            summary=chart_summary(rows, peer_n), imported_titles=titles))
    return comparisons


def _cell(figure) -> tuple[str, str] | None:
    return (imported.value_text(figure), imported.source_text(figure)) if figure else None


def _imported_cells(sets, question, rows: list[OptionRow]) -> list[str]:
    """Fill each row's cells for the imported sets that have a figure on the question;
    their titles, in the same order."""
    shown = [s for s in sets if any((question.key, r.key) in s.options for r in rows)]
    for row in rows:
        row.imported = [_cell(s.options.get((question.key, row.key))) for s in shown]
    return [str(s.reference) for s in shown]


def imported_dimensions(sets, dimensions: list[dict]) -> list[str]:
    """The same for the dimension scores: each dimension's cells, the sets' titles."""
    shown = [s for s in sets if s.dimensions]
    for dimension in dimensions:
        dimension["imported"] = [_cell(s.dimensions.get(dimension["key"])) for s in shown]
    return [str(s.reference) for s in shown]


def governance_types() -> dict:
    return {"source": GOVERNANCE_SOURCE,
            "types": [(label, GOVERNANCE_HELP[value]) for value, label in Governance.choices]}


def study_figure_rows(figures, study_questions: dict[str, str]) -> list[dict]:
    """The study's figures for /method/, each under its question's label, in the same
    words as on the results page."""
    return [{"key": f.option_key, "question": study_questions.get(f.question_key, ""),
             "label": f.label, "text": figure_text(f), "statement": f.statement,
             "caveat": f.caveat, "source": figure_source(f), "url": f.source_url}
            for f in figures]


_DRAWN = {ReferenceFigure.Bound.EXACT, ReferenceFigure.Bound.ABOUT}


def _sentence(row, figure, peer_share, peer_n, peer_label) -> str:
    """What the study said next to the answer chosen, in its own words."""
    if figure is None:
        text = _("You chose “%(answer)s”; the 2007 study did not ask about this answer.") % {
            "answer": row.label}
    elif figure.share is None and not figure.statement:
        text = _("You chose “%(answer)s”; the 2007 study asked, but its figure for this "
                 "answer was not recovered.") % {"answer": row.label}
    else:
        text = _("You chose “%(answer)s”. The 2007 study: %(statement)s (%(figure)s; "
                 "%(source)s)") % {"answer": row.label, "statement": row.study_statement,
                                   "figure": row.study_text, "source": row.study_source}
    if peer_share is not None:
        text += " " + _("Among peers, %(share)s %% did (%(who)s, n = %(n)s).") % {
            "share": f"{peer_share:g}", "who": peer_label, "n": peer_n}
    return text


def segment_label(segment: str) -> str:
    names = {"sector": dict(Sector.choices), "governance": dict(Governance.choices),
             "size": dict(SIZE_BAND_LABELS)}
    parts = []
    for attribute, value in parse_segment(segment).items():
        if value != "*":
            parts.append(str(names.get(attribute, {}).get(value, value)))
    return " · ".join(parts) or _("all peers")


def strongest_and_weakest(dimensions: list[dict], count: int = 3) -> tuple[list, list]:
    """The dimensions furthest above and below the peer median (or, without peers, the
    highest and lowest scores): what the summary at the top of the results names."""
    def gap(d):
        return d["score"] - d["median"] if d["median"] is not None else d["score"]

    ranked = sorted(dimensions, key=gap, reverse=True)
    count = min(count, len(ranked) // 2)
    return ranked[:count], list(reversed(ranked[-count:])) if count else []


# The 2007 findings, in words, with their source and year (reference/study-2007.md, S0):
# the study published no values for either view, and how its indicator was built is unknown.
VIEW_FINDINGS = {
    "sector": gettext_lazy(
        "2007 study (VDI/VDE-IT, 2007), sector indicator: “mobility/transportation and "
        "life-science clusters tend to be more internationalised than the other sectors”. "
        "It published no value per sector, nor how its indicator was built."),
    "governance": gettext_lazy(
        "2007 study (VDI/VDE-IT, 2007), governance indicator: the three governance types, "
        "after Markusen (1996), were placed on the same scale from not to highly "
        "internationalised; which type scored higher was not recovered."),
}
VIEW_TITLES = {"sector": gettext_lazy("Internationalisation by sector"),
               "governance": gettext_lazy("Internationalisation by governance type")}


def group_views(data, own: float) -> list[dict]:
    """The study's two views for all peers: ClusterDiag's index by sector and by governance
    type, from the published groups only (the same audited figures as everywhere)."""
    views = []
    for attribute, choices in (("sector", Sector.choices), ("governance", Governance.choices)):
        rows = []
        for value, label in choices:
            segment = segment_key(**{attribute: value})
            group = data.groups.get(segment)
            is_own = segment == data.own_segments[attribute]
            if group is None:
                rows.append(charts.GroupRow(label=str(label), is_own=is_own))
                continue
            q1, median, q3 = scoring.quartiles(group.cuts["overall"])
            rows.append(charts.GroupRow(label=f"{label} (n = {group.n})", is_own=is_own,
                                        n=group.n, q1=q1, median=median, q3=q3))
        own_row = next((r for r in rows if r.is_own), None)
        if own_row is not None and own_row.median is not None:
            sentence = _("Your index is %(own)s; the median of your group (%(group)s) is "
                         "%(median)s.") % {"own": f"{own:.0f}", "group": own_row.label,
                                           "median": f"{own_row.median:.0f}"}
        else:
            sentence = _("Your index is %(own)s; your own group shows no peer figure (too "
                         "few clusters, or hidden so that no small group can be worked "
                         "out).") % {"own": f"{own:.0f}"}
        shown = [r for r in rows if r.median is not None]
        views.append({
            "key": attribute, "title": VIEW_TITLES[attribute],
            "finding": VIEW_FINDINGS[attribute], "sentence": sentence, "rows": rows,
            "chart": charts.group_view_chart(rows=rows, own=own, own_name=_("your cluster"))
            if shown else None})
    return views


def build(data) -> dict:
    """Everything the results template needs, as plain values."""
    score = data.diagnostic.score
    method = data.method
    dimension_labels = [pick_text(d["label"]) for d in method["dimensions"]]
    own = [score.dimensions[d["key"]] for d in method["dimensions"]]
    all_peers = data.groups.get(data.own_segments["all"])
    chosen = data.groups.get(data.chosen_segment)
    peer_name = _("peer median, %(who)s (n = %(n)s)")
    radar = charts.radar_chart(
        labels=dimension_labels, own=own, own_name=_("your cluster"),
        peer_median=[chosen.median(d["key"]) for d in method["dimensions"]] if chosen else None,
        peer_name=peer_name % {"who": cohort_name(data.cohort), "n": chosen.n if chosen else 0})
    position_groups = [(label, data.groups[seg]) for label, seg in [
        (_("all peers"), data.own_segments["all"]),
        (segment_label(data.own_segments["sector"]), data.own_segments["sector"]),
        (segment_label(data.own_segments["governance"]), data.own_segments["governance"]),
    ] if seg in data.groups]
    rows = charts.position_rows(position_groups, score.overall)
    position = charts.position_chart(
        own=score.overall, own_name=_("your cluster"), rows=rows, bands=method["bands"],
        band_labels=[pick_text(b["label"]) for b in method["bands"]])
    dimensions = [
        {"key": d["key"], "label": label, "score": score.dimensions[d["key"]],
         "band": band_label(method, scoring.band_for(score.dimensions[d["key"]],
                                                     method["bands"])),
         "median": chosen.median(d["key"]) if chosen else None,
         "percentile": chosen.percentile_of(d["key"], score.dimensions[d["key"]])
         if chosen else None}
        for d, label in zip(method["dimensions"], dimension_labels, strict=True)]
    strongest, weakest = strongest_and_weakest(dimensions)
    return {
        "imported_sets": [str(s.reference) for s in data.imported],
        "imported_dimension_titles": imported_dimensions(data.imported, dimensions),
        "strongest": strongest, "weakest": weakest,
        "score": score, "band": band_label(method, score.band), "dimensions": dimensions,
        "method_title": pick_text(method["title"]), "cohort_name": cohort_name(data.cohort),
        "method_code": data.method_code,
        # A newer method exists: the page says so, and peers may not be published under
        # the run's own method any more.
        "newer_method": data.current_method_code
        if data.current_method_code != data.method_code else "",
        "is_demo_cohort": data.cohort == Cohort.DEMO, "chosen_group": chosen,
        "chosen_label": segment_label(data.chosen_segment), "all_peers": all_peers,
        "overall_percentile": chosen.percentile_of("overall", score.overall) if chosen else None,
        "position_rows": rows, "radar": radar, "position": position,
        "radar_summary": summaries.radar_summary(dimensions),
        "position_summary": summaries.position_summary(score.overall, rows),
        "comparisons": question_comparisons(data, chosen.n if chosen else None),
        "study": data.study, "state": data.state,
        "views": group_views(data, score.overall),
    }
