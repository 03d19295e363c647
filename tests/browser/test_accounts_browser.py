import re

import pytest
from playwright.sync_api import expect

from clusterdiag.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_signs_up_logs_in_and_reads_the_site_in_french(live_server, page):
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up", exact=True).click()
    page.get_by_label("Email address").fill("chloe@example.org")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("Blue-Harbour-1987")
    page.get_by_label("Password confirmation").fill("Blue-Harbour-1987")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome to ClusterDiag")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in", exact=True).first.click()
    page.get_by_label("Email address").fill("chloe@example.org")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("Blue-Harbour-1987")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="chloe@example.org")).to_be_visible()

    page.get_by_role("button", name="Français").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Internationalisez votre cluster, avec un plan")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^fr"))
    assert User.objects.get(email="chloe@example.org").language == "fr"
