"""The middleware that every request passes (clusterdiag/middleware.py): what /ping, the
yardstick of the benchmarks, answers must not change when the middleware is made cheaper."""

import pytest
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.functional import empty

from benchmark.models import ReferenceFigure
from clusterdiag.middleware import MessageMiddleware
from clusterdiag.urls import urlpatterns as site_urlpatterns

pytestmark = [pytest.mark.django_db]


def _headers(response) -> dict:
    return {name: value for name, value in response.headers.items() if name != "Date"}


def test_anonymous_ping_keeps_every_header(client):
    response = client.get("/ping")

    headers = _headers(response)
    assert response.content == b"pong"
    assert "object-src 'none'" in headers.pop("Content-Security-Policy").split("; ")
    assert headers == {
        "Content-Type": "text/plain", "Content-Length": "4", "X-Frame-Options": "DENY",
        "Vary": "Accept-Language, Cookie", "Content-Language": "en",
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin"}
    assert not response.cookies


@pytest.mark.parametrize("accept, cookie, expected", [
    ("fr-FR,fr;q=0.9", None, "fr"), ("de", None, "de"), ("xx", None, "en"),
    ("de", "fr", "fr"), (None, "xx", "en")])
def test_ping_answers_in_the_language_of_the_cookie_or_the_browser(client, accept, cookie,
                                                                   expected):
    if cookie:
        client.cookies["django_language"] = cookie
    response = client.get("/ping", headers={"accept-language": accept} if accept else {})

    assert response.headers["Content-Language"] == expected


def test_a_logged_in_users_language_wins_at_ping(client, user):
    user.language = "de"
    user.save()
    client.force_login(user)

    response = client.get("/ping", headers={"accept-language": "fr"})

    assert response.headers["Content-Language"] == "de"
    assert response.cookies["django_language"].value == "de"


def _add_message(request):
    messages.success(request, "Saved.")
    return redirect("/messages/read/")


def _read_messages(request):
    return HttpResponse(" ".join(str(m) for m in messages.get_messages(request)))


def _save_a_figure(request):
    # A write that names nobody: simple_history takes the user from the request.
    figure = ReferenceFigure.objects.order_by("pk").first()
    figure.note = f"touched by a {request.method}"
    figure.save()
    return HttpResponse("")


urlpatterns = [path("messages/add/", _add_message), path("messages/read/", _read_messages),
               path("figures/touch/", _save_a_figure), *site_urlpatterns]


@pytest.mark.urls(__name__)
def test_a_message_is_kept_for_the_next_page_then_gone(client):
    client.get("/messages/add/")

    assert client.get("/messages/read/").text == "Saved."
    assert client.get("/messages/read/").text == ""


def test_a_request_without_messages_builds_no_message_storage(rf):
    request = rf.get("/ping")
    request.session = {}
    middleware = MessageMiddleware(lambda request: None)

    middleware.process_request(request)
    middleware.process_response(request, None)

    assert request._messages._wrapped is empty


# Who made a change comes from the request for the methods that may write; a GET never
# writes (tests/security), so the middleware skips it, and one that did would record nobody.
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("method, recorded", [("post", True), ("get", False)])
def test_a_change_records_who_made_it_when_the_method_may_write(client, user, method, recorded):
    client.force_login(user)

    getattr(client, method)("/figures/touch/")

    record = ReferenceFigure.history.order_by("-history_id").first()
    assert (record.note, record.history_user) == (f"touched by a {method.upper()}",
                                                  user if recorded else None)
