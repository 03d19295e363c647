"""Partner profiles, interests, matches, introductions, blocks and abuse reports in the
admin: administrators see everything; facilitators only what concerns the clusters they
follow (FollowedClustersMixin), read-only but for suspending a profile."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diagnostic.admin_mixins import FollowedClustersMixin

from . import services
from .models import AbuseReport, Block, Interest, Introduction, Match, PartnerProfile


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)


@admin.register(PartnerProfile)
class PartnerProfileAdmin(FollowedClustersMixin, admin.ModelAdmin):
    list_display = ["name", "country", "sector", "phase", "status", "is_demo", "suspended_at",
                    "updated_at"]
    list_filter = ["status", "is_demo", ("suspended_at", admin.EmptyFieldListFilter), "sector",
                   "phase", "country"]
    search_fields = ["name", "themes"]
    readonly_fields = ["cluster", "diagnostic", "status", "published_at", "suspended_at",
                       "suspended_reason", "updated_by", "updated_at", "revision"]
    exclude = ["themes_vector", "offers_vector", "seeks_vector"]
    actions = ["suspend", "reinstate"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.vectors_refresh(obj)  # the texts may have changed

    @admin.action(description=_("Suspend the selected profiles (they leave every list)"),
                  permissions=["suspend"])
    def suspend(self, request, queryset):
        for profile in queryset:
            services.profile_suspend(profile=profile, reason=_("Suspended by %(who)s")
                                     % {"who": request.user})
        messages.success(request, _("Suspended: %(n)d.") % {"n": queryset.count()})

    @admin.action(description=_("Lift the suspension"), permissions=["suspend"])
    def reinstate(self, request, queryset):
        for profile in queryset:
            services.profile_reinstate(profile=profile)
        messages.success(request, _("Reinstated: %(n)d.") % {"n": queryset.count()})

    def has_suspend_permission(self, request):
        return request.user.is_superuser


class BothSidesMixin(FollowedClustersMixin):
    """An interest concerns both clusters: a facilitator following either side sees it."""

    def get_queryset(self, request):
        queryset = super(FollowedClustersMixin, self).get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(Q(from_cluster__facilitators=request.user)
                               | Q(to_cluster__facilitators=request.user)).distinct()


@admin.register(Interest)
class InterestAdmin(ReadOnlyMixin, BothSidesMixin, admin.ModelAdmin):
    list_display = ["from_cluster", "to_cluster", "status", "created_at", "decided_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["from_cluster", "to_cluster"]
    readonly_fields = ["from_cluster", "to_cluster", "created_by", "decided_by", "decided_at"]


@admin.register(Match)
class MatchAdmin(InterestAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Interest.Status.ACCEPTED)


@admin.register(Introduction)
class IntroductionAdmin(ReadOnlyMixin, FollowedClustersMixin, admin.ModelAdmin):
    cluster_path = "cluster"
    list_display = ["interest", "facilitator", "created_at", "noted_at"]
    list_select_related = ["interest__from_cluster", "interest__to_cluster", "facilitator"]
    readonly_fields = ["interest", "cluster", "facilitator", "requested_by"]


@admin.register(Block)
class BlockAdmin(ReadOnlyMixin, FollowedClustersMixin, admin.ModelAdmin):
    list_display = ["cluster", "blocked", "created_at"]
    list_select_related = ["cluster", "blocked"]
    readonly_fields = ["cluster", "blocked", "created_by"]


@admin.register(AbuseReport)
class AbuseReportAdmin(ReadOnlyMixin, FollowedClustersMixin, admin.ModelAdmin):
    """Reports are for administrators; a facilitator sees those sent by followed clusters."""

    cluster_path = "cluster"
    list_display = ["reported", "cluster", "created_at", "handled"]
    list_filter = ["handled"]
    list_select_related = ["cluster", "reported"]
    readonly_fields = ["cluster", "reported", "created_by", "reason"]
