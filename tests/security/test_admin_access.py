"""The access matrix of the admin, built from its URL configuration: every page of every
registered ModelAdmin (list, add, change, delete, history, each version of the history and
its Revert, every admin action) is tried by a facilitator who does not follow the cluster
and by a team member without staff rights. They get 404 or 403 (the team member: the admin's
login page), a list shows none of the cluster's objects, and no row of any table changes.

Which objects are the cluster's is read from the models (a chain of foreign keys that ends at
the cluster), not from the ModelAdmin, so that an admin that forgets FollowedClustersMixin
fails here. Data of no cluster (playbook, questionnaire, reference study, users…) is refused
unless the Facilitators group grants seeing it, and is never changed.

An admin URL the matrix cannot classify fails the suite: say below what it is.
"""

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver, reverse
from simple_history.utils import get_history_manager_for_model

from diagnostic.models import Cluster
from plans import review as plan_review
from plans.models import ActionPlan, PlanTransition
from tests.factories import UserFactory

from .conftest import changed_tables, table_checksums

pytestmark = pytest.mark.django_db

MISSING_ID = 2_000_000_000

# The pages of one ModelAdmin, by the suffix of their URL name ("<app>_<model>_<suffix>").
MODEL_PAGES = {"changelist", "add", "change", "delete", "history", "simple_history"}
# Pages named otherwise: Django's UserAdmin names its "set this user's password" page so
# whatever the user model is.
OTHER_MODEL_PAGES = {"auth_user_password_change": "password_change"}
# The admin site's own pages. login and logout are the visitor's own session; the others
# are tried below.
SITE_PAGES = {"index", "login", "logout", "password_change", "password_change_done",
              "jsi18n", "autocomplete", "view_on_site", "app_list"}


@dataclass(frozen=True)
class AdminUrl:
    kind: str  # a MODEL_PAGES suffix, "old_change" or a SITE_PAGES name, "catch_all", "?"
    model: type | None
    route: str


def _admin_resolver():
    return next(entry for entry in get_resolver().url_patterns
                if isinstance(entry, URLResolver) and entry.namespace == "admin")


def admin_urls() -> list[AdminUrl]:
    """Every pattern of the admin, classified; kind "?" for what the matrix does not know."""
    models = {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
    urls = []
    for entry in _admin_resolver().url_patterns:
        prefix = str(entry.pattern)
        if isinstance(entry, URLResolver):
            model = models.get(prefix)
            for pattern in entry.url_patterns:
                urls.append(AdminUrl(_model_kind(model, pattern), model,
                                     prefix + str(pattern.pattern)))
        elif entry.name in SITE_PAGES:
            urls.append(AdminUrl(entry.name, None, prefix))
        elif entry.name is None and prefix == "(?P<url>.*)$":
            urls.append(AdminUrl("catch_all", None, prefix))
        else:
            urls.append(AdminUrl("?", None, prefix))
    return urls


def _model_kind(model, pattern) -> str:
    if model is None:
        return "?"
    stem = f"{model._meta.app_label}_{model._meta.model_name}_"
    if pattern.name and pattern.name.startswith(stem) and pattern.name[len(stem):] in MODEL_PAGES:
        return pattern.name[len(stem):]
    if pattern.name in OTHER_MODEL_PAGES:
        return OTHER_MODEL_PAGES[pattern.name]
    if pattern.name is None and str(pattern.pattern) == "<path:object_id>/":
        return "old_change"  # Django's redirect from the change address before 1.9
    return "?"


URLS = admin_urls()
MODELS = {m._meta.label: m for m in admin.site._registry}


def cluster_path(model) -> str | None:
    """The foreign keys from the model to its cluster ("" for the cluster itself), or None
    for data of no cluster."""
    if model is Cluster:
        return ""
    paths = [("", model)]
    for _depth in range(3):
        longer = []
        for path, current in paths:
            for field in current._meta.get_fields():
                if not (field.concrete and field.is_relation) or field.many_to_many:
                    continue
                name = f"{path}__{field.name}" if path else field.name
                if field.related_model is Cluster:
                    return name
                longer.append((name, field.related_model))
        paths = longer
    return None


def the_object(model, world):
    """The world's object of this model: its cluster's, for cluster data."""
    path = cluster_path(model)
    objects = model._default_manager.order_by("pk")
    if path is None:
        return objects.first()
    found = objects.filter(**{path or "pk": world.cluster.pk}).first()
    if found is None:
        pytest.fail(f"the world (tests/security/conftest.py) has no {model._meta.label} of "
                    "its cluster: add one, so that its admin is tried")
    return found


def _first_version_id(obj) -> int:
    return get_history_manager_for_model(obj).order_by("history_id").first().history_id


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


def _action_names(model, superuser) -> list[str]:
    """Every action of the model's admin, as a superuser sees them."""
    request = RequestFactory().get("/")
    request.user = superuser
    return sorted(admin.site._registry[model].get_actions(request))


@dataclass(frozen=True)
class Request:
    kind: str
    method: str
    url: str
    data: dict | None = None

    def send(self, client):
        if self.method == "get":
            return client.get(self.url)
        return client.post(self.url, self.data or {})

    def __str__(self):
        action = f" action={self.data['action']}" if self.data and "action" in self.data else ""
        return f"{self.kind} {self.method.upper()} {self.url}{action}"


def requests_for(model, obj, superuser) -> list[Request]:
    """GET and POST of every page of the model's admin, for this object."""
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    pk = obj.pk if obj is not None else MISSING_ID
    requests = []
    for url in URLS:
        if url.model is not model:
            continue
        if url.kind == "changelist":
            changelist = reverse(f"{info}_changelist")
            requests.append(Request("changelist", "get", changelist))
            requests += [Request("action", "post", changelist,
                                 {"action": name, "_selected_action": pk, "index": "0"})
                         for name in _action_names(model, superuser)]
        elif url.kind == "add":
            requests += [Request("add", "get", reverse(f"{info}_add")),
                         Request("add", "post", reverse(f"{info}_add"), {"_save": "Save"})]
        elif url.kind == "change":
            change = reverse(f"{info}_change", args=[pk])
            requests += [Request("change", "get", change),
                         Request("change", "post", change, {"_save": "Save"})]
        elif url.kind == "delete":
            delete = reverse(f"{info}_delete", args=[pk])
            requests += [Request("delete", "get", delete),
                         Request("delete", "post", delete, {"post": "yes"})]
        elif url.kind == "history":
            requests.append(Request("history", "get", reverse(f"{info}_history", args=[pk])))
        elif url.kind == "simple_history":
            # simple-history's page of one version; its Revert button posts "_save".
            version = _first_version_id(obj) if obj is not None else MISSING_ID
            page = reverse(f"{info}_simple_history", args=[pk, version])
            requests += [Request("version", "get", page),
                         Request("revert", "post", page, {"_save": "Revert"})]
        elif url.kind == "password_change":
            page = reverse("admin:auth_user_password_change", args=[pk])
            requests += [Request("password", "get", page),
                         Request("password", "post", page, {"password1": "Intruder-Pass-42",
                                                            "password2": "Intruder-Pass-42"})]
        elif url.kind == "old_change":
            old = reverse(f"{info}_change", args=[pk]).removesuffix("change/")
            requests.append(Request("old_change", "get", old))
    return requests


def _login(user):
    client = Client()
    client.force_login(user)
    return client


def _secrets(world) -> list[str]:
    """What no page may show an outsider: the cluster's name, its people's addresses."""
    return [world.cluster.name, world.manager.email, world.member.email,
            world.invitation.email, world.invitation.token]


def _is_admin_login(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_every_admin_url_is_in_the_admin_access_matrix():
    unknown = [url.route for url in URLS if url.kind == "?"]
    tried = {url.model for url in URLS if url.kind == "changelist"}

    assert not unknown, (f"new admin URL: say what it is in {__name__} "
                         "(MODEL_PAGES or SITE_PAGES): " + ", ".join(unknown))
    assert tried == set(admin.site._registry)


@pytest.mark.parametrize("label", sorted(MODELS))
def test_a_facilitator_who_does_not_follow_the_cluster_reaches_nothing_of_it(label, world,
                                                                            superuser):
    model = MODELS[label]
    obj = the_object(model, world)
    is_cluster_data = cluster_path(model) is not None
    facilitator = world.outsiders["outsider facilitator"]
    client = _login(facilitator)
    # Data of no cluster may be seen (never changed) when the Facilitators group grants it.
    may_view = not is_cluster_data and facilitator.has_perm(
        f"{model._meta.app_label}.view_{model._meta.model_name}")
    requests = requests_for(model, obj, superuser)
    failures = []
    for request in requests:
        before = table_checksums()
        response = request.send(client)
        changed = changed_tables(before, table_checksums())
        if changed:
            failures.append(f"{request}: changed {changed}")
        if response.status_code in (403, 404):
            continue
        if (request.kind in ("changelist", "action") and response.status_code == 200
                and response.context and "cl" in response.context):
            listed = [o.pk for o in response.context["cl"].result_list]
            if (is_cluster_data and obj.pk in listed) or not (is_cluster_data or may_view):
                failures.append(f"{request}: 200 listing {listed}")
        elif request.kind == "action" and response.status_code == 302:
            # The admin sends the list back when the action is not allowed or nothing
            # selected is in its queryset.
            if response.url != request.url:
                failures.append(f"{request}: 302 to {response.url}")
        elif request.kind == "action" and response.status_code == 200:
            # The admin runs an allowed action on the selected objects of its queryset:
            # none here, so an export has its header only. It must show nothing of the
            # cluster (a table change is caught above).
            leaked = [s for s in _secrets(world) if s in response.content.decode()]
            if leaked:
                failures.append(f"{request}: 200 showing {leaked}")
        elif obj is None and response.status_code == 302 and response.url == reverse(
                "admin:index"):
            pass  # data of no cluster and no row: the admin's "does not exist" redirect
        elif request.kind == "old_change" and response.status_code in (301, 302):
            if response.url != reverse(
                    f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                    args=[obj.pk if obj else MISSING_ID]):
                failures.append(f"{request}: redirected to {response.url}")
        elif not (may_view and request.method == "get" and response.status_code == 200
                  and request.kind in ("change", "history", "version")):
            failures.append(f"{request}: {response.status_code}")

    assert requests, f"no admin page of {label} was tried"
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("label", sorted(MODELS))
def test_a_team_member_without_staff_rights_is_sent_to_the_admin_login(label, world,
                                                                       superuser):
    model = MODELS[label]
    client = _login(world.member)
    failures = []
    for request in requests_for(model, the_object(model, world), superuser):
        before = table_checksums()
        response = request.send(client)
        changed = changed_tables(before, table_checksums())
        if changed:
            failures.append(f"{request}: changed {changed}")
        if not _is_admin_login(response):
            failures.append(f"{request}: {response.status_code}")

    assert not failures, "\n".join(failures)


def _site_requests(world) -> list[Request]:
    requests = []
    for url in URLS:
        if url.kind in ("index", "password_change", "password_change_done", "jsi18n"):
            requests.append(Request(url.kind, "get", reverse(f"admin:{url.kind}")))
        elif url.kind == "app_list":
            labels = {m._meta.app_label for m in admin.site._registry}
            requests += [Request("app_list", "get", reverse("admin:app_list", args=[app]))
                         for app in sorted(labels)]
        elif url.kind == "catch_all":
            requests.append(Request("catch_all", "get", "/admin/no-such-page/"))
        elif url.kind == "autocomplete":
            requests += [Request("autocomplete", "get", reverse("admin:autocomplete") + query)
                         for query in _autocomplete_queries()]
        elif url.kind == "view_on_site":
            for model in admin.site._registry:
                if cluster_path(model) is not None and hasattr(model, "get_absolute_url"):
                    obj = the_object(model, world)
                    ct = ContentType.objects.get_for_model(model)
                    requests.append(Request("view_on_site", "get",
                                            reverse("admin:view_on_site", args=[ct.pk, obj.pk])))
    return requests


def _autocomplete_queries() -> list[str]:
    """The searches of every autocomplete field of the admin and its inlines."""
    queries = []
    for model, model_admin in admin.site._registry.items():
        for source in [model_admin, *(inline(model, admin.site) for inline in
                                      model_admin.inlines)]:
            opts = source.model._meta
            queries += [f"?app_label={opts.app_label}&model_name={opts.model_name}"
                        f"&field_name={field}&term=" for field in source.autocomplete_fields]
    return queries


def test_the_admin_sites_own_pages_tell_an_outsider_nothing_of_the_cluster(world):
    client = _login(world.outsiders["outsider facilitator"])
    before = table_checksums()
    failures = []
    for request in _site_requests(world):
        response = request.send(client)
        text = response.content.decode(errors="replace")
        if response.status_code >= 500:
            failures.append(f"{request}: {response.status_code}")
        if request.kind == "view_on_site" and response.status_code != 404:
            failures.append(f"{request}: {response.status_code} {response.get('Location')}")
        leaked = [s for s in _secrets(world) if s in text]
        if leaked:
            failures.append(f"{request}: shows {leaked}")

    assert not failures, "\n".join(failures)
    assert changed_tables(before, table_checksums()) == []


def test_the_admin_sites_own_pages_send_a_team_member_to_the_login(world):
    client = _login(world.member)
    requests = _site_requests(world)

    refused = {str(r): _is_admin_login(r.send(client)) for r in requests}

    assert requests and all(refused.values()), refused


# --- The matrix names real objects ----------------------------------------------------------

@pytest.mark.parametrize("label", sorted(label for label, model in MODELS.items()
                                         if cluster_path(model) is not None))
def test_a_superuser_reaches_every_object_the_matrix_names(label, world, superuser):
    model = MODELS[label]
    client = _login(superuser)
    statuses = {str(r): r.send(client).status_code
                for r in requests_for(model, the_object(model, world), superuser)
                if r.method == "get" and r.kind in ("change", "history", "version")}

    assert statuses and set(statuses.values()) == {200}, statuses


def test_the_following_facilitator_reaches_the_history_of_the_plan(world):
    client = _login(world.follower)
    plan = world.plan
    version = _first_version_id(plan)

    history = client.get(reverse("admin:plans_actionplan_history", args=[plan.pk]))
    page = client.get(reverse("admin:plans_actionplan_simple_history",
                              args=[plan.pk, version]))
    listed = client.get(reverse("admin:plans_actionplan_changelist"))
    on_site = client.get(reverse("admin:view_on_site", args=[
        ContentType.objects.get_for_model(ActionPlan).pk, plan.pk]))

    assert history.status_code == 200 and world.cluster.name in history.text
    assert page.status_code == 200 and 'name="_save"' not in page.text  # no Revert button
    assert [p.pk for p in listed.context["cl"].result_list] == [plan.pk]
    assert on_site.url.endswith(plan.get_absolute_url())


# --- The requests of the issue "Close the side doors" ------------------------------------------

@pytest.fixture
def submitted_plan(world):
    return plan_review.plan_transition(plan=world.plan, user=world.manager,
                                         to_status=ActionPlan.Status.SUBMITTED)


def test_issue_history_of_a_plan_not_followed_is_a_404(world, submitted_plan):
    client = _login(world.outsiders["outsider facilitator"])

    response = client.get(reverse("admin:plans_actionplan_history",
                                  args=[submitted_plan.pk]))

    assert response.status_code == 404
    assert world.cluster.name not in response.text


def test_issue_a_version_of_a_plan_not_followed_is_a_404(world, submitted_plan):
    client = _login(world.outsiders["outsider facilitator"])

    response = client.get(reverse("admin:plans_actionplan_simple_history",
                                  args=[submitted_plan.pk, _first_version_id(submitted_plan)]))

    assert response.status_code == 404
    assert world.cluster.name not in response.text


@pytest.mark.parametrize("who, status", [("outsider facilitator", 404), ("follower", 403)])
def test_issue_revert_of_a_plan_is_refused_and_writes_nothing(world, submitted_plan, who,
                                                              status):
    """Revert would put the submitted plan back to draft with no review step recorded: no
    facilitator may, not even one who follows the cluster."""
    user = world.follower if who == "follower" else world.outsiders[who]
    client = _login(user)
    url = reverse("admin:plans_actionplan_simple_history",
                  args=[submitted_plan.pk, _first_version_id(submitted_plan)])
    before = table_checksums()

    response = client.post(url, {"_save": "Revert"})

    assert response.status_code == status
    assert changed_tables(before, table_checksums()) == []
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == ActionPlan.Status.SUBMITTED
    assert PlanTransition.objects.filter(plan=submitted_plan).count() == 1

# The fourth request of the issue, an invitation link opened by another account, is
# test_an_invitation_link_does_nothing_for_another_account in test_url_access.py.
