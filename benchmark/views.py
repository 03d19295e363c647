from django.contrib import messages
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from diagnostic.models import Diagnostic, Membership

from . import results, selectors, services
from .forms import ConsentForm, PeerFilterForm, filters_from_query
from .models import Cohort, StatisticsState
from .segments import segment_key

# A changed score or a refresh of the peer statistics makes a new key anyway.
RESULTS_CACHE_SECONDS = 60 * 60


def _get_submitted_diagnostic_for_user(request, pk, *, write=False) -> Diagnostic:
    diagnostics = (Diagnostic.objects.editable_by(request.user) if write
                   else Diagnostic.objects.visible_to(request.user))
    # One query for what a cached page needs (who may edit, when the peer statistics were
    # refreshed); the large JSON fields are only read when the page is rendered anew.
    return get_object_or_404(
        diagnostics.select_related("cluster", "score")
        .defer("profile", "score__items", "score__dimensions")
        .annotate(is_team=Exists(Membership.objects.filter(cluster=OuterRef("cluster"),
                                                           user=request.user.pk)),
                  **{f"{cohort}_refreshed": Subquery(StatisticsState.objects.filter(
                      cohort=cohort).values("refreshed_at")[:1]) for cohort in Cohort.values}),
        pk=pk)


@never_cache
def diagnostic_results(request, pk):
    diagnostic = _get_submitted_diagnostic_for_user(request, pk)
    if not diagnostic.is_locked or not hasattr(diagnostic, "score"):
        messages.info(request, _("Results appear once the diagnostic is submitted."))
        return redirect("diagnostic:diagnostic_review", pk)
    is_team = diagnostic.is_team
    return render(request, "benchmark/results.html", {
        "diagnostic": diagnostic, "cluster": diagnostic.cluster,
        "is_team": is_team, "is_demo_cohort": diagnostic.cluster.is_demo,
        "body": _results_body(diagnostic, filters_from_query(request.GET))})


def _results_body(diagnostic: Diagnostic, filters: dict[str, str]) -> str:
    """The heavy part of the results page, rendered once per diagnostic score, peer
    statistics refresh, language and peer group, then served from the cache."""
    refreshed = getattr(diagnostic, f"{selectors.cohort_for(diagnostic)}_refreshed")
    refreshed = refreshed.isoformat() if refreshed else "never"
    key = ":".join(["results", str(diagnostic.pk), diagnostic.score.computed_at.isoformat(),
                    refreshed, get_language() or "", segment_key(**filters)])
    body = cache.get(key)
    if body is None:
        context = results.build(selectors.results_data(diagnostic, filters=filters))
        body = render_to_string("benchmark/_results_body.html",
                                {**context, "filter_form": PeerFilterForm(initial=filters)})
        cache.set(key, body, timeout=RESULTS_CACHE_SECONDS)
    return body


@require_POST
def diagnostic_consent(request, pk):
    diagnostic = _get_submitted_diagnostic_for_user(request, pk, write=True)
    form = ConsentForm(request.POST)
    form.is_valid()
    consent = form.cleaned_data.get("consent", False)
    if diagnostic.is_locked and not diagnostic.cluster.is_demo:
        services.consent_set(diagnostic=diagnostic, consent=consent)
        messages.success(request, _("This diagnostic is now counted in the peer benchmark.")
                         if consent else
                         _("This diagnostic is no longer counted in the peer benchmark."))
    return redirect("benchmark:diagnostic_results", pk)


def method(request):
    return render(request, "benchmark/method.html", selectors.method_page_data())
