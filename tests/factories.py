import factory
from django.contrib.auth.models import Group

from clusterdiag.models import FACILITATORS_GROUP, User
from diagnostic.models import Cluster, Diagnostic, Membership, QuestionnaireVersion

PASSWORD = "Correct-Horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Member{n}")
    password = factory.django.Password(PASSWORD)


class FacilitatorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def facilitator_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=FACILITATORS_GROUP))


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"Cluster {n}")
    country = "DE"
    region = "Bavaria"
    sector = "ict"
    governance = "bottom_up"
    companies = 40
    smes = 30
    research_institutes = 3
    universities = 2
    other_members = 1
    jobs = 5000
    year_founded = 2010
    management_fte = 3


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    cluster = factory.SubFactory(ClusterFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MANAGER


class DiagnosticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnostic

    cluster = factory.SubFactory(ClusterFactory)
    version = factory.LazyFunction(QuestionnaireVersion.objects.current)
    run = 1


def valid_value(question):
    """A valid answer for any question of the questionnaire."""
    options = [o for o in question.options.all() if not o.exclusive]
    kind = question.kind
    if kind == "single":
        return options[0].key
    if kind == "multiple":
        return [o.key for o in options[: max(question.min_choices or 1, 1)]]
    if kind == "number":
        return int(question.min_value or 0) + 1
    if kind == "percent":
        return 40
    if kind == "text":
        return "Joint R&D with Nordic clusters"
    if kind == "countries":
        return ["SE", "FI"]
    if kind == "rows":
        kind = next(c for c in question.columns if c["kind"] == "choice")
        return [{"actor": "Cluster board", "region": "Nordics", "year": 2024,
                 "kind": kind["options"][0]["key"]}]
    raise ValueError(kind)


def answer_everything(diagnostic, user):
    from diagnostic import services
    from diagnostic.models import Question

    questions = Question.objects.filter(section__version=diagnostic.version)
    services.answers_save(diagnostic=diagnostic, user=user, section_key="funding",
                          values={q: valid_value(q) for q in questions.prefetch_related("options")})


def step_data(section, values: dict, action="next") -> dict:
    """The POST body a browser sends for a step, from {question key: value}."""
    data = {"_action": action}
    for question in section.questions.all():
        if question.key not in values:
            continue
        value = values[question.key]
        name = f"q_{question.key}"
        if question.kind == "rows":
            rows = value or []
            data.update({f"{name}-TOTAL_FORMS": str(len(rows)), f"{name}-INITIAL_FORMS": "0",
                         f"{name}-MIN_NUM_FORMS": "0", f"{name}-MAX_NUM_FORMS": "1000"})
            for i, row in enumerate(rows):
                data.update({f"{name}-{i}-{k}": v for k, v in row.items()})
        else:
            data[name] = value
    return data


def submitted_diagnostic(team, *, consent=False):
    """The team's diagnostic, fully answered and submitted (so it has its scores)."""
    from diagnostic import services

    answer_everything(team.diagnostic, team.manager)
    return services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                                      benchmark_consent=consent)


def answer(diagnostic, user, **values):
    """Save answers by question key into a draft run."""
    from diagnostic import services
    from diagnostic.models import Question

    questions = {q.key: q for q in Question.objects.filter(
        section__version=diagnostic.version, key__in=values)}
    services.answers_save(diagnostic=diagnostic, user=user, section_key="funding",
                          values={questions[k]: v for k, v in values.items()})


def run_again(team, **values):
    """The team's next run, started from the last one's answers with `values` changed, and
    submitted."""
    from diagnostic import services

    draft = services.diagnostic_start(cluster=team.cluster, user=team.manager)
    answer(draft, team.manager, **values)
    return services.diagnostic_submit(diagnostic=draft, user=team.manager,
                                      benchmark_consent=False)


def plan_for(team, *, start_date=None):
    """A generated draft plan for the team's submitted diagnostic."""
    import datetime

    from plans import services as plan_services

    diagnostic = submitted_diagnostic(team)
    return plan_services.plan_generate(
        diagnostic=diagnostic, user=team.manager,
        start_date=start_date or datetime.date(2027, 1, 1))


class PartnerProfileFactory(factory.django.DjangoModelFactory):
    """A published partner profile (its search vectors are kept by the services: call
    partners.services.vectors_refresh, or use published_profile())."""

    class Meta:
        model = "partners.PartnerProfile"

    cluster = factory.SubFactory(ClusterFactory)
    status = "published"
    name = factory.LazyAttribute(lambda p: p.cluster.name)
    country = factory.LazyAttribute(lambda p: p.cluster.country)
    sector = factory.LazyAttribute(lambda p: p.cluster.sector)
    governance = factory.LazyAttribute(lambda p: p.cluster.governance)
    themes = "hydrogen storage, predictive maintenance"
    offers = "test beds"
    seeks = "research partners"
    text_language = "en"
    partner_types_sought = ",research,"
    partner_types_offered = ",clusters,"
    target_countries = ",FR,"
    working_languages = ",en,"
    phase = "get_to_know"
    contact_name = "Contact Person"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")


def published_profile(**kwargs):
    from partners import services as partner_services

    profile = PartnerProfileFactory(**kwargs)
    partner_services.vectors_refresh(profile)
    return profile


# The header row names the columns of benchmark/imported.py's COLUMNS, in their order.
IMPORTED_ROWS = ("kind,question,option,dimension,value,exactness,n,source,year\n"
                 "option,expected_barriers,q3_trust,,22.5,approximate,40,Programme X,2024\n"
                 "dimension,,,strategy,61,exact,12,Programme X,2025\n")


def imported_set(title="Programme X", rows=IMPORTED_ROWS, *, publish=True):
    """An imported benchmark set, through the same services as the admin's import."""
    from benchmark import imported_services

    checks = imported_services.imported_file_check(name="set.csv", content=rows.encode())
    reference = imported_services.imported_reference_create(
        title={"en": f"{title} benchmark", "fr": f"Benchmark {title}", "de": title},
        file_name="set.csv", checks=checks, user=None)
    if publish:
        imported_services.imported_reference_publish(reference=reference)
    return reference


def api_token(user, name="integration"):
    """A personal API token of the user: (token row, the secret to send)."""
    from api.tokens import token_create

    return token_create(user=user, name=name)
