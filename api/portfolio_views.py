"""The facilitator's portfolio page and its CSV export."""

import csv
import io

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_countries import countries

from benchmark.models import ScoringMethod
from clusterdiag.language import pick_text
from diagnostic.models import Governance, Sector
from plans.models import ActionPlan

from .exports import neutralise
from .portfolio import SORTS, portfolio

ANY = [("", gettext_lazy("any"))]
PAGE_SIZE = 50


def _bands() -> list[tuple[str, str]]:
    method = ScoringMethod.objects.filter(is_current=True).first()
    return [(b["key"], pick_text(b["label"])) for b in method.definition["bands"]] \
        if method else []


class PortfolioForm(forms.Form):
    """Filters and sorting; a value not on the lists is ignored (the field shows why)."""

    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False,
                                choices=ANY + list(countries))
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), required=False,
                               choices=ANY + list(Sector.choices))
    governance = forms.ChoiceField(label=gettext_lazy("Governance type"), required=False,
                                   choices=ANY + list(Governance.choices))
    band = forms.ChoiceField(label=gettext_lazy("Band"), required=False)
    plan_status = forms.ChoiceField(label=gettext_lazy("Plan status"), required=False,
                                    choices=ANY + list(ActionPlan.Status.choices))
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False, choices=[
        ("name", gettext_lazy("name")), ("index", gettext_lazy("index")),
        ("change", gettext_lazy("change since the previous run")),
        ("late", gettext_lazy("late milestones")), ("activity", gettext_lazy("last activity"))])

    def __init__(self, *args, bands, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["band"].choices = ANY + bands
        self.band_labels = dict(bands)


def _reviewer_or_404(user):
    """Facilitators and administrators only; anybody else learns nothing."""
    if not user.is_authenticated or not (user.is_superuser or user.is_facilitator):
        raise Http404


def _filtered(request):
    """The form and the followed clusters it selects, sorted (a queryset: not read yet)."""
    form = PortfolioForm(request.GET or None, bands=_bands())
    filters = form.cleaned_data if form.is_valid() else {}
    sort = filters.get("sort") or "name"
    clusters = portfolio(request.user, today=timezone.localdate(), filters=filters,
                         sort=sort if sort in SORTS else "name")
    return form, clusters


def _labelled(form, clusters) -> list:
    labels = form.band_labels
    statuses = dict(ActionPlan.Status.choices)
    clusters = list(clusters)
    for cluster in clusters:
        cluster.band_label = labels.get(cluster.latest_band, cluster.latest_band or "")
        cluster.plan_status_label = statuses.get(cluster.plan_status, "")
    return clusters


@never_cache
def portfolio_page(request):
    _reviewer_or_404(request.user)
    form, clusters = _filtered(request)
    # A page of the list, whatever the number of clusters followed (administrators follow
    # them all); the CSV export keeps the whole list.
    page = Paginator(clusters, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _labelled(form, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "api/portfolio.html", {
        "form": form, "page": page, "clusters": page.object_list,
        "query": query.urlencode()})


@never_cache
def portfolio_csv(request):
    _reviewer_or_404(request.user)
    form, clusters = _filtered(request)
    clusters = _labelled(form, clusters)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Cluster"), _("Country"), _("Sector"), _("Governance type"),
                     _("Index"), _("Band"), _("Change since the previous run"),
                     _("Plan status"), _("Late milestones"), _("Last activity")])
    for c in clusters:
        # Texts typed by people are neutralised; the numbers are ours, written as numbers.
        writer.writerow([
            *(neutralise(v) for v in (c.name, c.country.name, c.get_sector_display(),
                                      c.get_governance_display())),
            "" if c.latest_index is None else round(c.latest_index), c.band_label,
            "" if c.change is None else round(c.change), c.plan_status_label,
            c.late_milestones, c.last_activity.date().isoformat()])
    response = HttpResponse(("\ufeff" + out.getvalue()).encode(),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="portfolio.csv"'
    return response
