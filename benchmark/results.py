"""What the results page (and the PDF) shows, assembled from ResultsData: the index in
words, the charts, and the per-question comparisons with their sources."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterdiag.language import pick_text
from diagnostic.models import Governance, Sector

from . import charts, scoring, summaries
from .models import Cohort, ReferenceFigure
from .segments import parse_segment

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


def figure_text(figure: ReferenceFigure | None) -> str:
    """The 2007 figure in words; never a number that was not published."""
    if figure is None or figure.share is None:
        if figure is not None and figure.rank:
            return _("not published (ranked %(rank)s among the answers)") % {"rank": figure.rank}
        return _("not published")
    share = f"{float(figure.share):g} %"
    return share if figure.is_exact else _("about %(share)s") % {"share": share}


def figure_source(figure: ReferenceFigure, n: int | None) -> str:
    kind = _("exact") if figure.is_exact else _("approximate")
    if figure.original_wording and not figure.is_exact:
        kind = _("approximate: “%(words)s”") % {"words": figure.original_wording}
    parts = [kind, figure.source_kind or _("2007 study")]
    if n:
        parts.append(f"n = {n}")
    return ", ".join(parts)


@dataclass
class OptionRow:
    key: str
    label: str
    chosen: bool
    study_text: str
    study_share: float | None
    study_source: str
    peer_share: float | None
    peer_count: int | None


@dataclass
class QuestionComparison:
    key: str
    label: str
    study_key: str
    rows: list[OptionRow]
    sentences: list[str]
    chart: dict
    peer_n: int | None


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
                study_text=figure_text(figure) if question.study_key else "",
                study_share=float(figure.share) if figure and figure.share is not None else None,
                study_source=figure_source(figure, figure.n) if figure and figure.share is not None
                else "",
                peer_share=peer_share, peer_count=peer_count)
            rows.append(row)
            if row.chosen and figure is not None:
                sentences.append(_sentence(row, figure, peer_share, peer_n, peer_label))
        if not question.study_key and peer_n is None:
            continue
        chart = charts.question_chart(
            option_labels=[("✓ " if r.chosen else "") + r.label for r in rows],
            study=[r.study_share for r in rows], peers=[r.peer_share for r in rows],
            study_name=_("2007 study"), peer_name=_("peers (%(who)s)") % {"who": peer_label})
        comparisons.append(QuestionComparison(question.key, question.label, question.study_key,
                                              rows, sentences, chart, peer_n))
    return comparisons


def _sentence(row, figure, peer_share, peer_n, peer_label) -> str:
    if figure.share is None:
        text = _("You chose “%(answer)s”; the 2007 study's share for this answer was not "
                 "published.") % {"answer": row.label}
    else:
        text = _("You chose “%(answer)s”; %(share)s of the surveyed clusters did "
                 "(%(source)s).") % {"answer": row.label, "share": figure_text(figure),
                                     "source": figure_source(figure, figure.n)}
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
    return {
        "score": score, "band": band_label(method, score.band), "dimensions": dimensions,
        "method_title": pick_text(method["title"]), "cohort_name": cohort_name(data.cohort),
        "is_demo_cohort": data.cohort == Cohort.DEMO, "chosen_group": chosen,
        "chosen_label": segment_label(data.chosen_segment), "all_peers": all_peers,
        "overall_percentile": chosen.percentile_of("overall", score.overall) if chosen else None,
        "position_rows": rows, "radar": radar, "position": position,
        "radar_summary": summaries.radar_summary(dimensions),
        "position_summary": summaries.position_summary(score.overall, rows),
        "comparisons": question_comparisons(data, chosen.n if chosen else None),
        "study": data.study, "state": data.state,
    }
