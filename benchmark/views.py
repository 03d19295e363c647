from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from diagnostic.models import Cluster, Diagnostic

from . import results, selectors, services
from .forms import ConsentForm, PeerFilterForm


def _get_submitted_diagnostic_for_user(request, pk, *, write=False) -> Diagnostic:
    clusters = (Cluster.objects.editable_by(request.user) if write
                else Cluster.objects.visible_to(request.user))
    return get_object_or_404(
        Diagnostic.objects.select_related("cluster", "version", "score__method")
        .filter(cluster__in=clusters), pk=pk)


@never_cache
def diagnostic_results(request, pk):
    diagnostic = _get_submitted_diagnostic_for_user(request, pk)
    if not diagnostic.is_locked or not hasattr(diagnostic, "score"):
        messages.info(request, _("Results appear once the diagnostic is submitted."))
        return redirect("diagnostic:diagnostic_review", pk)
    form = PeerFilterForm(request.GET or None)
    data = selectors.results_data(diagnostic, filters=form.filters())
    is_team = diagnostic.cluster.memberships.filter(user=request.user).exists()
    return render(request, "benchmark/results.html", {
        "diagnostic": diagnostic, "cluster": diagnostic.cluster, "filter_form": form,
        "is_team": is_team, **results.build(data)})


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
