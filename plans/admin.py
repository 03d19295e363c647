"""The admin of the playbook (administrators) and of action plans (facilitators review plans
here: filters, the actions inline, comments, approve or return, CSV export)."""

import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from benchmark.admin import IndexBandFilter as BaseIndexBandFilter
from benchmark.results import band_label
from diagnostic.admin_mixins import (
    FollowedClustersMixin,
    FrozenWhenInUseMixin,
    HasFacilitatorFilter,
    ReadOnlyAdminMixin,
    present_values_filter,
)

from . import review, services
from .models import (
    Action,
    ActionPlan,
    ActionTemplate,
    BarrierMeasure,
    FundingOption,
    Instrument,
    Phase,
    PlanComment,
    PlaybookVersion,
    ReminderSent,
)
from .texts import ACTION_TEXTS, localize, shown_text


class IndexBandFilter(BaseIndexBandFilter):
    path = "diagnostic__score__band"


# --- Action plans -------------------------------------------------------------------------

def _shown(name: str, label):
    """A read-only column of a plan's or an action's text as the admin user reads it:
    generated texts in their language, typed ones as typed, marked with their language."""
    def column(self, obj):
        return shown_text(obj, name) if obj is not None and obj.pk else ""
    column.short_description = label
    column.__name__ = f"{name}_shown"
    return column


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["position", "title_shown", "owner", "owner_role_shown", "start_date", "due_date",
              "milestone_shown", "milestone_date", "funding", "status"]
    readonly_fields = fields
    title_shown = _shown("title", _("action"))
    owner_role_shown = _shown("owner_role", _("owner (role)"))
    milestone_shown = _shown("milestone", _("milestone"))
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner", "funding__version")

    def has_add_permission(self, request, obj=None):
        return False


class CommentInline(admin.StackedInline):
    """Facilitators comment here; a new comment's author is whoever writes it."""

    model = PlanComment
    extra = 1
    fields = ["action", "body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "action")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "action":
            plan_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Action.objects.filter(plan_id=plan_id).order_by("position")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False  # comments are never rewritten

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def _csv_response(name: str) -> tuple[HttpResponse, object]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the accents right
    return response, csv.writer(response)


def _safe(value) -> str:
    """Cells a spreadsheet would run as a formula are quoted (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class ReviewQueueFilter(admin.SimpleListFilter):
    """A facilitator's day: what waits for them, and what they reviewed."""

    title = _("my reviews")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("waiting", _("waiting for review")), ("mine", _("reviewed by me"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(status=ActionPlan.Status.SUBMITTED)
        if self.value() == "mine":
            return queryset.filter(
                transitions__by=request.user,
                transitions__to_status__in=[ActionPlan.Status.APPROVED,
                                            ActionPlan.Status.CHANGES_REQUESTED]).distinct()
        return queryset


class PlanFacilitatorFilter(HasFacilitatorFilter):
    """With "waiting for review": the submitted plans nobody follows yet, which the
    administrators review or assign."""

    cluster_path = "cluster"


@admin.register(ActionPlan)
class ActionPlanAdmin(FollowedClustersMixin, SimpleHistoryAdmin):
    list_display = ["cluster", "run", "status", "submitted_at", "decided_at", "phase",
                    "index_band", "start_date", "end_date", "updated_by", "updated_at"]
    list_filter = [ReviewQueueFilter, PlanFacilitatorFilter, "status",
                   present_values_filter("cluster__country"),
                   present_values_filter("cluster__sector"),
                   present_values_filter("cluster__governance"), IndexBandFilter,
                   present_values_filter("phase")]

    def get_ordering(self, request):
        # Plans waiting for review come first, the longest-waiting first; then the rest,
        # the last changed first.
        waiting = Case(When(status=ActionPlan.Status.SUBMITTED, then=Value(0)),
                       default=Value(1), output_field=IntegerField())
        return [waiting.asc(), F("submitted_at").asc(nulls_last=True), "-updated_at"]
    search_fields = ["cluster__name", "cluster__region", "statement", "actions__title"]
    list_select_related = ["cluster", "diagnostic__score", "updated_by"]
    readonly_fields = ["cluster", "diagnostic", "playbook", "status", "phase", "statement_shown",
                       "objectives_shown", "start_date", "end_date", "revision", "created_by",
                       "created_at", "updated_by", "updated_at", "submitted_at", "decided_at"]
    # The texts are shown in the reader's language (above); the stored forms are not
    # edited here.
    exclude = ["strategy", "statement", "objectives", "profile", "generated_texts",
               "typed_languages"]
    statement_shown = _shown("statement", _("strategy statement"))
    inlines = [ActionInline, CommentInline]
    actions = ["approve", "request_changes", "export_plans_csv", "export_actions_csv"]
    date_hierarchy = "updated_at"

    def get_search_results(self, request, queryset, search_term):
        queryset, _duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct() if search_term else queryset, False

    @admin.display(description=_("objectives"))
    def objectives_shown(self, obj):
        objectives = shown_text(obj, "objectives", mark=False) or []
        return format_html_join(mark_safe("<br>"), "{} ({}: {})", (
            (o["text"], _("indicator"), o["indicator"]) for o in objectives)) or "—"

    @admin.display(description=_("run"), ordering="diagnostic__run")
    def run(self, obj):
        return obj.diagnostic.run

    @admin.display(description=_("index band"), ordering="diagnostic__score__band")
    def index_band(self, obj):
        score = getattr(obj.diagnostic, "score", None)
        return f"{score.band} ({score.overall:.0f})" if score else "—"

    def has_change_permission(self, request, obj=None):
        # Facilitators "change" a plan only by adding comments; the fields are read-only.
        return super().has_change_permission(request, obj) or request.user.has_perm(
            "plans.review_actionplan")

    def save_model(self, request, obj, form, change):
        # Every field of a plan is read-only here: it changes only through its services
        # (the review actions, the comments below). Saving the row would add a history
        # entry that changed nothing and skip the services' checks.
        if not change:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        comments = formset.save(commit=False)
        for comment in comments:
            review.comment_add(plan=form.instance, user=request.user, body=comment.body,
                                      action=comment.action)
        formset.save_m2m()

    def _transition(self, request, queryset, to_status):
        for plan in queryset.select_related("cluster"):
            try:
                review.plan_transition(plan=plan, user=request.user, to_status=to_status,
                                              comment=request.POST.get("comment", ""))
            except (PermissionDenied, ValidationError) as error:
                text = " ".join(getattr(error, "messages", [])) or _(
                    "This step is not possible for you now.")
                messages.error(request, f"{plan}: {text}")
            else:
                messages.success(request, _("%(plan)s: %(status)s.") % {
                    "plan": plan, "status": ActionPlan.Status(to_status).label})

    @admin.action(description=_("Approve the selected plans"),
                  permissions=["review"])
    def approve(self, request, queryset):
        self._transition(request, queryset, ActionPlan.Status.APPROVED)

    @admin.action(description=_("Ask for changes (write the reason as a comment first)"),
                  permissions=["review"])
    def request_changes(self, request, queryset):
        for plan in queryset:
            latest = plan.comments.filter(author=request.user).order_by("-created_at").first()
            if latest is None or (plan.decided_at and latest.created_at < plan.decided_at):
                messages.error(request, _("%(plan)s: write a comment saying what should change "
                                          "first.") % {"plan": plan})
                continue
            try:
                review.plan_transition(plan=plan, user=request.user,
                                              to_status=ActionPlan.Status.CHANGES_REQUESTED,
                                              comment=latest.body)
            except (PermissionDenied, ValidationError):
                messages.error(request, _("%(plan)s: this step is not possible now.") % {
                    "plan": plan})
            else:
                messages.success(request, _("%(plan)s: changes requested.") % {"plan": plan})

    def has_review_permission(self, request):
        return request.user.has_perm("plans.review_actionplan")

    @admin.action(description=_("Export the selected plans as CSV"))
    def export_plans_csv(self, request, queryset):
        response, writer = _csv_response("plans")
        writer.writerow([_("plan"), _("cluster"), _("country"), _("sector"), _("governance"),
                         _("status"), _("starting phase"), _("plan start"), _("plan end"),
                         _("index"), _("index band"), _("actions"), _("last change")])
        plans = queryset.select_related("cluster", "diagnostic__score__method").order_by("pk")
        counts = dict(Action.objects.filter(plan__in=plans).values_list("plan")
                      .annotate(n=Count("pk")))
        # Labels in the reader's language, never codes: the phases in one query.
        phases = {(p.version_id, p.key): p.title for p in
                  Phase.objects.filter(version__in=plans.values("playbook"))}
        for plan in plans:
            score = getattr(plan.diagnostic, "score", None)
            writer.writerow([_safe(v) for v in [
                plan.pk, plan.cluster.name, plan.cluster.country.name,
                plan.cluster.get_sector_display(), plan.cluster.get_governance_display(),
                plan.get_status_display(), phases.get((plan.playbook_id, plan.phase), plan.phase),
                plan.start_date, plan.end_date, f"{score.overall:.1f}" if score else "",
                band_label(score.method.definition, score.band) if score else "",
                counts.get(plan.pk, 0),
                timezone.localtime(plan.updated_at).isoformat(timespec="seconds")]])
        return response

    @admin.action(description=_("Export the actions of the selected plans as CSV"))
    def export_actions_csv(self, request, queryset):
        response, writer = _csv_response("actions")
        writer.writerow([_("plan"), _("cluster"), _("position"), _("action"), _("owner"),
                         _("start"), _("due"), _("target countries"), _("target markets"),
                         _("milestone"), _("milestone date"), _("funding source"),
                         _("indicator"), _("status")])
        actions = (Action.objects.filter(plan__in=queryset)
                   .select_related("plan__cluster", "owner", "funding")
                   .order_by("plan_id", "position", "pk"))
        for action in actions.iterator(chunk_size=2000):
            localize(action, ACTION_TEXTS)  # generated texts in the reader's language
            writer.writerow([_safe(v) for v in [
                action.plan_id, action.plan.cluster.name, action.position, action.title,
                action.owner_display, action.start_date, action.due_date,
                ", ".join(c.name for c in action.target_countries), action.target_markets,
                action.milestone, action.milestone_date or "",
                action.funding.title if action.funding else "", action.indicator,
                action.get_status_display()]])
        return response


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdminMixin, FollowedClustersMixin, admin.ModelAdmin):
    """Which reminders went to which owner, read-only: a deleted row would send the
    reminder again."""

    cluster_path = "action__plan__cluster"
    list_display = ["sent_at", "cluster", "action_title", "step", "milestone_date",
                    "recipient_name"]
    list_filter = ["step", "sent_at"]
    search_fields = ["action__title", "action__plan__cluster__name"]
    list_select_related = ["action__plan__cluster", "recipient"]
    fields = ["cluster", "action_title", "step", "milestone_date", "recipient_name", "sent_at"]
    readonly_fields = fields

    @admin.display(description=_("cluster"), ordering="action__plan__cluster__name")
    def cluster(self, obj):
        return obj.action.plan.cluster

    @admin.display(description=_("action"), ordering="action__title")
    def action_title(self, obj):
        return shown_text(obj.action, "title")  # in the reader's language, as elsewhere

    @admin.display(description=_("sent to"))
    def recipient_name(self, obj):
        return obj.recipient or "—"


# --- The playbook (administrators) ------------------------------------------------------------

@admin.register(PlaybookVersion)
class PlaybookVersionAdmin(FrozenWhenInUseMixin, admin.ModelAdmin):
    list_display = ["code", "is_published", "published_at", "created_at"]
    actions = ["copy_as_new_version"]

    def version_of(self, obj):
        return obj

    @admin.action(description=_("Copy as a new, unpublished version"), permissions=["add"])
    def copy_as_new_version(self, request, queryset):
        for version in queryset:
            copy = services.playbook_version_copy(version=version)
            messages.success(request, _("Created version %(code)s.") % {"code": copy.code})


class PlaybookItemAdmin(FrozenWhenInUseMixin, admin.ModelAdmin):
    list_display = ["key", "version", "position", "title"]
    list_filter = ["version"]
    search_fields = ["key", "title_texts", "description_texts"]
    list_select_related = ["version"]


for model in (Phase, FundingOption):
    admin.site.register(model, PlaybookItemAdmin)


@admin.register(Instrument)
class InstrumentAdmin(PlaybookItemAdmin):
    filter_horizontal = ["phases"]


@admin.register(BarrierMeasure)
class BarrierMeasureAdmin(PlaybookItemAdmin):
    filter_horizontal = ["instruments"]


@admin.register(ActionTemplate)
class ActionTemplateAdmin(PlaybookItemAdmin):
    list_display = ["key", "version", "phase", "instrument", "duration_months", "title"]
    list_filter = ["version", "phase__key"]
    list_select_related = ["version", "phase", "instrument"]
