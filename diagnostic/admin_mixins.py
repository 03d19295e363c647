"""Rules shared by the admin pages of the diagnostic app (and the apps above it)."""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField


class ReadOnlyAdminMixin:
    """Records kept as they were (reminders sent, peer positions): listed and read, never
    added, changed or deleted from the admin, whoever asks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FollowedClustersMixin:
    """The one place of the followed-clusters rule in the admin: facilitators reach the
    objects of the clusters they follow, and nothing else, in every view the admin has (list,
    change, delete, history, each version of the history and the actions); superusers reach
    everything. An object of another cluster is a 404, as on the site.

    `cluster_path` leads from the model to its cluster; "" when the model is the cluster."""

    cluster_path = "cluster"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        path = f"{self.cluster_path}__facilitators" if self.cluster_path else "facilitators"
        return queryset.filter(**{path: request.user})

    def get_object(self, request, object_id, from_field=None):
        # The admin answers an id it does not find with a redirect to its index and a
        # "does not exist" message; a 404 says no more and is what the site answers.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    # django-simple-history looks objects up in the history table, not through
    # get_queryset: its history list falls back to the last historical record, and a
    # version's page reads that version whatever its cluster. Both check the rule first.

    def history_view(self, request, object_id, extra_context=None):
        if not request.user.is_superuser:
            self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not request.user.is_superuser:
            self.get_object(request, unquote(object_id))
            # A POST here ("Revert") writes the old version over the object, outside the
            # services: a plan would go back from submitted to draft with no review step
            # recorded. Cluster data is reverted by superusers only.
            if request.method == "POST":
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        # Hides the Revert button from whoever history_form_view refuses it.
        return not request.user.is_superuser or super().revert_disabled(request, obj)


class FrozenWhenInUseMixin:
    """A version (of the questionnaire or of the playbook) that is in use is never edited
    in place: copy it instead."""

    def version_of(self, obj):
        return obj.version

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.version_of(obj).is_in_use:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.version_of(obj).is_in_use:
            return False
        return super().has_delete_permission(request, obj)


def _value_labels(model, path: str):
    field = get_fields_from_path(model, path)[-1]
    if isinstance(field, CountryField):
        return lambda code: countries.name(code) or code
    choices = dict(field.flatchoices or [])
    return lambda value: choices.get(value, value)


def present_values_filter(path: str, title=None):
    """A list filter that offers only the values found among the objects the person may see
    (the ModelAdmin's own queryset, so a facilitator's followed clusters), the most frequent
    first, each with its count: one grouped query, however many objects there are."""

    class PresentValuesFilter(admin.SimpleListFilter):
        parameter_name = path

        def __init__(self, request, params, model, model_admin):
            self.title = title or get_fields_from_path(model, path)[-1].verbose_name
            self._model = model
            super().__init__(request, params, model, model_admin)

        def lookups(self, request, model_admin):
            label = _value_labels(self._model, path)
            rows = (model_admin.get_queryset(request).order_by().values(path)
                    .annotate(n=Count("pk", distinct=True)).order_by("-n", path))
            return [(row[path], f"{label(row[path])} ({row['n']})") for row in rows
                    if row[path] not in (None, "")]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{path: self.value()})
            return queryset

    PresentValuesFilter.__name__ = f"PresentValuesFilter_{path}"
    return PresentValuesFilter


class HasFacilitatorFilter(admin.SimpleListFilter):
    """Clusters that no facilitator follows yet: what an administrator assigns."""

    title = _("facilitator")
    parameter_name = "has_facilitator"
    cluster_path = ""

    def lookups(self, request, model_admin):
        return [("no", _("none yet")), ("yes", _("assigned"))]

    def queryset(self, request, queryset):
        prefix = f"{self.cluster_path}__" if self.cluster_path else ""
        if self.value() == "no":
            return queryset.filter(**{f"{prefix}facilitators__isnull": True})
        if self.value() == "yes":
            return queryset.filter(**{f"{prefix}facilitators__isnull": False}).distinct()
        return queryset
