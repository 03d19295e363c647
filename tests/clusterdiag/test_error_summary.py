"""The error summary at the top of every page whose form has errors (GOV.UK pattern)."""

import re

import pytest
from django import forms
from django.urls import reverse

from clusterdiag.templatetags.error_summary import PageError, form_errors_of

pytestmark = [pytest.mark.django_db]


class _Form(forms.Form):
    name = forms.CharField(label="Name")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")],
                             widget=forms.RadioSelect)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Something is off.")


def test_every_error_is_listed_with_a_link_to_its_field():
    form = _Form(data={"secret": "x"})

    errors = form_errors_of([form, form, "not a form", _Form()])  # twice, and unbound

    assert errors == [PageError("", "Something is off.", "id_name"),
                      PageError("Name", "This field is required.", "id_name"),
                      PageError("Kind", "This field is required.", "id_kind_0")]


def _summary(html: str) -> list[tuple[str, str]]:
    block = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)
    assert block, "no error summary"
    return re.findall(r'<a class="alert-link" href="#([^"]+)">([^<]+)</a>', block.group(0))


def test_a_form_page_with_errors_starts_with_the_summary(client, user):
    client.force_login(user)

    response = client.post(reverse("diagnostic:cluster_create"), {"name": "", "country": "FR"})

    links = _summary(response.text)
    assert ("id_name", "Cluster name: This field is required.") in links
    assert {anchor for anchor, _text in links} >= {"id_name", "id_sector", "id_governance_0"}
    main = response.text.index("<main")
    assert main < response.text.index("error-summary") < response.text.index("<form", main)
    assert "<title>Error: " in response.text


def test_the_summary_is_in_french(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "fr"

    response = client.post(reverse("diagnostic:cluster_create"), {"name": ""})

    assert "Il y a un problème" in response.text and "<title>Erreur : " in response.text


def test_a_questionnaire_step_links_its_errors(client, team):
    client.force_login(team.manager)
    url = reverse("diagnostic:diagnostic_step", args=[team.diagnostic.pk, "driving_force"])

    response = client.post(url, {"q_intl_staff_fte": "-5", "_action": "next"})

    assert [a for a, _t in _summary(response.text)] == ["id_q_intl_staff_fte"]


def test_a_page_without_errors_has_no_summary(client, user):
    client.force_login(user)

    response = client.get(reverse("diagnostic:cluster_create"))

    assert "error-summary" not in response.text and "<title>Error" not in response.text
