import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clusterdiag.language import active_language
from clusterdiag.pagecache import kept_page
from diagnostic.access import get_diagnostic_for_user

from . import results, selectors, services
from .forms import ConsentForm, PeerFilterForm, filters_from_query
from .segments import segment_key

# A changed score or a refresh of the peer statistics makes a new key anyway.
RESULTS_CACHE_SECONDS = 60 * 60
RESULTS_RELATED = ("cluster", "score__method")


@never_cache
@kept_page
def diagnostic_results(request, pk):
    header = selectors.results_header(pk=pk, user=request.user)
    if header is None:
        raise Http404
    if not header.is_submitted or header.score_computed_at is None:
        messages.info(request, _("Results appear once the diagnostic is submitted."))
        return redirect("diagnostic:diagnostic_review", pk)
    return render(request, "benchmark/results.html", {
        "diagnostic": header.diagnostic, "cluster": header.cluster, "is_team": header.is_team,
        "header": header,
        "is_demo_cohort": header.cluster.is_demo,
        "body": _results_body(request, header, filters_from_query(request.GET))})


def _results_body(request, header, filters: dict[str, str]) -> str:
    """The heavy part of the results page, rendered once per diagnostic score, peer
    statistics refresh, imported sets published or withdrawn, language and peer group, then
    served from the cache."""
    # str(): SQLite's raw cursor returns the timestamps as text, PostgreSQL's as datetimes;
    # hashed, so that the key is safe for any cache backend.
    parts = [header.diagnostic.pk, header.score_computed_at, header.statistics_refreshed_at,
             header.imported_changed_at, header.current_method_code, active_language(),
             segment_key(**filters)]
    key = "results:" + hashlib.sha256(repr([str(p) for p in parts]).encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        diagnostic = get_diagnostic_for_user(request.user, header.diagnostic.pk,
                                             related=RESULTS_RELATED)
        context = results.build(selectors.results_data(diagnostic, filters=filters))
        body = render_to_string("benchmark/_results_body.html",
                                {**context, "filter_form": PeerFilterForm(initial=filters),
                                 "diagnostic_pk": header.diagnostic.pk})
        cache.set(key, body, timeout=RESULTS_CACHE_SECONDS)
    return body


@require_POST
def diagnostic_consent(request, pk):
    diagnostic = get_diagnostic_for_user(request.user, pk, write=True, related=RESULTS_RELATED)
    form = ConsentForm(request.POST)
    form.is_valid()
    consent = form.cleaned_data.get("consent", False)
    if diagnostic.is_locked and not diagnostic.cluster.is_demo:
        services.consent_set(diagnostic=diagnostic, consent=consent)
        messages.success(request, _("This diagnostic is now counted in the peer benchmark.")
                         if consent else
                         _("This diagnostic is no longer counted in the peer benchmark."))
    return redirect("benchmark:diagnostic_results", pk)


@require_POST
def diagnostic_rescore(request, pk):
    """Re-score the run under the current method: its team only (facilitators read it)."""
    diagnostic = get_diagnostic_for_user(request.user, pk, write=True, related=RESULTS_RELATED)
    if not diagnostic.is_locked or not hasattr(diagnostic, "score"):
        raise Http404
    score = services.diagnostic_rescore(diagnostic=diagnostic)
    messages.success(request, _("The index is now computed with method %(code)s.")
                     % {"code": score.method.code})
    return redirect("benchmark:diagnostic_results", pk)


def method(request):
    context = selectors.method_page_data()
    context["figure_rows"] = results.study_figure_rows(context["figures"],
                                                       context["study_questions"])
    context["governance"] = results.governance_types()
    return render(request, "benchmark/method.html", context)
