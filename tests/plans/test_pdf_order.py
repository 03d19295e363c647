"""The PDF tells the results in the page's order, the answer first (issue 15): summary,
dimension scores, position, answers by section; each figure once."""

import pytest

from benchmark import services as benchmark_services
from benchmark.models import Cohort, PeerEntry
from diagnostic.models import Diagnostic
from plans.pdf import render
from tests.benchmark.test_statistics import seed_entries
from tests.factories import plan_for

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


def test_the_pdf_starts_with_the_answer_and_says_each_thing_once(team):
    plan = plan_for(team)
    Diagnostic.objects.filter(pk=plan.diagnostic_id).update(benchmark_consent=True)
    seed_entries(9, seed=5)
    benchmark_services.consent_set(diagnostic=plan.diagnostic, consent=True)
    PeerEntry.objects.update(sector=team.cluster.sector, governance=team.cluster.governance)
    benchmark_services.statistics_refresh(cohort=Cohort.LIVE)

    html = render.plan_html(plan_id=plan.pk, language="en", with_images=False)

    order = ["Strongest", "Weakest", "Next step:", "Dimension scores",
             "Position on the internationalisation axis", "Your answers compared",
             "Tailored strategy", "Agenda"]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "all peers (n = 10)" in html
    assert ") (n = " not in html  # "(n = 10) (n = 10)" once printed the group size twice
    assert html.count("91 regional networks") == 1
    assert "91 clusters in 10 European countries" not in html
