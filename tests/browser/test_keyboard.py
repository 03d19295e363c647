"""A person who uses no mouse fills in and submits the questionnaire, then edits an action
of the plan, with the keyboard only (Tab, Space, typing, Enter), and can see where the
focus is at every step."""

import re

import pytest
from django.urls import reverse

from diagnostic.models import Answer, Diagnostic
from plans.models import Action
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the focused element looks like: its tag, type, name, whether its radio or checkbox
# group already has a choice, whether it is in a rows table (optional: left empty), and
# whether its focus can be seen (an outline or a focus shadow, inside the viewport).
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const group = el.name ? document.querySelectorAll(`[name="${el.name}"]:checked`).length : 0;
  return {tag: el.tagName.toLowerCase(), type: (el.type || "").toLowerCase(),
          name: el.name || "", value: el.value || "", text: (el.innerText || "").trim(),
          groupChosen: group > 0, inRows: !!el.closest(".rows-table"),
          look: [style.outlineStyle, style.outlineWidth, style.boxShadow, box.top, box.bottom,
                 window.innerHeight, el.matches(":focus-visible")],
          visible: (outline || shadow) && box.width > 0 && box.height > 0
                   && box.bottom > 0 && box.top < window.innerHeight};
}"""


def _tab(page, shift=False):
    page.keyboard.press("Shift+Tab" if shift else "Tab")
    focused = page.evaluate(FOCUSED)
    if focused["tag"] == "body":
        return focused  # Tab went past the last control, to the browser's own stops
    assert focused["visible"], f"focus not visible on {focused} at {page.url}"
    return focused


def _answer(page, focused):
    """Answer the focused control the way a keyboard user would, if it is still empty."""
    kind, tag = focused["type"], focused["tag"]
    if focused["inRows"] or focused["name"].startswith("_"):
        return
    if kind in ("radio", "checkbox") and not focused["groupChosen"]:
        page.keyboard.press("Space")
    elif tag == "textarea" or kind == "text":
        if not focused["value"]:
            page.keyboard.type("Answered with the keyboard")
    elif kind == "number" and not focused["value"]:
        page.keyboard.type("3")


def _tab_to(page, matches, *, answer=False, limit=400):
    for _ in range(limit):
        focused = _tab(page)
        if matches(focused):
            return focused
        if answer:
            _answer(page, focused)
    raise AssertionError(f"never reached the control at {page.url}")


def _log_in(page, base, email):
    # Bootstrap scrolls smoothly unless motion is reduced: the focused control would still be
    # on its way into view when its position is read.
    page.emulate_media(reduced_motion="reduce")
    page.goto(base + reverse("login"))
    _tab_to(page, lambda f: f["name"] == "username")
    page.keyboard.type(email)
    _tab(page)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def test_fill_submit_and_edit_an_action_with_the_keyboard_only(live_server, page, team):
    draft = team.diagnostic
    base = live_server.url
    _log_in(page, base, team.manager.email)

    page.goto(base + reverse("diagnostic:diagnostic_detail", args=[draft.pk]))
    for _step in range(20):
        if "/review/" in page.url:
            break
        current = page.url
        _tab_to(page, lambda f: f["tag"] == "button" and f["value"] == "next", answer=True)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url, current=current: url != current)
    assert "/review/" in page.url, page.url
    _tab_to(page, lambda f: f["tag"] == "button" and re.match("Submit and lock", f["text"]))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/results/"))
    assert page.get_by_test_id("method-note").inner_text() == "Index computed with method 2026.2."

    draft.refresh_from_db()
    assert draft.status == Diagnostic.Status.SUBMITTED
    assert Answer.objects.filter(diagnostic=draft, question__key="main_objectives").get().value \
        == "Answered with the keyboard"

    page.goto(base + reverse("plans:strategy", args=[draft.pk]))
    _tab_to(page, lambda f: f["tag"] == "button" and re.search("plan", f["text"], re.I))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/plans/\d+/(#[-\w]*)?$"))
    action = Action.objects.filter(plan__diagnostic=draft).order_by("position", "pk").first()
    _tab_to(page, lambda f: f["tag"] == "a" and f"/actions/{action.pk}/" in page.evaluate(
        "() => document.activeElement.getAttribute('href') || ''"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/actions/{action.pk}/$"))
    _tab_to(page, lambda f: f["name"] == "title")
    page.keyboard.press("Control+A")
    page.keyboard.type("Trade mission to Québec, planned by keyboard")
    _tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Save")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/plans/\d+/(#[-\w]*)?$"))

    action.refresh_from_db()
    assert action.title == "Trade mission to Québec, planned by keyboard"


def test_the_error_summary_takes_the_focus_and_links_to_the_field(live_server, page):
    UserFactory(email="keys@example.org")
    _log_in(page, live_server.url, "keys@example.org")
    page.goto(live_server.url + reverse("diagnostic:cluster_create"))
    _tab_to(page, lambda f: f["tag"] == "button" and f["text"].startswith("Register"))
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    assert summary.evaluate("el => el === document.activeElement")
    first_link = summary.locator("a").first
    target = first_link.get_attribute("href")
    _tab(page)
    page.keyboard.press("Enter")
    assert page.evaluate("() => '#' + document.activeElement.id") == target
