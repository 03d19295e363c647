"""One sentence in words for each chart of the results page: what a person who cannot see
the chart most needs from it (WCAG 1.1.1). Pure functions of the figures the page shows."""

from django.utils.translation import gettext as _

from .charts import PositionRow


def radar_summary(dimensions: list[dict]) -> str:
    """dimensions: the rows of the dimension table (label, score, median)."""
    if not dimensions:
        return ""
    strongest = max(dimensions, key=lambda d: d["score"])
    weakest = min(dimensions, key=lambda d: d["score"])
    sentence = _("Your strongest dimension is %(best)s (%(best_score)s / 100) and your weakest "
                 "is %(worst)s (%(worst_score)s / 100)") % {
        "best": strongest["label"], "best_score": round(strongest["score"]),
        "worst": weakest["label"], "worst_score": round(weakest["score"])}
    compared = [d for d in dimensions if d["median"] is not None]
    if compared:
        above = sum(d["score"] > d["median"] for d in compared)
        sentence += _("; you are above the peer median on %(above)s of %(total)s "
                      "dimensions.") % {"above": above, "total": len(compared)}
    else:
        sentence += "."
    return sentence


def position_summary(own: float, rows: list[PositionRow]) -> str:
    if not rows:
        return ""
    above = [r for r in rows if own > r.median]
    return _("Your index of %(own)s is above the median of %(above)s of the %(total)s peer "
             "groups shown; it is higher than about %(p)s %% of the clusters in “%(group)s”."
             ) % {"own": round(own), "above": len(above), "total": len(rows),
                  "p": round(rows[0].percentile), "group": rows[0].label}
