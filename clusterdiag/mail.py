"""Emails to several people, each in their own language, sent once the transaction that
caused them has committed (a rolled-back change emails nobody)."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import override


def administrators() -> list[tuple[str, str]]:
    """(email, language) of the site's active administrators."""
    return list(get_user_model().objects.filter(is_superuser=True, is_active=True)
                .exclude(email="").values_list("email", "language"))


def send_each_on_commit(recipients, *, subject_template: str, body_template: str,
                        context: dict) -> None:
    """One email per (email, language) pair, rendered in that language; each address once."""
    unique = list(dict(recipients).items())

    def send():
        for email, language in unique:
            with override(language or None):
                send_mail(subject=render_to_string(subject_template, context).strip(),
                          message=render_to_string(body_template, context),
                          from_email=None, recipient_list=[email])

    transaction.on_commit(send)
