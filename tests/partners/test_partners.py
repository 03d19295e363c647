import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners import matching, services
from partners.models import Interest, PartnerProfile
from tests.factories import (
    ClusterFactory,
    FacilitatorFactory,
    MembershipFactory,
    UserFactory,
    plan_for,
    published_profile,
    submitted_diagnostic,
)

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _team(name, country="DE", **profile):
    manager = UserFactory()
    cluster = MembershipFactory(user=manager, cluster=ClusterFactory(name=name,
                                                                     country=country)).cluster
    published_profile(cluster=cluster, **profile)
    return cluster, manager


# --- Preparing and publishing --------------------------------------------------------------

def test_a_profile_is_prepared_from_the_submitted_run(team):
    diagnostic = submitted_diagnostic(team)

    profile = services.profile_prepare(diagnostic=diagnostic, user=team.manager)

    assert profile.status == PartnerProfile.Status.DRAFT
    assert profile.themes == "Joint R&D with Nordic clusters"
    assert profile.countries_targeted() == ["SE", "FI"]
    assert profile.sought_types() == ["clusters"]
    assert profile.contact_email == team.manager.email
    assert profile.diagnostic == diagnostic


def test_the_team_edits_previews_publishes_and_withdraws(team):
    submitted_diagnostic(team)
    client = _client(team.manager)
    pk = team.cluster.pk

    assert client.post(reverse("partners:prepare", args=[pk])).status_code == 302
    profile = PartnerProfile.objects.get(cluster=team.cluster)
    data = {"name": "Renamed", "region": "", "sector": "ict", "sector_wish": "same",
            "governance": "bottom_up", "size_band": "small", "phase": "build_trust",
            "themes": "quantum sensors", "offers": "", "seeks": "", "text_language": "en",
            "contact_name": "Ada", "contact_email": "ada@example.org", "contact_phone": "",
            "sought": ["research"], "offered": ["clusters"], "countries": ["FR", "IT"],
            "languages": ["en", "fr"], "revision": profile.revision}
    saved = client.post(reverse("partners:edit", args=[pk]), data)
    stale = client.post(reverse("partners:edit", args=[pk]), data)
    preview = client.get(reverse("partners:preview", args=[pk]))
    client.post(reverse("partners:publish", args=[pk]))
    published = PartnerProfile.objects.get(pk=profile.pk)
    client.post(reverse("partners:withdraw", args=[pk]))

    assert saved.status_code == 302
    assert stale.status_code == 400 and "changed meanwhile" in stale.text
    assert "quantum sensors" in preview.text and "Italy" in preview.text
    assert "ada@example.org" not in preview.text  # contact details are not on the profile
    assert published.status == "published" and published.countries_targeted() == ["FR", "IT"]
    assert PartnerProfile.objects.get(pk=profile.pk).status == "withdrawn"


def test_a_bad_form_gets_messages_next_to_the_fields(team):
    submitted_diagnostic(team)
    client = _client(team.manager)
    client.post(reverse("partners:prepare", args=[team.cluster.pk]))

    response = client.post(reverse("partners:edit", args=[team.cluster.pk]),
                           {"themes": "", "countries": ["XX"], "revision": "x"})

    assert response.status_code == 400
    assert {"themes", "countries", "revision"} <= set(response.context["form"].errors)


# --- Matches -----------------------------------------------------------------------------------

def test_matches_are_ranked_with_every_factor_shown():
    viewer, manager = _team("Viewer", country="DE", themes="hydrogen storage",
                            target_countries=",FR,", partner_types_sought=",research,",
                            partner_types_offered=",clusters,", working_languages=",en,")
    _team("Good fit", country="FR", themes="Stockage de l'hydrogène",
                    text_language="fr", target_countries=",DE,",
                    partner_types_offered=",research,", partner_types_sought=",clusters,",
                    working_languages=",fr,en,")
    _team("Weak fit", country="IT", themes="textiles", target_countries=",ES,",
                    partner_types_offered=",investors,", partner_types_sought=",investors,",
                    working_languages=",it,", phase="strategic_partnership")

    response = _client(manager).get(reverse("partners:matches", args=[viewer.pk]))

    rows = response.context["rows"]
    assert [r["profile"].name for r in rows] == ["Good fit", "Weak fit"]
    factors = {f.key: f for f in rows[0]["factors"]}
    assert set(factors) == set(matching.WEIGHTS)
    assert factors["themes"].points > 0  # English words against a French text: the stems
    assert "hydrogen" in factors["themes"].detail
    assert factors["countries"].points == 20
    assert factors["partner_types"].points == 16
    assert factors["languages"].detail.endswith("English")
    assert rows[0]["percent"] > rows[1]["percent"]
    assert {f.key for f in rows[1]["factors"] if f.fits} == {"sector"}


def test_french_text_is_matched_with_the_french_configuration():
    viewer, manager = _team("Viewer", themes="énergies marines", text_language="fr")
    _team("Breton", themes="Énergie marine renouvelable", text_language="fr")

    rows = _client(manager).get(reverse("partners:matches", args=[viewer.pk])).context["rows"]

    themes = next(f for f in rows[0]["factors"] if f.key == "themes")
    assert themes.points == 20  # "énergies" and "marines" match their singulars


def test_filters_by_country_sector_and_phase():
    viewer, manager = _team("Viewer")
    _team("French", country="FR")
    _team("Italian", country="IT", phase="joint_projects")
    url = reverse("partners:matches", args=[viewer.pk])
    client = _client(manager)

    def names(query):
        return [r["profile"].name for r in client.get(url, query).context["rows"]]

    assert names({"country": "FR"}) == ["French"]
    assert names({"phase": "joint_projects"}) == ["Italian"]
    assert names({"sector": "health"}) == []
    assert client.get(url, {"country": "ZZ", "page": "-4"}).status_code == 400


def test_a_withdrawn_or_suspended_profile_leaves_every_list_at_once():
    viewer, manager = _team("Viewer")
    other, other_manager = _team("Zephyr cluster")
    client = _client(manager)
    urls = [reverse("partners:matches", args=[viewer.pk]), reverse("partners:browse")]
    before = [client.get(u).text for u in urls]

    services.profile_withdraw(profile=other.partner_profile, user=other_manager)
    withdrawn = [client.get(u).text for u in urls]
    services.profile_publish(profile=other.partner_profile, user=other_manager)
    services.profile_suspend(profile=other.partner_profile, reason="spam")
    suspended = [client.get(u).text for u in urls]

    assert all("Zephyr cluster" in page for page in before)
    assert not any("Zephyr cluster" in page for page in withdrawn + suspended)
    assert client.get(reverse("partners:profile", args=[other.pk])).status_code == 404


def test_kept_rows_show_an_interest_at_once():
    """The page's rows are kept between requests (match_cache.page_rows), never past a change
    they show: here an interest sent."""
    viewer, manager = _team("Viewer", target_countries=",FR,")
    other, _other_manager = _team("French", country="FR")
    client = _client(manager)
    url = reverse("partners:matches", args=[viewer.pk])
    assert "You expressed interest." not in client.get(url).text

    services.interest_express(profile=viewer.partner_profile, to_cluster_id=other.pk,
                              user=manager)

    assert "You expressed interest." in client.get(url).text


def test_a_deleted_cluster_leaves_every_list_at_once():
    """Its profile goes with it, leaving the profiles' latest change as it was (a newer
    one exists): the kept ranking and rows still go (match_cache.data_version counts the
    profiles)."""
    viewer, manager = _team("Viewer")
    other, _other_manager = _team("Zephyr cluster")
    _team("Newest cluster")
    client = _client(manager)
    url = reverse("partners:matches", args=[viewer.pk])
    assert "Zephyr cluster" in client.get(url).text

    other.delete()

    assert "Zephyr cluster" not in client.get(url).text


def test_kept_rows_carry_each_readers_own_csrf_token():
    """The rows are kept for the viewer's whole team; each reader's forms hold the reader's
    token, so that a second member's "Express interest" is not refused."""
    viewer, manager = _team("Viewer")
    other, _other_manager = _team("Other")
    colleague = MembershipFactory(cluster=viewer).user
    url = reverse("partners:matches", args=[viewer.pk])
    _client(manager).get(url)  # the rows are kept, with the first reader's forms
    client = Client(enforce_csrf_checks=True)
    client.force_login(colleague)

    page = client.get(url).text
    form = re.search(r'class="row g-2 interest"><input type="hidden" '
                     r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert form is not None
    response = client.post(reverse("partners:interest_express", args=[viewer.pk, other.pk]),
                           {"csrfmiddlewaretoken": form.group(1), "message": "Hello"})

    assert response.status_code == 302
    assert Interest.objects.filter(from_cluster=viewer, to_cluster=other).exists()


def test_kept_rows_follow_the_readers_language():
    viewer, manager = _team("Viewer")
    _team("Other")
    client = _client(manager)
    url = reverse("partners:matches", args=[viewer.pk])
    assert "Express interest" in client.get(url).text

    manager.language = "fr"
    manager.save()
    page = client.get(url).text

    assert "Marquer son intérêt" in page
    assert "Pourquoi cette correspondance" in page
    assert "Express interest" not in page


def test_an_interest_received_shows_at_once():
    viewer, manager = _team("Viewer")
    other, other_manager = _team("Other")
    client = _client(manager)
    url = reverse("partners:matches", args=[viewer.pk])
    assert "Interest received</h2>" not in client.get(url).text

    services.interest_express(profile=other.partner_profile, to_cluster_id=viewer.pk,
                              user=other_manager)

    assert "Interest received</h2>" in client.get(url).text


def test_a_cluster_without_a_published_profile_sees_nothing(team):
    viewer, _manager = _team("Viewer")
    client = _client(team.manager)  # the team's cluster has no profile

    assert client.get(reverse("partners:browse")).status_code == 404
    assert client.get(reverse("partners:profile", args=[viewer.pk])).status_code == 404
    assert client.get(reverse("partners:matches", args=[team.cluster.pk])).status_code == 404


def test_facilitators_browse():
    viewer, _manager = _team("Viewer")
    client = _client(FacilitatorFactory())

    assert "Viewer" in client.get(reverse("partners:browse")).text
    assert client.get(reverse("partners:profile", args=[viewer.pk])).status_code == 200


def test_the_match_list_costs_the_same_queries_at_two_sizes():
    viewer, manager = _team("Viewer")
    client = _client(manager)
    url = reverse("partners:matches", args=[viewer.pk])

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    for i in range(3):
        _team(f"Small {i}")
    small = count()
    for i in range(30):
        _team(f"Large {i}", country="FR" if i % 2 else "IT")
    large = count()

    assert small == large


def test_without_full_text_search_matching_is_simpler_and_says_so(monkeypatch):
    viewer, manager = _team("Viewer", target_countries=",FR,")
    _team("French", country="FR")
    monkeypatch.setattr(matching, "full_text_search", lambda: False)

    response = _client(manager).get(reverse("partners:matches", args=[viewer.pk]))

    assert "Simpler matching" in response.text
    row = response.context["rows"][0]
    assert {f.key for f in row["factors"]} == set(matching.WEIGHTS) - {"themes", "offers_seeks"}
    assert matching.max_points() == 60


# --- Interest, contact, introduction, plan ---------------------------------------------------

def test_interest_accept_contact_details_and_plan_action(team,
                                                        django_capture_on_commit_callbacks):
    plan = plan_for(team)
    published_profile(cluster=team.cluster, contact_email="team@example.org")
    other, other_manager = _team("Other", contact_email="other@example.org")
    other_manager.language = "fr"
    other_manager.save()
    client = _client(team.manager)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partners:interest_express", args=[team.cluster.pk, other.pk]),
                    {"message": "Hello"})
    interest = Interest.objects.get()
    before = _client(other_manager).get(interest.get_absolute_url())
    _client(other_manager).post(reverse("partners:interest_decide", args=[interest.pk]),
                                {"decision": "accept"})
    after = client.get(interest.get_absolute_url())
    response = client.post(reverse("partners:interest_to_action", args=[interest.pk]))

    assert mail.outbox[0].to == [other_manager.email]
    assert "souhaite" in mail.outbox[0].body or "aimerait" in mail.outbox[0].body
    assert "team@example.org" not in before.text
    assert "team@example.org" in after.text and "other@example.org" in after.text
    action = plan.actions.get(title="First contact with Other")
    assert response.status_code == 302 and action.owner == team.manager
    assert action.target_countries == ["DE"]


def test_the_daily_limit_of_interests(team, settings):
    settings.PARTNER_INTERESTS_PER_DAY = 2
    viewer, manager = _team("Viewer")
    others = [_team(f"Other {i}")[0] for i in range(3)]
    client = _client(manager)

    for other in others:
        client.post(reverse("partners:interest_express", args=[viewer.pk, other.pk]))

    assert Interest.objects.count() == 2
    viewer_interests = Interest.objects.filter(from_cluster=viewer)
    viewer_interests.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    client.post(reverse("partners:interest_express", args=[viewer.pk, others[2].pk]))
    assert Interest.objects.count() == 3


def test_a_blocked_cluster_sees_nothing_and_cannot_write():
    viewer, manager = _team("Viewer")
    other, other_manager = _team("Other")
    _client(manager).post(reverse("partners:block", args=[viewer.pk, other.pk]))
    client = _client(other_manager)

    assert "Viewer" not in client.get(reverse("partners:matches", args=[other.pk])).text
    assert client.get(reverse("partners:profile", args=[viewer.pk])).status_code == 404
    assert client.post(reverse("partners:interest_express",
                               args=[other.pk, viewer.pk])).status_code == 404
    assert not Interest.objects.exists()


def test_abuse_is_reported_to_the_administrators(django_capture_on_commit_callbacks):
    UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    viewer, manager = _team("Viewer")
    other, _ = _team("Other")

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(manager).post(reverse("partners:report",
                                                 args=[viewer.pk, other.pk]), {"reason": "Spam"})

    assert response.status_code == 302
    assert mail.outbox[-1].to == ["root@example.org"] and "Spam" in mail.outbox[-1].body


def test_a_following_facilitator_is_asked_to_introduce_and_adds_a_note(
        django_capture_on_commit_callbacks):
    viewer, manager = _team("Viewer")
    other, other_manager = _team("Other")
    facilitator = FacilitatorFactory()
    viewer.facilitators.add(facilitator)
    stranger = FacilitatorFactory()
    interest = services.interest_express(profile=viewer.partner_profile,
                                         to_cluster_id=other.pk, user=manager)
    client = _client(manager)

    refused = client.post(reverse("partners:introduction_request", args=[interest.pk]),
                          {"facilitator": stranger.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partners:introduction_request", args=[interest.pk]),
                    {"facilitator": facilitator.pk})
    introduction = interest.introductions.get()
    _client(facilitator).post(reverse("partners:introduction_note",
                                      args=[interest.pk, introduction.pk]),
                              {"note": "I know both managers."})

    assert refused.status_code == 400
    assert mail.outbox[-1].to == [facilitator.email]
    assert "I know both managers." in _client(other_manager).get(
        interest.get_absolute_url()).text


def test_the_demo_has_published_demo_profiles_and_the_demo_manager_sees_matches(settings):
    from django.core.management import call_command

    from clusterdiag.models import User

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    manager = User.objects.get(email="manager@demo.clusterdiag.test")
    own = PartnerProfile.objects.get(cluster__memberships__user=manager)

    response = _client(manager).get(reverse("partners:matches", args=[own.cluster_id]))

    published = PartnerProfile.objects.published()
    assert published.count() == 6 and all(p.is_demo for p in published)
    assert len(response.context["rows"]) == 5
    assert response.text.count('badge text-bg-warning">demo') == 5


def test_the_filters_keep_only_valid_choices_rendered():
    from partners import forms as partner_forms

    partner_forms._OPTIONS.clear()
    valid = partner_forms.MatchFilterForm({"country": "DE"})
    typed = partner_forms.MatchFilterForm({"country": "no such country"})

    selects = {s["field"].name: str(s["options"]) for s in valid.selects()}
    typed.selects()

    assert '<option value="DE" selected>' in selects["country"]
    assert ("country", "en", "DE") in partner_forms._OPTIONS
    assert not any(key[2] == "no such country" for key in partner_forms._OPTIONS)
