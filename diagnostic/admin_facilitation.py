"""Administrators define the facilitation offers, see the clusters that wait for a
facilitator and assign one in one step (the service emails the facilitator and the team)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from clusterdiag.models import FACILITATORS_GROUP
from clusterdiag.widgets import CountryPickerMedia, CountrySelectMultiple

from . import services
from .admin_mixins import FollowedClustersMixin
from .models import FacilitationOffer, FacilitationRequest, Sector


class FacilitationOfferForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label=_("sectors served"), choices=Sector.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Leave empty for every sector."))

    class Meta:
        model = FacilitationOffer
        fields = ["name_texts", "description_texts", "countries",
                  "sectors", "facilitators", "is_active", "position"]
        widgets = {"countries": CountrySelectMultiple}

    Media = CountryPickerMedia


@admin.register(FacilitationOffer)
class FacilitationOfferAdmin(admin.ModelAdmin):
    form = FacilitationOfferForm
    list_display = ["__str__", "is_active", "position"]
    list_filter = ["is_active"]
    filter_horizontal = ["facilitators"]


class AssignForm(forms.ModelForm):
    """One step: pick the facilitator (those of the asked-for offer come first)."""

    class Meta:
        model = FacilitationRequest
        fields = ["cluster", "facilitator"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        facilitator = self.fields["facilitator"]
        facilitator.required = True
        facilitator.queryset = get_user_model().objects.filter(
            groups__name=FACILITATORS_GROUP, is_active=True).order_by("email")
        offer = self.instance.offer if self.instance.pk else None
        if offer is not None:
            names = ", ".join(str(u) for u in offer.facilitators.all())
            facilitator.help_text = _("Facilitators of “%(offer)s”: %(names)s.") % {
                "offer": offer, "names": names or "–"}
        if self.instance.pk:
            self.fields["cluster"].disabled = True


class PendingRequestFilter(admin.SimpleListFilter):
    """Clusters whose team asked for a facilitator and still waits: what an administrator
    answers first."""

    title = _("request for a facilitator")
    parameter_name = "facilitation_request"

    def lookups(self, request, model_admin):
        return [("pending", _("waiting for a facilitator"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(
                facilitation_requests__status=FacilitationRequest.Status.PENDING).distinct()
        return queryset


@admin.register(FacilitationRequest)
class FacilitationRequestAdmin(FollowedClustersMixin, admin.ModelAdmin):
    form = AssignForm
    list_display = ["cluster", "offer", "status", "requested_by", "requested_at", "facilitator",
                    "decided_at"]
    list_filter = ["status", "offer"]
    list_select_related = ["cluster", "offer", "requested_by", "facilitator"]
    search_fields = ["cluster__name"]
    readonly_fields = ["offer", "status", "requested_by", "requested_at", "decided_by",
                       "decided_at"]
    ordering = ["-status", "requested_at"]  # pending first, oldest first

    def has_change_permission(self, request, obj=None):
        # Assigning is an administrator's step; facilitators may only read.
        return request.user.is_superuser

    has_add_permission = has_change_permission

    def save_model(self, request, obj, form, change):
        # The form offers only facilitators, so the service has nothing to refuse here.
        services.facilitator_assign(cluster=form.cleaned_data["cluster"],
                                    facilitator=form.cleaned_data["facilitator"],
                                    by=request.user)
        # The service saved the request (the pending one, or a new record of the decision).
        saved = FacilitationRequest.objects.filter(
            cluster=form.cleaned_data["cluster"]).order_by("-decided_at").first()
        obj.pk = saved.pk
        messages.info(request, _("%(who)s now follows %(cluster)s; they and the team were "
                                 "emailed.") % {"who": saved.facilitator,
                                                "cluster": saved.cluster})

    def save_related(self, request, form, formsets, change):
        pass  # nothing related: the service did the work
