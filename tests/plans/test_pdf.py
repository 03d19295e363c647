"""The action-plan PDF (issue 6): its content, in the user's language; reuse per plan
version; who may request, follow and download it; what the renderer may fetch."""

import datetime
import re
import socket
import threading
from collections import OrderedDict

import pytest
from django.urls import reverse
from django.utils import formats, translation
from kaleido._kaleido_tab._tab import _KaleidoTab

from clusterdiag import storage
from plans import services as plan_services
from plans.models import PdfJob
from plans.pdf import charts, fetcher, render, services
from tests.factories import (
    ClusterFactory,
    FacilitatorFactory,
    MembershipFactory,
    UserFactory,
    plan_for,
)

from .pdf_support import (
    add_actions,
    pdf_images,
    pdf_pages,
    pdf_text,
    warm_browser,  # noqa: F401 - used through usefixtures
)

# Charts come from one warm Chromium for the session, as in a worker process.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warm_browser")]


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


@pytest.fixture
def plan(team):
    plan = plan_for(team)
    first = plan.actions.order_by("position").first()
    first.owner, first.owner_role = team.member, "International officer"
    first.target_countries, first.target_markets = ["SE", "FI"], "Medical devices"
    first.milestone, first.milestone_date = "Partnership agreement signed", first.due_date
    first.save()
    return plan


@pytest.fixture
def request_pdf(client, django_capture_on_commit_callbacks):
    """POST "Download PDF" as the user (the task runs inline after the commit, as with no
    broker), then download the file."""
    def request_pdf(user, plan) -> bytes:
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("plans:pdf_request", args=[plan.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("plans:pdf_status", args=[plan.pk])
        download = client.get(reverse("plans:pdf_download", args=[plan.pk]))
        assert download.status_code == 200, download
        return b"".join(download.streaming_content)
    return request_pdf


def _short(day: datetime.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


# --- Content --------------------------------------------------------------------------------------

def test_the_pdf_holds_owners_dates_countries_and_milestones(request_pdf, team, plan):
    content = request_pdf(team.manager, plan)

    text = pdf_text(content)
    first = plan.actions.order_by("position").first()
    assert content.startswith(b"%PDF")
    assert "Action plan" in text and team.cluster.name in text
    assert f"{team.member.get_full_name()} (International officer)" in text
    assert "Sweden" in text and "Finland" in text and "Medical devices" in text
    assert _short(first.start_date, "en") in text and _short(first.due_date, "en") in text
    assert "Partnership agreement signed" in text
    with translation.override("en"):  # the PDF's language: generated titles follow it
        titles = [str(action) for action in plan.actions.all()]
    for title in titles:
        assert title in text
    assert "Tailored strategy" in text and "Why:" in text
    assert "Internationalisation index" in text and "2007 study" in text
    assert "Index computed with method 2026.2." in " ".join(text.split())
    # page numbers "p / n"
    pages = pdf_pages(content)
    assert re.search(rf"\b1 ?/ ?{pages}\b", text) and re.search(rf"\b{pages} ?/ ?{pages}\b", text)


def test_the_pdf_is_in_french_when_the_user_chose_french(request_pdf, team, plan):
    team.manager.language = "fr"
    team.manager.save()

    content = request_pdf(team.manager, plan)

    text = pdf_text(content)
    first = plan.actions.order_by("position").first()
    assert "Plan d'action" in text and "Jalons" in text and "Responsable" in text
    assert "Suède" in text and "Finlande" in text
    assert _short(first.due_date, "fr") in text and "Partnership agreement signed" in text
    assert "Stratégie sur mesure" in text and "Pourquoi" in text
    assert "Indice calculé avec la méthode 2026.2." in " ".join(text.split())
    assert PdfJob.objects.get().language == "fr"


def test_the_pdf_is_in_german_when_the_user_chose_german(request_pdf, team, plan):
    team.manager.language = "de"
    team.manager.save()

    content = request_pdf(team.manager, plan)

    text = pdf_text(content)
    first = plan.actions.order_by("position").first()
    assert "Aktionsplan" in text and "Meilensteine" in text and "Verantwortlich" in text
    assert "Schweden" in text and "Finnland" in text
    assert _short(first.due_date, "de") in text
    assert "Maßgeschneiderte Strategie" in text and "Warum" in text
    assert "Internationalisierungsindex" in text
    assert PdfJob.objects.get().language == "de"


def test_the_pdf_contains_the_chart_images(request_pdf, team, plan):
    content = request_pdf(team.manager, plan)

    # the radar of the dimension scores and the agenda's timeline, as exported images
    images = pdf_images(content)
    assert len(images) >= 2
    # embedded as exported (JPEG), not decoded and compressed again by WeasyPrint
    assert {line.split()[8] for line in images} == {"jpeg"}


class BrokenBrowser:
    closed = False

    def export(self, figures):
        raise RuntimeError("no browser")

    def close(self):
        self.closed = True


def test_a_chart_export_failure_costs_the_pictures_not_the_pdf(plan, monkeypatch):
    broken, started = BrokenBrowser(), []
    monkeypatch.setattr(charts, "_warm", broken)
    monkeypatch.setattr(charts, "start_warm_browser", lambda: started.append(True))
    monkeypatch.setattr(charts, "_exported", OrderedDict())  # none exported earlier

    rendered = render.plan_pdf(plan_id=plan.pk, language="en")

    assert pdf_images(rendered.content) == []
    assert "Chart not available" in pdf_text(rendered.content)
    # the page may be in any state after a failure: the next render gets a new browser
    assert broken.closed and started == [True]


def test_the_warm_browser_keeps_plotly_loaded_between_charts(plan, monkeypatch):
    """kaleido reloads its page (and the 4.6 MB plotly.js) after every chart, which
    was most of a render's CPU under load (issue 16): it now reloads every
    RELOAD_EVERY charts only."""
    reloads = []
    reload = _KaleidoTab.reload

    async def counted_reload(tab):
        reloads.append(tab)
        await reload(tab)

    monkeypatch.setattr(_KaleidoTab, "reload", counted_reload)
    monkeypatch.setattr(charts, "RELOAD_EVERY", 3)
    monkeypatch.setattr(charts._warm.browser.result(), "figures_since_reload", 0)
    monkeypatch.setattr(charts, "_exported", OrderedDict())  # none exported earlier

    rendered = render.plan_pdf(plan_id=plan.pk, language="en")

    charts_drawn = len(pdf_images(rendered.content))
    assert charts_drawn >= 2
    assert len(reloads) == charts_drawn // 3


def test_a_chart_already_exported_is_not_exported_again(plan, monkeypatch):
    """A plan asked for again after an edit keeps its results charts: only the changed
    figure (here: none) goes through the browser."""
    render.plan_pdf(plan_id=plan.pk, language="en")
    calls = []
    monkeypatch.setattr(charts, "_export", lambda figures: calls.append(figures) or [])

    again = render.plan_pdf(plan_id=plan.pk, language="en")

    assert calls == [[]]
    assert len(pdf_images(again.content)) >= 2


def test_the_page_count_grows_with_the_number_of_actions(team, plan):
    few = render.plan_pdf(plan_id=plan.pk, language="en")
    add_actions(plan, 60)
    many = render.plan_pdf(plan_id=plan.pk, language="en")

    assert many.pages > few.pages
    assert pdf_pages(many.content) == many.pages
    assert "Extra action 60" in pdf_text(many.content)


def test_the_action_table_header_is_repeated_on_every_page(team, plan):
    add_actions(plan, 60)

    rendered = render.plan_pdf(plan_id=plan.pk, language="en", with_images=False)

    text = pdf_text(rendered.content)
    table_pages = text.count("Target markets and countries")
    assert table_pages >= 3


# --- Jobs: reuse and replacement ------------------------------------------------------------------

def test_asking_again_for_the_same_version_reuses_the_stored_file(
        client, request_pdf, team, plan, private_root):
    request_pdf(team.manager, plan)
    job = PdfJob.objects.get()
    path = services.file_path(job)
    stamp = path.stat().st_mtime_ns

    client.force_login(team.member)
    client.post(reverse("plans:pdf_request", args=[plan.pk]))

    assert PdfJob.objects.count() == 1
    assert PdfJob.objects.get().attempts == 1
    assert path.stat().st_mtime_ns == stamp


def test_a_changed_plan_gets_a_new_file_that_replaces_the_old(
        request_pdf, team, plan, private_root):
    request_pdf(team.manager, plan)
    old = PdfJob.objects.get()
    old_path = services.file_path(old)
    action = plan.actions.order_by("position").first()
    plan_services.action_update(action=action, user=team.manager, revision=action.revision,
                                fields={"title": "Visit the Nordic partners",
                                        "start_date": action.start_date,
                                        "due_date": action.due_date,
                                        "owner": None, "owner_role": "Board"})
    plan.refresh_from_db()
    assert plan.revision > old.revision

    content = request_pdf(team.manager, plan)

    new = PdfJob.objects.get()
    assert new.revision == plan.revision and new.pk != old.pk
    assert "Visit the Nordic partners" in pdf_text(content)
    assert not old_path.exists()
    assert [p.name for p in (private_root / "pdf").rglob("*.pdf")] == [
        f"r{plan.revision}-en.pdf"]


def test_each_language_has_its_own_file(request_pdf, team, plan):
    request_pdf(team.manager, plan)
    team.member.language = "fr"
    team.member.save()

    request_pdf(team.member, plan)

    assert sorted(PdfJob.objects.values_list("language", flat=True)) == ["en", "fr"]


def test_the_file_is_written_whole_or_not_at_all(private_root, tmp_path, monkeypatch):
    target = private_root / "pdf" / "x.pdf"
    services.write_atomically(target, b"%PDF old")

    def crash(*args):
        raise KeyboardInterrupt  # like a worker killed between write and rename

    monkeypatch.setattr(storage.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        services.write_atomically(target, b"%PDF new and longer")

    assert target.read_bytes() == b"%PDF old"
    assert list((private_root / "tmp").iterdir()) == []


# --- Who may do what ------------------------------------------------------------------------------

ROLES = ["manager", "member", "following_facilitator", "superuser", "other_manager",
         "other_facilitator", "anonymous"]
ALLOWED = {"manager", "member", "following_facilitator", "superuser"}


@pytest.fixture
def people(team, plan):
    following = FacilitatorFactory()
    team.cluster.facilitators.add(following)
    other_cluster = ClusterFactory()
    other_manager = MembershipFactory(cluster=other_cluster).user
    other_cluster.facilitators.add(FacilitatorFactory())  # follows another cluster only
    return {"manager": team.manager, "member": team.member,
            "following_facilitator": following,
            "superuser": UserFactory(is_superuser=True, is_staff=True),
            "other_manager": other_manager, "other_facilitator": FacilitatorFactory(),
            "anonymous": None}


@pytest.fixture
def ready_plan(client, request_pdf, team, plan):
    request_pdf(team.manager, plan)
    client.logout()
    return plan


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_on_every_pdf_url(client, people, ready_plan, role):
    user = people[role]
    if user is not None:
        client.force_login(user)
    pk = ready_plan.pk
    status = client.get(reverse("plans:pdf_status", args=[pk]))
    polled = client.get(reverse("plans:pdf_status", args=[pk]), {"format": "json"})
    download = client.get(reverse("plans:pdf_download", args=[pk]))
    requested = client.post(reverse("plans:pdf_request", args=[pk]))

    if role in ALLOWED:
        assert status.status_code == 200
        assert polled.json()["ready"] is True
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert "no-store" in download["Cache-Control"]
        assert download["Content-Disposition"].startswith("attachment")
        assert requested.status_code == 302
        assert requested["Location"] == reverse("plans:pdf_status", args=[pk])
    else:
        assert [status.status_code, polled.status_code, download.status_code,
                requested.status_code] == [404, 404, 404, 404]
    assert PdfJob.objects.count() == 1  # nobody's request made a second job


def test_unknown_plans_are_404(client, team):
    client.force_login(team.manager)
    for name in ["pdf_status", "pdf_download"]:
        assert client.get(reverse(f"plans:{name}", args=[999999])).status_code == 404
    assert client.post(reverse("plans:pdf_request", args=[999999])).status_code == 404


def test_request_is_post_only_and_needs_the_csrf_token(team, plan):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(team.manager)
    url = reverse("plans:pdf_request", args=[plan.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert PdfJob.objects.count() == 0


def test_the_stored_file_has_no_public_address(client, team, ready_plan):
    job = PdfJob.objects.get()
    client.force_login(team.manager)
    for url in [f"/private/{job.file_name}", f"/{job.file_name}", f"/media/{job.file_name}",
                f"/static/{job.file_name}", f"/static/../private/{job.file_name}"]:
        assert client.get(url).status_code == 404, url


def test_download_before_the_file_is_ready_goes_to_the_status_page(client, team, plan):
    client.force_login(team.manager)

    response = client.get(reverse("plans:pdf_download", args=[plan.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:pdf_status", args=[plan.pk])


def test_the_status_page_polls_with_a_static_script_and_no_inline_js(client, team, plan):
    PdfJob.objects.create(plan=plan, revision=plan.revision, language="en")
    client.force_login(team.manager)

    response = client.get(reverse("plans:pdf_status", args=[plan.pk]))

    html = response.content.decode()
    assert "The PDF is being prepared" in html
    assert 'src="/static/js/pdf.js"' in html
    assert "<script>" not in html and "onclick" not in html
    assert "no-store" in response["Cache-Control"]


def test_the_download_box_offers_the_button_and_the_current_state(rf, team, plan):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = team.manager
    empty = render_to_string("plans/pdf/_download.html", {"plan": plan}, request=request)
    PdfJob.objects.create(plan=plan, revision=plan.revision, language="en")
    pending = render_to_string("plans/pdf/_download.html", {"plan": plan}, request=request)

    assert reverse("plans:pdf_request", args=[plan.pk]) in empty and "Download PDF" in empty
    assert "being prepared" in pending


# --- What the renderer may fetch ------------------------------------------------------------------

def test_user_text_is_escaped_and_nothing_outside_the_app_is_fetched(team, plan):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    hits = []

    def accept():
        while True:
            try:
                hits.append(listener.accept())
            except TimeoutError:
                continue
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    evil = (f'<img src="http://127.0.0.1:{port}/img"><link rel="stylesheet" '
            f'href="http://127.0.0.1:{port}/css"><b>bold</b>')
    action = plan.actions.order_by("position").first()
    action.title, action.description = "Evil <script>", evil
    action.target_markets = f"url(http://127.0.0.1:{port}/x)"
    action.save()
    plan.statement = f'<style>@import "http://127.0.0.1:{port}/s";</style> file:///etc/passwd'
    plan.save()
    try:
        html = render.plan_html(plan_id=plan.pk, language="en", with_images=False)
        rendered = render.html_to_pdf(html)
    finally:
        listener.close()

    assert hits == []
    assert "<img src=\"http://" not in html and "&lt;img src=" in html
    text = pdf_text(rendered.content)
    assert f'<img src="http://127.0.0.1:{port}/img">' in text and "Evil <script>" in text


def test_even_unescaped_html_cannot_make_the_renderer_fetch(tmp_path):
    """Defence in depth: the fetcher itself refuses every address outside the app."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(2)
    port = listener.getsockname()[1]
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not really a png")
    html = (f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/a.css"></head>'
            f'<body><img src="http://127.0.0.1:{port}/a.png"><img src="file://{secret}">'
            f'<img src="{fetcher.STATIC_BASE}../../clusterdiag/settings.py">hello</body></html>')
    try:
        rendered = render.html_to_pdf(html)
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
    assert "hello" in pdf_text(rendered.content)


@pytest.mark.parametrize("url", [
    "http://example.org/x.css", "https://clusterdiag.invalid/other/x.css", "file:///etc/passwd",
    "ftp://example.org/x.png", fetcher.STATIC_BASE + "../settings.py",
    fetcher.STATIC_BASE + "css/../../clusterdiag/settings.py", fetcher.STATIC_BASE + "js/app.js",
    fetcher.STATIC_BASE + "css/missing.css", fetcher.STATIC_BASE + "/etc/passwd.css",
])
def test_the_fetcher_refuses_everything_but_app_files(url):
    with pytest.raises(ValueError, match=r"URI uses disallowed protocol|not fetched"):
        fetcher.AppOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_app_stylesheet_and_data_uris():
    css = fetcher.AppOnlyFetcher().fetch(fetcher.STATIC_BASE + "css/pdf.css")
    data = fetcher.AppOnlyFetcher().fetch("data:text/plain;base64,aGk=")

    assert b"@page" in css.read() and css.content_type == "text/css"
    assert data.read() == b"hi"


def test_a_file_gone_missing_sends_the_download_to_the_status_page(client, team, ready_plan):
    services.file_path(PdfJob.objects.get()).unlink()
    client.force_login(team.manager)

    response = client.get(reverse("plans:pdf_download", args=[ready_plan.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:pdf_status", args=[ready_plan.pk])
