"""Imported benchmark sets: an administrator imports a file, reads its preview, publishes
and withdraws it; the results page and the PDF show it beside the 2007 study."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmark import imported_services, services
from benchmark.imported_models import ImportedFigure, ImportedReference
from benchmark.models import Cohort
from diagnostic import services as diagnostic_services
from plans.pdf import render
from tests.factories import IMPORTED_ROWS, answer_everything, imported_set, plan_for

from .test_statistics import seed_entries

pytestmark = [pytest.mark.django_db]

ADD = reverse("admin:benchmark_importedreference_add")
CHANGELIST = reverse("admin:benchmark_importedreference_changelist")
GOOD = IMPORTED_ROWS


def _upload(client, content: str, name: str = "programme.csv"):
    return client.post(ADD, {"title_en": "Programme X benchmark",
                             "title_fr": "Benchmark du programme X",
                             "title_de": "Benchmark des Programms X",
                             "file": SimpleUploadedFile(name, content.encode()),
                             "_save": "Save"})


def _publish(client, reference):
    return client.post(CHANGELIST, {"action": "publish", "_selected_action": reference.pk,
                                    "index": "0"}, follow=True)


def test_a_bad_file_gets_a_message_on_every_row_and_changes_nothing(admin_client):
    content = GOOD + ("option,expected_barriers,nope,,10,exact,5,S,2024\n"
                      "dimension,,,strategy,10,exact,2,S,2024\n")

    response = _upload(admin_client, content)

    preview = response.context["preview"]
    assert response.status_code == 200
    assert [(r["row"], r["errors"]) for r in preview] == [
        (2, []), (3, []),
        (4, ["“nope” is not an answer of question “expected_barriers”."]),
        (5, ["n must be at least 5, the smallest group shown."])]
    assert "2 rows have errors (see their messages below): nothing was imported." in \
        html.unescape(response.text)
    assert ImportedReference.objects.count() == 0
    assert ImportedFigure.objects.count() == 0


def test_a_file_that_is_not_a_table_gets_a_message_next_to_the_field(admin_client):
    response = _upload(admin_client, "\x00\x01garbage", name="x.xlsx")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"] == [
        "The file is not a readable XLSX workbook."]
    assert ImportedReference.objects.count() == 0


def test_a_good_file_is_a_draft_with_its_preview_until_published(admin_client):
    response = _upload(admin_client, GOOD)

    reference = ImportedReference.objects.get()
    preview = admin_client.get(reverse("admin:benchmark_importedreference_change",
                                       args=[reference.pk]))
    assert response.status_code == 302
    assert reference.status == ImportedReference.Status.DRAFT
    assert reference.title == {"en": "Programme X benchmark", "fr": "Benchmark du programme X",
                               "de": "Benchmark des Programms X"}
    assert reference.file_name == "programme.csv"
    assert [(r["key"], r["value"], r["errors"]) for r in preview.context["preview"]] == [
        ("expected_barriers / q3_trust", "about 22.5 %", []), ("strategy", "61", [])]
    assert ImportedReference.objects.published().count() == 0


def test_publish_then_withdraw(admin_client):
    _upload(admin_client, GOOD)
    reference = ImportedReference.objects.get()

    _publish(admin_client, reference)
    reference.refresh_from_db()
    published = reference.status
    admin_client.post(CHANGELIST, {"action": "withdraw", "_selected_action": reference.pk,
                                   "index": "0"})
    reference.refresh_from_db()

    listed = admin_client.get(CHANGELIST)
    assert listed.status_code == 200
    assert [(str(r), r.figures.count()) for r in listed.context["cl"].result_list] == [
        ("Programme X benchmark", 2)]
    assert published == ImportedReference.Status.PUBLISHED
    assert reference.status == ImportedReference.Status.WITHDRAWN
    assert reference.withdrawn_at is not None
    assert ImportedReference.objects.published().count() == 0


def test_a_withdrawn_set_is_not_published_again_nor_deleted(admin_client):
    _upload(admin_client, GOOD)
    reference = ImportedReference.objects.get()
    imported_services.imported_reference_withdraw(reference=reference)

    response = _publish(admin_client, reference)
    delete = admin_client.post(reverse("admin:benchmark_importedreference_delete",
                                       args=[reference.pk]), {"post": "yes"})

    reference.refresh_from_db()
    assert reference.status == ImportedReference.Status.WITHDRAWN
    assert "Only a draft can be published" in response.text
    assert delete.status_code == 403
    assert ImportedReference.objects.count() == 1


# --- Shown beside the 2007 study ---------------------------------------------------------------

@pytest.fixture
def submitted(team):
    answer_everything(team.diagnostic, team.manager)
    diagnostic_services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                                          benchmark_consent=True)
    services.statistics_refresh(cohort=Cohort.LIVE)
    return team


def _results(client, team):
    client.force_login(team.manager)
    return client.get(reverse("benchmark:diagnostic_results", args=[team.diagnostic.pk]))


def test_the_results_page_shows_a_published_set_with_source_year_and_n(client, submitted):
    before = _results(client, submitted)
    imported_set()

    after = _results(client, submitted)

    text = html.unescape(after.text)
    assert "Programme X benchmark" not in html.unescape(before.text)
    assert "Further references" in text and "Programme X benchmark" in text
    barriers = next(c for c in after.context["comparisons"] if c.key == "expected_barriers")
    assert barriers.imported_titles == ["Programme X benchmark"]
    assert {r.key: r.imported for r in barriers.rows}["q3_trust"] == [
        ("about 22.5 %", "approximate; Programme X, 2024, n = 40")]
    assert {r.key: r.imported for r in barriers.rows}["q3_other"] == [None]
    assert "not in this set" in text
    strategy = next(d for d in after.context["dimensions"] if d["key"] == "strategy")
    assert strategy["imported"] == [("61", "exact; Programme X, 2025, n = 12")]


def test_a_withdrawn_set_disappears_at_once(client, submitted):
    reference = imported_set()
    shown = _results(client, submitted)

    imported_services.imported_reference_withdraw(reference=reference)
    after = _results(client, submitted)

    assert "Programme X benchmark" in html.unescape(shown.text)
    assert "Programme X benchmark" not in html.unescape(after.text)


def test_the_results_page_in_french_reads_the_set_in_french(client, submitted):
    imported_set()
    client.cookies["django_language"] = "fr"

    text = html.unescape(_results(client, submitted).text)

    assert "Benchmark Programme X" in text
    assert "environ 22.5 %" in text


def test_the_results_page_costs_the_same_queries_with_one_set_or_three(client, submitted):
    seed_entries(12, seed=61)

    def count():
        services.statistics_refresh(cohort=Cohort.LIVE)
        client.force_login(submitted.manager)
        with CaptureQueriesContext(connection) as context:
            client.get(reverse("benchmark:diagnostic_results", args=[submitted.diagnostic.pk]))
        return len(context.captured_queries)

    imported_set("One")
    one = count()
    imported_set("Two")
    imported_set("Three")
    three = count()

    assert one == three
    assert three <= 18


def test_the_pdf_shows_the_set_beside_the_2007_study(team):
    plan = plan_for(team)
    imported_set()

    english = html.unescape(render.plan_html(plan_id=plan.pk, language="en",
                                             with_images=False))
    french = html.unescape(render.plan_html(plan_id=plan.pk, language="fr",
                                            with_images=False))

    assert "Programme X benchmark" in english
    words = " ".join(re.sub(r"<[^>]+>", " ", english).split())
    assert "61 (exact; Programme X, 2025, n = 12)" in words
    assert "Benchmark Programme X" in french
