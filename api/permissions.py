"""Who may call the API: a person (by token or session). An object route answers 404 to
nobody-in-particular as to anybody who may not see the object, so that nobody learns which
objects exist; a list route tells an anonymous caller to authenticate (401)."""

from rest_framework import exceptions, permissions


class IsAuthenticatedOr404(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.user and request.user.is_authenticated:
            return True
        if view.kwargs:
            raise exceptions.NotFound
        return False
