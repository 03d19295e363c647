"""Saving, autosave, resuming, reviewing, submitting and new runs."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from diagnostic.models import Answer, Diagnostic, Membership, Question
from tests.factories import PASSWORD, UserFactory, answer_everything, step_data

pytestmark = [pytest.mark.django_db]


def _url(name, *args):
    return reverse(f"diagnostic:{name}", args=args)


def _value(diagnostic, key):
    return Answer.objects.get(diagnostic=diagnostic, question__key=key).value


def test_registering_a_cluster_makes_the_user_its_manager_with_a_draft(client, user):
    client.force_login(user)

    response = client.post(_url("cluster_create"), {
        "name": "Baltic Maritime Cluster", "country": "EE", "sector": "mobility",
        "governance": "bottom_up", "companies": "20"})

    diagnostic = Diagnostic.objects.get()
    assert response.url == _url("diagnostic_detail", diagnostic.pk)
    assert diagnostic.cluster.name == "Baltic Maritime Cluster"
    assert diagnostic.status == "draft" and diagnostic.run == 1
    assert Membership.objects.get().role == "manager"


def test_register_refuses_bad_input_next_to_the_field(client, user):
    client.force_login(user)

    response = client.post(_url("cluster_create"), {
        "name": "", "country": "Narnia", "sector": "magic", "governance": "bottom_up",
        "companies": "10", "smes": "11"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "country", "sector", "smes"}


def test_autosave_stores_only_the_questions_named_and_reports_errors(client, team):
    client.force_login(team.member)
    url = _url("diagnostic_autosave", team.diagnostic.pk, "motives")

    response = client.post(url, {
        "_questions": ["main_objectives", "motives"],
        "q_main_objectives": "Reach Asia", "q_motives": ["q1_exchange"] * 3,
        "q_geographic_ambition": "q8_worldwide"})

    body = response.json()
    assert body["saved"] == 1
    assert list(body["errors"]) == ["q_motives"]
    assert _value(team.diagnostic, "main_objectives") == "Reach Asia"
    assert not Answer.objects.filter(question__key="geographic_ambition").exists()


def test_autosave_answers_with_the_section_counter_and_the_overall_progress(client, team):
    client.force_login(team.member)
    url = _url("diagnostic_autosave", team.diagnostic.pk, "motives")

    first = client.post(url, {"_questions": "main_objectives",
                              "q_main_objectives": "Reach Asia"}).json()["progress"]
    second = client.post(url, {"_questions": "time_horizon",
                               "q_time_horizon": "horizon_1y"}).json()["progress"]

    assert first["section_label"].startswith("This section: 1 of ")
    assert second["section_label"].startswith("This section: 2 of ")
    assert second["section_percent"] > first["section_percent"] > 0
    assert second["overall_label"].endswith("sections complete")


def test_autosave_of_a_colleague_does_not_overwrite_other_answers(client, team):
    answers = Client()
    answers.force_login(team.manager)
    answers.post(_url("diagnostic_autosave", team.diagnostic.pk, "motives"),
                 {"_questions": "main_objectives", "q_main_objectives": "Manager's text"})
    client.force_login(team.member)

    client.post(_url("diagnostic_autosave", team.diagnostic.pk, "motives"),
                {"_questions": "time_horizon", "q_time_horizon": "horizon_1y",
                 "q_main_objectives": "stale copy in the colleague's page"})

    assert _value(team.diagnostic, "main_objectives") == "Manager's text"
    assert _value(team.diagnostic, "time_horizon") == "horizon_1y"


def test_answers_autosaved_are_there_after_logging_in_again_elsewhere(client, team):
    client.force_login(team.manager)
    client.post(_url("diagnostic_autosave", team.diagnostic.pk, "barriers"),
                {"_questions": "expected_barriers", "q_expected_barriers": ["q3_trust", "q3_time"]})
    client.post(reverse("logout"))

    other_device = Client()
    other_device.post(reverse("login"), {"username": team.manager.email, "password": PASSWORD})
    resume = other_device.get(_url("diagnostic_detail", team.diagnostic.pk))
    step = other_device.get(resume.url)

    assert resume.url == _url("diagnostic_step", team.diagnostic.pk, "barriers")
    assert step.context["step"].form["q_expected_barriers"].value() == ["q3_trust", "q3_time"]
    assert 'value="q3_trust"' in step.text and "checked" in step.text


def test_save_and_finish_later_goes_back_to_the_cluster(client, team):
    client.force_login(team.manager)
    section = team.diagnostic.version.sections.get(key="funding")

    response = client.post(_url("diagnostic_step", team.diagnostic.pk, "funding"),
                           step_data(section, {"funding_planned": "funding_yes",
                                               "own_financing_pct": "20"}, action="later"))

    assert response.url == _url("cluster_detail", team.cluster.pk)
    assert _value(team.diagnostic, "own_financing_pct") == 20


def test_jump_and_previous_buttons_save_then_move(client, team):
    client.force_login(team.manager)
    section = team.diagnostic.version.sections.get(key="barriers")
    url = _url("diagnostic_step", team.diagnostic.pk, "barriers")

    answers = {"expected_barriers": ["q3_trust"], "reduce_q3_trust": "Visits"}
    jump = client.post(url, {**step_data(section, answers), "_goto": "funding"})
    previous = client.post(url, step_data(section, answers, action="previous"))

    assert jump.url == _url("diagnostic_step", team.diagnostic.pk, "funding")
    assert previous.url == _url("diagnostic_step", team.diagnostic.pk, "cooperation")
    assert _value(team.diagnostic, "reduce_q3_trust") == "Visits"


def test_progress_counts_complete_sections_and_the_current_one(client, team):
    client.force_login(team.manager)
    section = team.diagnostic.version.sections.get(key="motives")
    client.post(_url("diagnostic_step", team.diagnostic.pk, "motives"),
                step_data(section, {"motives": ["q1_exchange"], "time_horizon": "horizon_1y"}))

    response = client.get(_url("diagnostic_step", team.diagnostic.pk, "motives"))

    assert response.context["complete_count"] == 1  # the profile of the fixture is complete
    # Five questions shown: the indicators appear only once objectives are written.
    assert (response.context["current"].answered, response.context["current"].total) == (2, 5)
    assert "2 of 5 answered" in response.text
    assert "1 of 9 sections complete" in response.text


def test_review_lists_missing_answers_and_submit_is_refused_until_complete(client, team):
    client.force_login(team.manager)

    review = client.get(_url("diagnostic_review", team.diagnostic.pk))
    submit = client.post(_url("diagnostic_submit", team.diagnostic.pk))

    # Required questions shown only under a condition are not asked for yet.
    required = Question.objects.filter(section__version=team.diagnostic.version, required=True,
                                       show_if=[])
    assert review.context["missing_count"] == required.count() > 20
    assert "Missing (required)" in review.text
    assert submit.url == _url("diagnostic_review", team.diagnostic.pk)
    team.diagnostic.refresh_from_db()
    assert team.diagnostic.status == "draft"


def test_submit_locks_the_diagnostic(client, team):
    answer_everything(team.diagnostic, team.manager)
    client.force_login(team.member)

    client.post(_url("diagnostic_submit", team.diagnostic.pk), {"benchmark_consent": "on"})
    team.diagnostic.refresh_from_db()
    locked_step = client.post(_url("diagnostic_step", team.diagnostic.pk, "motives"),
                              {"q_main_objectives": "changed"})
    locked_autosave = client.post(_url("diagnostic_autosave", team.diagnostic.pk, "motives"),
                                  {"_questions": "main_objectives", "q_main_objectives": "x"})

    assert team.diagnostic.status == "submitted"
    assert team.diagnostic.submitted_by == team.member
    assert team.diagnostic.benchmark_consent is True
    assert team.diagnostic.profile["companies"] == 40
    assert locked_step.url == _url("diagnostic_review", team.diagnostic.pk)
    assert locked_autosave.status_code == 409
    assert _value(team.diagnostic, "main_objectives") == "Joint R&D with Nordic clusters"


def test_submitting_twice_changes_nothing(client, team):
    answer_everything(team.diagnostic, team.manager)
    client.force_login(team.manager)
    client.post(_url("diagnostic_submit", team.diagnostic.pk), {"benchmark_consent": "on"})
    first = Diagnostic.objects.get()

    client.post(_url("diagnostic_submit", team.diagnostic.pk))

    assert Diagnostic.objects.get().submitted_at == first.submitted_at
    assert Diagnostic.objects.get().benchmark_consent is True


def test_a_new_run_copies_the_last_answers_and_keeps_the_old_run(client, team):
    answer_everything(team.diagnostic, team.manager)
    client.force_login(team.manager)
    client.post(_url("diagnostic_submit", team.diagnostic.pk))

    client.post(_url("diagnostic_start", team.cluster.pk))
    client.post(_url("diagnostic_start", team.cluster.pk))  # a second click opens nothing more

    old, new = Diagnostic.objects.order_by("run")
    assert (old.run, old.status, new.run, new.status) == (1, "submitted", 2, "draft")
    assert _value(new, "motives") == _value(old, "motives")
    assert new.answers.count() == old.answers.count() == 37  # 42 questions, 5 hidden


def test_manager_invites_a_colleague_who_joins_the_team(client, team,
                                                        django_capture_on_commit_callbacks):
    client.force_login(team.manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("cluster_invite", team.cluster.pk),
                    {"email": "New.Colleague@example.org"})
    link = mail.outbox[0].body.split("http://testserver")[1].split()[0]
    colleague = UserFactory(email="new.colleague@example.org")
    client.force_login(colleague)

    client.post(link)

    assert mail.outbox[0].to == ["new.colleague@example.org"]
    assert Membership.objects.filter(cluster=team.cluster, user=colleague, role="member").exists()
    assert client.get(_url("diagnostic_step", team.diagnostic.pk, "motives")).status_code == 200


def test_an_invitation_is_only_for_the_address_it_was_sent_to(client, team):
    invitation = team.cluster.invitations.create(email="someone@example.org")
    stranger = UserFactory()
    client.force_login(stranger)

    response = client.post(invitation.get_absolute_url())

    assert response.context["wrong_account"] is True
    assert not Membership.objects.filter(user=stranger).exists()


def test_inviting_with_a_bad_address_says_so(client, team):
    client.force_login(team.manager)

    response = client.post(_url("cluster_invite", team.cluster.pk), {"email": "x" * 300},
                           follow=True)

    assert "The invitation was not sent" in response.text
    assert mail.outbox == []


def test_team_members_cannot_invite_only_the_manager_can(client, team):
    client.force_login(team.member)

    response = client.post(_url("cluster_invite", team.cluster.pk), {"email": "a@example.org"})

    assert response.status_code == 404
    assert mail.outbox == []


@pytest.mark.parametrize(("language", "words"), [("en", "at least 7 clusters"),
                                                 ("fr", "au moins 7 clusters")])
def test_consent_is_opt_in_and_states_the_configured_minimum(client, team, settings,
                                                             language, words):
    settings.PEER_MIN_GROUP = 7
    answer_everything(team.diagnostic, team.manager)
    client.force_login(team.manager)

    review = client.get(_url("diagnostic_review", team.diagnostic.pk),
                        HTTP_ACCEPT_LANGUAGE=language)
    client.post(_url("diagnostic_submit", team.diagnostic.pk))  # the box left as it was

    box = review.context["submit_form"]["benchmark_consent"]
    assert box.initial is False
    assert 'name="benchmark_consent"' in review.text
    assert "checked" not in str(box)
    assert words in review.text
    assert Diagnostic.objects.get().benchmark_consent is False
