"""A cluster's runs over time, and any two of them compared."""

from django.shortcuts import render

from diagnostic.access import get_cluster_for_user

from . import runs
from .forms import RunCompareForm


def cluster_runs(request, pk):
    cluster = get_cluster_for_user(request.user, pk)
    submitted = runs.submitted_runs(cluster)
    form = RunCompareForm(request.GET or None, runs=submitted)
    compared = None
    if form.is_bound and form.is_valid():
        compared = runs.compare(form.cleaned_data["before"], form.cleaned_data["after"])
    # The chart and its table come from the runs_over_time tag, as on the cluster page.
    return render(request, "benchmark/runs.html",
                  {"cluster": cluster, "runs": submitted, "form": form, "compared": compared},
                  status=400 if form.is_bound and form.errors else 200)
