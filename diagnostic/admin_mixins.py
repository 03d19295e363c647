"""Rules shared by the admin pages of the diagnostic app."""


class FollowedClustersMixin:
    """Facilitators see the clusters they follow; superusers see everything."""

    cluster_path = "cluster"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.cluster_path}__facilitators": request.user})


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
