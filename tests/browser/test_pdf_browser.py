"""The PDF status page in Chromium: static/js/pdf.js polls until the file is ready, then
offers it, under the site's Content-Security-Policy (no inline script)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import PdfJob
from plans.pdf import services
from tests.factories import PASSWORD, plan_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_status_page_offers_the_pdf_as_soon_as_it_is_ready(
        live_server, page, team, settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    plan = plan_for(team)
    job = PdfJob.objects.create(plan=plan, revision=plan.revision, language="en")
    csp_errors = []
    page.on("console", lambda message: csp_errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Email address").fill(team.manager.email)
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(live_server.url + reverse("plans:pdf_status", args=[plan.pk]))
    expect(page.get_by_test_id("pdf-being-prepared")).to_be_visible()
    expect(page.get_by_test_id("pdf-download")).to_be_hidden()

    # The worker finishes (here: by hand), and the page notices without a reload.
    job.file_name = job.storage_name
    services.write_atomically(services.file_path(job), b"%PDF-1.7 test")
    job.status = PdfJob.Status.DONE
    job.save()
    expect(page.get_by_test_id("pdf-download")).to_be_visible(timeout=15_000)
    with page.expect_download() as download:
        page.get_by_test_id("pdf-download").click()

    assert download.value.suggested_filename == f"action-plan-{plan.pk}-v{plan.revision}-en.pdf"
    assert csp_errors == []
