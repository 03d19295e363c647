from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from diagnostic.admin import DiagnosticAdmin
from diagnostic.admin_mixins import (
    FollowedClustersMixin,
    ReadOnlyAdminMixin,
    present_values_filter,
)
from diagnostic.models import Diagnostic

from . import imported_admin, services  # noqa: F401 (imported_admin registers its admin)
from .models import (
    DiagnosticScore,
    ReferenceFigure,
    ReferenceStudy,
    RunPeerPosition,
    ScoringMethod,
    StatisticsState,
)
from .results import segment_label


class IndexBandFilter(admin.SimpleListFilter):
    """The band of the diagnostic's index (not internationalised … highly)."""

    title = _("index band")
    parameter_name = "band"
    path = "score__band"

    def lookups(self, request, model_admin):
        # Only the bands among the objects the person may see (a facilitator's clusters).
        bands = (model_admin.get_queryset(request).order_by().exclude(**{self.path: None})
                 .values_list(self.path, flat=True).distinct())
        return [(band, band) for band in sorted(bands)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.path: self.value()})
        return queryset


# The diagnostics' admin with the index band: scores live in this layer, so it is this layer
# that adds the filter to the admin the diagnostic app registered.
admin.site.unregister(Diagnostic)


@admin.register(Diagnostic)
class ScoredDiagnosticAdmin(DiagnosticAdmin):
    list_filter = [*DiagnosticAdmin.list_filter, IndexBandFilter]


FIGURE_SUMMARY = ["question_key", "option_key", "label", "share", "is_exact",
                  "original_wording", "rank", "n"]


class ReferenceFigureInline(admin.TabularInline):
    """A read-only overview; figures are corrected on their own page, which keeps history."""

    model = ReferenceFigure
    fields = FIGURE_SUMMARY
    readonly_fields = FIGURE_SUMMARY
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReferenceStudy)
class ReferenceStudyAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "sample_clusters", "sample_countries", "key"]
    search_fields = ["title", "authors", "key"]
    fieldsets = [
        (None, {"fields": ["key", "title", "subtitle", "authors", "organisation", "publisher",
                           "year", "published", "source_url"]}),
        (_("Sample"), {"fields": ["sample_clusters", "sample_countries", "sample_members",
                                  "sample_jobs", "sample_source", "selection_texts",
                                  "respondents_texts"]}),
    ]
    inlines = [ReferenceFigureInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ReferenceFigureForm(forms.ModelForm):
    class Meta:
        model = ReferenceFigure
        fields = ["study", "question_key", "option_key", "label_texts", "share", "is_exact",
                  "bound", "statement_texts", "caveat_texts", "original_wording",
                  "gloss_texts", "rank", "rank_to", "n", "source_url", "source_kind_texts",
                  "evidence", "note", "n_source"]

    def clean(self):
        cleaned = super().clean()
        # A share is never shown without saying whether it is exact or the source's rounding.
        if cleaned.get("share") is not None and cleaned.get("is_exact") is None:
            self.add_error("is_exact", _("Say whether this share is exact or approximate."))
        if cleaned.get("is_exact") is False and not cleaned.get("original_wording"):
            self.add_error("original_wording",
                           _("An approximate share keeps the source's own words."))
        # The share is read as its bound says: never a bare number without one.
        if (cleaned.get("share") is None) != (not cleaned.get("bound")):
            self.add_error("bound", _("A share needs its reading (exact, approximate or a "
                                      "bound); without a share, leave it empty."))
        return cleaned


@admin.register(ReferenceFigure)
class ReferenceFigureAdmin(SimpleHistoryAdmin):
    form = ReferenceFigureForm
    list_display = ["question_key", "option_key", "label", "share", "is_exact",
                    "original_wording", "rank", "n", "source_link"]
    list_filter = ["study", "question_key", "is_exact"]
    search_fields = ["label_texts", "option_key", "evidence"]
    list_select_related = ["study"]
    fieldsets = [
        (None, {"fields": ["study", "question_key", "option_key", "label_texts"]}),
        (_("Figure"), {
            "fields": ["share", "is_exact", "bound", "rank", "rank_to", "n"],
            "description": _("Leave the share empty when the study's figure was not "
                             "recovered: it is then shown as “not recovered”."),
        }),
        (_("The study's own words"), {
            "fields": ["statement_texts", "caveat_texts", "original_wording",
                       "gloss_texts"]}),
        (_("Provenance"), {"fields": ["source_url", "source_kind_texts",
                                      "evidence", "note", "n_source"]}),
    ]

    @admin.display(description=_("source"))
    def source_link(self, figure):
        # Only web addresses become links; anything else is shown as text.
        if figure.source_url.startswith(("https://", "http://")):
            return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
                               figure.source_url, figure.source_kind or figure.source_url)
        return figure.source_kind or "–"


@admin.register(ScoringMethod)
class ScoringMethodAdmin(admin.ModelAdmin):
    list_display = ["code", "is_current", "created_at"]
    readonly_fields = ["code", "definition", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DiagnosticScore)
class DiagnosticScoreAdmin(FollowedClustersMixin, admin.ModelAdmin):
    cluster_path = "diagnostic__cluster"
    list_display = ["diagnostic", "overall", "band", "method", "computed_at"]
    list_filter = ["band", present_values_filter("diagnostic__cluster__country"),
                   present_values_filter("diagnostic__cluster__sector"),
                   present_values_filter("diagnostic__cluster__governance"), "method"]
    search_fields = ["diagnostic__cluster__name"]
    list_select_related = ["diagnostic__cluster", "method"]
    readonly_fields = ["diagnostic", "method", "overall", "dimensions", "items", "band",
                       "computed_at"]


def _group_text(position: dict) -> str:
    n = position["n"]
    return ngettext(
        "%(group)s: %(n)s cluster, median %(median)s, this run at percentile %(percentile)s",
        "%(group)s: %(n)s clusters, median %(median)s, this run at percentile %(percentile)s",
        n) % {"group": segment_label(position["segment"]), "n": n,
              "median": round(position["median"]), "percentile": round(position["percentile"])}


@admin.register(RunPeerPosition)
class RunPeerPositionAdmin(ReadOnlyAdminMixin, FollowedClustersMixin, admin.ModelAdmin):
    """Where each run stood among its peers when it was scored, read-only: the figures
    are kept as the results page showed them then."""

    cluster_path = "diagnostic__cluster"
    list_display = ["diagnostic", "cohort_label", "release", "recorded_at"]
    list_filter = ["cohort", "recorded_at"]
    search_fields = ["diagnostic__cluster__name"]
    list_select_related = ["diagnostic__cluster"]
    fields = ["diagnostic", "cohort_label", "release", "groups", "recorded_at"]
    readonly_fields = fields

    @admin.display(description=_("peer cohort"), ordering="cohort")
    def cohort_label(self, obj):
        return obj.get_cohort_display()

    @admin.display(description=_("peer groups published then"))
    def groups(self, obj):
        if not obj.positions:
            return "—"
        return format_html_join("", "<p>{}</p>", ((_group_text(p),) for p in obj.positions))


@admin.register(StatisticsState)
class StatisticsStateAdmin(admin.ModelAdmin):
    list_display = ["cohort", "refreshed_at", "entries", "min_group"]
    readonly_fields = list_display
    actions = ["refresh_now"]

    @admin.action(description=_("Refresh the peer statistics now"), permissions=["change"])
    def refresh_now(self, request, queryset):
        for state in queryset:
            services.statistics_refresh(cohort=state.cohort)
        messages.success(request, _("Peer statistics refreshed."))
