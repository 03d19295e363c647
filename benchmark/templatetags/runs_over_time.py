"""The index and its dimensions over a cluster's runs, as a chart with its table, for the
cluster page: a template (the top shell) asks the benchmark for it, so the diagnostic app
below never imports the benchmark."""

from django import template

from benchmark import runs

register = template.Library()


@register.inclusion_tag("benchmark/_runs_over_time.html")
def runs_over_time(cluster):
    """A fixed number of queries whatever the number of runs (runs.runs_over_time)."""
    data = runs.runs_over_time(cluster)
    if data.method is None:
        return {"data": data}
    return {"data": data, "chart": runs.runs_chart(data), "summary": runs.runs_summary(data),
            "table": runs.runs_table(data)}
