"""Query parameters shared by the list routes: date windows, checked by a serializer so
that a bad value is a 400 with a message."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 1, 1)


class DateWindow(serializers.Serializer):
    updated_after = serializers.DateField(
        required=False, help_text=_("Only what changed on or after this day (YYYY-MM-DD)."))
    updated_before = serializers.DateField(
        required=False, help_text=_("Only what changed before this day (YYYY-MM-DD)."))

    def validate_updated_after(self, day):
        return _plausible(day)

    def validate_updated_before(self, day):
        return _plausible(day)


def _plausible(day: datetime.date) -> datetime.date:
    # A far year would overflow the time zone arithmetic of the database.
    if not EARLIEST <= day <= LATEST:
        raise serializers.ValidationError(_("Give a day between 2000 and 2100."))
    return day


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def date_window(queryset, query_params, field: str):
    """The queryset within ?updated_after= / ?updated_before= on `field`."""
    window = DateWindow(data=query_params)
    window.is_valid(raise_exception=True)
    if "updated_after" in window.validated_data:
        queryset = queryset.filter(**{f"{field}__gte": _start_of(
            window.validated_data["updated_after"])})
    if "updated_before" in window.validated_data:
        queryset = queryset.filter(**{f"{field}__lt": _start_of(
            window.validated_data["updated_before"])})
    return queryset
