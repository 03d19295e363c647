"""WCAG 2.2 AA, checked by axe-core on every page of the site, for each role, in every
language of the site (English, French, German), empty and filled, and with a form's errors
shown: no violation at all.

About 75 pages in each language. Measured with three languages: the time is shared between
loading the pages (a third) and axe's run (two fifths), the results page with its 30 charts
costing most of both; sending axe with every page and reading <html lang> in a round trip
of its own took the last quarter, hence axe_install and the language returned by axe_run."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext, override

from clusterdiag.models import User
from diagnostic import services as diagnostic_services
from diagnostic.models import Cluster, Membership
from tests.factories import ClusterFactory

from .axe import axe_install, axe_run, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-cluster-2026"  # the demo logins of seed_demo
EMAILS = {
    "manager": "manager@demo.clusterdiag.test",
    "member": "colleague@demo.clusterdiag.test",
    "facilitator": "facilitator@demo.clusterdiag.test",
    "admin": "admin@demo.clusterdiag.test",
}


def _world():
    """The demo data (a partly filled draft, a submitted diagnostic with results, strategy
    and plan, 60 demo peers) and an empty cluster: a new manager's first page."""
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    manager = User.objects.get(email=EMAILS["manager"])
    draft_cluster = Cluster.objects.filter(is_demo=True, memberships__user=manager).exclude(
        diagnostics__status="submitted").distinct().get()
    submitted = (Cluster.objects.filter(memberships__user=manager, diagnostics__status="submitted")
                 .distinct().get())
    member = User.objects.get(email=EMAILS["member"])
    Membership.objects.get_or_create(cluster=submitted, user=member)
    empty = diagnostic_services.cluster_create(
        user=manager, **{f: getattr(ClusterFactory.build(name="Empty cluster"), f)
                         for f in ("name", "country", "sector", "governance")})
    diagnostic = submitted.diagnostics.get(status="submitted")
    plan = diagnostic.plan
    action = plan.actions.order_by("position", "pk").first()
    draft = draft_cluster.diagnostics.get(status="draft")
    empty_draft = empty.diagnostics.get()
    sections = list(draft.version.sections.order_by("position").values_list("key", flat=True))
    invitation = empty.invitations.create(email="someone@example.org", invited_by=manager)
    return locals()


def _pages(role, w) -> list[str]:
    """Every page the role reaches. A page that two roles see with the same template and the
    same controls is checked for one of them (to keep the check to a few minutes): the
    manager sees every page of the team, every step of the questionnaire included; a team
    member the pages whose controls differ for a member; a facilitator every page of a
    cluster they follow; an administrator the site's pages that differ for them. The admin:
    its index, and the list and change pages of clusters and plans."""
    d, p, c = w["diagnostic"].pk, w["plan"].pk, w["submitted"].pk
    cluster = reverse("diagnostic:cluster_detail", args=[c])
    following = [
        "/", cluster, reverse("diagnostic:diagnostic_review", args=[d]),
        reverse("benchmark:diagnostic_results", args=[d]), reverse("plans:strategy", args=[d]),
        reverse("plans:detail", args=[p]), reverse("plans:agenda", args=[p]),
        reverse("plans:history", args=[p]),
    ]
    admin = [reverse("admin:index"), reverse("admin:plans_actionplan_changelist"),
             reverse("admin:plans_actionplan_change", args=[p]),
             reverse("admin:diagnostic_cluster_changelist"),
             reverse("admin:diagnostic_cluster_change", args=[c])]
    if role == "anonymous":
        uid = urlsafe_base64_encode(force_bytes(w["manager"].pk))
        token = default_token_generator.make_token(w["manager"])
        return ["/", reverse("login"), reverse("signup"), reverse("password_reset"),
                reverse("password_reset_done"), reverse("benchmark:method"),
                reverse("accessibility"), "/no-such-page/",
                reverse("password_reset_confirm", args=[uid, "bad-token"]),
                reverse("password_reset_confirm", args=[uid, token])]
    if role == "manager":
        steps = [reverse("diagnostic:diagnostic_step", args=[w["draft"].pk, key])
                 for key in w["sections"]]
        return [*following, reverse("profile"), reverse("password_change"),
                reverse("diagnostic:account_delete"),
                reverse("diagnostic:cluster_detail", args=[w["draft_cluster"].pk]),
                reverse("diagnostic:diagnostic_review", args=[w["draft"].pk]), *steps,
                reverse("diagnostic:diagnostic_step", args=[w["empty_draft"].pk,
                                                            w["sections"][1]]),
                reverse("diagnostic:cluster_detail", args=[w["empty"].pk]),
                reverse("diagnostic:cluster_create"),
                reverse("diagnostic:cluster_delete", args=[w["empty"].pk]),
                reverse("plans:edit", args=[p]), reverse("plans:action_add", args=[p]),
                reverse("plans:action_edit", args=[p, w["action"].pk]),
                reverse("plans:pdf_status", args=[p]),
                reverse("diagnostic:invitation_accept", args=[w["invitation"].token])]
    if role == "member":
        return ["/", cluster, reverse("diagnostic:cluster_detail", args=[w["draft_cluster"].pk]),
                reverse("diagnostic:diagnostic_step", args=[w["draft"].pk, w["sections"][2]]),
                reverse("diagnostic:diagnostic_review", args=[w["draft"].pk]),
                reverse("plans:detail", args=[p]), reverse("diagnostic:account_delete")]
    if role == "facilitator":
        return [*following, *admin]
    return ["/", cluster, reverse("plans:detail", args=[p]), *admin]


# Forms shown with their errors: role -> (page, the msgid of its submit button); each page is
# submitted empty and checked with its error summary.
ERROR_STATES = {
    "anonymous": [(lambda w: reverse("login"), "Log in"),
                  (lambda w: reverse("signup"), "Create my account")],
    "manager": [(lambda w: reverse("diagnostic:cluster_create"),
                 "Register and start the diagnostic"),
                (lambda w: reverse("diagnostic:cluster_delete", args=[w["empty"].pk]),
                 "Delete the cluster")],
    "member": [(lambda w: reverse("diagnostic:account_delete"), "Delete my account")],
}


def _log_in(page, base, email):
    page.goto(base + reverse("login"))
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def _check(page, base, role, path, language, *, button=None) -> list[str]:
    """The violations of one page in one language; with a button, of the page after that
    button was pressed on the empty form (its errors shown)."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(base + path, wait_until="domcontentloaded")
    if button:
        with override(language):
            name = gettext(button)
        page.locator("main").get_by_role("button", name=name, exact=True).click()
        page.wait_for_load_state("domcontentloaded")
        assert page.locator("[data-error-summary]").is_visible(), (path, language)
    lang, violations = axe_run(page)
    # The page is in the language asked for, and says so (screen readers pick their voice).
    assert lang == language, (path, language, lang)
    return describe(f"{role} {language} {path}" + (" (errors)" if button else ""), violations)


ROLES = ["anonymous", "manager", "member", "facilitator", "admin"]
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.timeout(900)
def test_no_wcag_violation_on_any_page(live_server, browser):
    """All roles in one test, so that the demo data is made once. Each role logs in once;
    each page is then checked in every language of settings.LANGUAGES in turn."""
    world = _world()
    found = []
    for role in ROLES:
        context = browser.new_context(reduced_motion="reduce")
        axe_install(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role != "anonymous":
            _log_in(page, live_server.url, EMAILS[role])
        for path in _pages(role, world):
            for language in LANGUAGES:
                found += _check(page, live_server.url, role, path, language)
        for path_of, button in ERROR_STATES.get(role, []):
            for language in LANGUAGES:
                found += _check(page, live_server.url, role, path_of(world), language,
                                button=button)
        context.close()

    assert not found, f"{len(found)} WCAG violations:\n" + "\n".join(found)
