"""An administrator imports a benchmark set in the admin (a bad file first), publishes it,
and a cluster manager reads it beside the 2007 study, in English and in French."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from diagnostic import services
from tests.conftest import PROFILE_FIELDS
from tests.factories import IMPORTED_ROWS, ClusterFactory, UserFactory, submitted_diagnostic

from .test_plans_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page, live_server, content: str):
    page.goto(live_server.url + reverse("admin:benchmark_importedreference_add"))
    page.get_by_label("Title (English)").fill("Programme X benchmark")
    page.get_by_label("Title (French)").fill("Benchmark du programme X")
    page.get_by_label("Title (German)").fill("Benchmark des Programms X")
    page.get_by_label("File (CSV or XLSX)").set_input_files(
        files=[{"name": "programme.csv", "mimeType": "text/csv", "buffer": content.encode()}])
    page.get_by_role("button", name="Save", exact=True).click()


def test_an_imported_set_is_previewed_published_and_read_beside_the_study(live_server, page):
    manager = UserFactory(email="lena@example.org")
    cluster = services.cluster_create(
        user=manager, **{f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS})
    team = SimpleNamespace(cluster=cluster, manager=manager, diagnostic=cluster.diagnostics.get())
    diagnostic = submitted_diagnostic(team)
    UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    log_in(page, live_server, "root@example.org")

    _upload(page, live_server, IMPORTED_ROWS + "dimension,,,strategy,61,exact,3,S,2024\n")
    preview = page.get_by_test_id("import-preview")
    expect(preview.locator("[data-row='4']")).to_contain_text(
        "n must be at least 5, the smallest group shown.")
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()

    _upload(page, live_server, IMPORTED_ROWS)
    expect(page.locator(".messagelist")).to_contain_text("Programme X benchmark")
    page.locator("#result_list").get_by_role("link", name="Programme X benchmark").click()
    expect(page.get_by_test_id("import-preview")).to_contain_text("about 22.5 %")
    page.goto(live_server.url + reverse("admin:benchmark_importedreference_changelist"))
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    expect(page.locator(".messagelist")).to_contain_text("Published: Programme X benchmark")

    log_in(page, live_server, manager.email)
    results = live_server.url + reverse("benchmark:diagnostic_results", args=[diagnostic.pk])
    page.goto(results)
    table = page.locator("[data-question=expected_barriers] table")
    expect(page.get_by_test_id("imported-note")).to_contain_text("Programme X benchmark")
    expect(table.get_by_role("columnheader", name="Programme X benchmark")).to_be_visible()
    expect(table.locator("[data-option=q3_trust]")).to_contain_text(
        re.compile(r"about 22\.5 %.*Programme X, 2024, n = 40"))
    page.context.add_cookies([{"name": "django_language", "value": "fr",
                               "url": live_server.url}])
    page.goto(results)
    expect(page.get_by_test_id("imported-note")).to_contain_text("Benchmark du programme X")
    expect(table.locator("[data-option=q3_trust]")).to_contain_text("environ 22.5 %")
