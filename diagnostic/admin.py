from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import admin_facilitation, services  # admin_facilitation also registers its admins
from .admin_mixins import (
    FollowedClustersMixin,
    FrozenWhenInUseMixin,
    HasFacilitatorFilter,
    present_values_filter,
)
from .models import (
    Answer,
    Cluster,
    Diagnostic,
    Invitation,
    Membership,
    Option,
    Question,
    QuestionnaireVersion,
    Section,
)


class MembershipInline(admin.StackedInline):
    # Stacked: the tabular inline's fields have no label of their own (WCAG 1.3.1, 4.1.2).
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Cluster)
class ClusterAdmin(FollowedClustersMixin, admin.ModelAdmin):
    cluster_path = ""  # the cluster itself
    list_display = ["name", "country", "region", "sector", "governance", "facilitator_names",
                    "is_demo", "created_at"]
    list_filter = [HasFacilitatorFilter, admin_facilitation.PendingRequestFilter,
                   present_values_filter("country"),
                   present_values_filter("sector"), present_values_filter("governance"),
                   "is_demo"]
    search_fields = ["name", "region"]
    # No filter_horizontal: its widget puts an aria-label on a bare <span> (WCAG 4.1.2);
    # the plain multiple select is labelled and works with the keyboard.
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("facilitators")

    @admin.display(description=_("facilitators"))
    def facilitator_names(self, obj):
        return ", ".join(str(u) for u in obj.facilitators.all()) or "—"


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "value", "updated_by", "updated_at"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question__section", "updated_by")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Diagnostic)
class DiagnosticAdmin(FollowedClustersMixin, admin.ModelAdmin):
    list_display = ["cluster", "run", "status", "version", "benchmark_consent", "submitted_at",
                    "updated_at"]
    # The benchmark app adds the index band filter (benchmark/admin.py).
    list_filter = ["status", present_values_filter("cluster__country"),
                   present_values_filter("cluster__sector"),
                   present_values_filter("cluster__governance"), "benchmark_consent", "version"]
    search_fields = ["cluster__name", "cluster__region"]
    list_select_related = ["cluster", "version"]
    readonly_fields = ["cluster", "version", "run", "created_by", "created_at", "updated_at",
                       "submitted_at", "submitted_by", "profile", "current_section"]
    inlines = [AnswerInline]
    date_hierarchy = "updated_at"


@admin.register(Answer)
class AnswerAdmin(FollowedClustersMixin, admin.ModelAdmin):
    cluster_path = "diagnostic__cluster"
    list_display = ["diagnostic", "question_key", "value", "updated_by", "updated_at"]
    list_filter = ["diagnostic__status", present_values_filter("diagnostic__cluster__country"),
                   present_values_filter("diagnostic__cluster__sector"),
                   present_values_filter("diagnostic__cluster__governance"),
                   "question__section__version", "question__section__key"]
    search_fields = ["question__key", "diagnostic__cluster__name"]
    list_select_related = ["diagnostic__cluster", "question", "updated_by"]
    readonly_fields = ["diagnostic", "question", "value", "updated_by", "updated_at"]

    @admin.display(description=_("question"), ordering="question__key")
    def question_key(self, obj):
        return obj.question.key


@admin.register(Invitation)
class InvitationAdmin(FollowedClustersMixin, admin.ModelAdmin):
    list_display = ["email", "cluster", "invited_by", "created_at", "accepted_at", "revoked_at"]
    list_filter = ["accepted_at", "revoked_at"]
    search_fields = ["email", "cluster__name"]
    list_select_related = ["cluster", "invited_by"]
    readonly_fields = ["token", "accepted_at", "accepted_by"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["position", "key", "kind", "title_texts"]
    show_change_link = True


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "key", "kind", "required", "study_key", "label_texts"]
    show_change_link = True


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    fields = ["position", "key", "label_texts", "exclusive"]


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(FrozenWhenInUseMixin, admin.ModelAdmin):
    list_display = ["code", "title", "is_published", "published_at", "diagnostic_count"]
    inlines = [SectionInline]
    actions = ["copy_as_new_version"]

    def version_of(self, obj):
        return obj

    @admin.display(description=_("diagnostics"))
    def diagnostic_count(self, obj):
        return obj.diagnostics.count()

    @admin.action(description=_("Copy as a new, unpublished version"), permissions=["add"])
    @transaction.atomic
    def copy_as_new_version(self, request, queryset):
        for version in queryset:
            copy = services.questionnaire_version_copy(version=version)
            messages.success(request, _("Created version %(code)s.") % {"code": copy.code})


@admin.register(Section)
class SectionAdmin(FrozenWhenInUseMixin, admin.ModelAdmin):
    list_display = ["version", "position", "key", "title"]
    list_filter = ["version"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(FrozenWhenInUseMixin, admin.ModelAdmin):
    list_display = ["key", "section", "kind", "required", "study_key", "label"]
    list_filter = ["section__version", "kind", "required"]
    search_fields = ["key", "label_texts", "study_key"]
    list_select_related = ["section__version"]
    inlines = [OptionInline]

    def version_of(self, obj):
        return obj.section.version

