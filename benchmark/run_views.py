"""A cluster's runs over time, and any two of them compared."""

from django.shortcuts import render

from diagnostic.access import get_cluster_for_user

from . import runs
from .forms import RunCompareForm


def cluster_runs(request, pk):
    cluster = get_cluster_for_user(request.user, pk)
    data = runs.runs_over_time(cluster)
    form = RunCompareForm(request.GET or None, runs=data.runs)
    compared = None
    if form.is_bound and form.is_valid():
        compared = runs.compare(form.cleaned_data["before"], form.cleaned_data["after"])
    context = {"cluster": cluster, "data": data, "form": form, "compared": compared}
    if data.method is not None:
        context.update(chart=runs.runs_chart(data), summary=runs.runs_summary(data),
                       table=runs.runs_table(data))
    return render(request, "benchmark/runs.html", context,
                  status=400 if form.is_bound and form.errors else 200)
