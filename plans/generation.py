"""The draft action plan as plain values, from the strategy, the playbook, the answers and
the ordered target markets. Pure functions (no database): plans.services writes the
result. Texts come from the playbook in the plan's language, or from gettext for what the
answers add (first contacts, facilitator, amounts)."""

from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_countries import countries as country_names

from clusterdiag.language import pick_text

from .rules import LANGUAGE_MEASURE, PHASES

HORIZON_MONTHS = {"horizon_1y": 12, "horizon_3y": 36, "horizon_5y": 60, "horizon_long": 60}
DEFAULT_MONTHS = 12
# How many target markets an action of a template addresses; the next markets in the
# shortlist's order go to the next actions, so the first actions go to the first markets.
TEMPLATE_TARGETS = {"first_networking_visit": 1, "b2b_matchmaking": 1, "joint_market_mission": 1,
                    "set_up_joint_working_group": 2, "transnational_project_proposal": 3,
                    "pilot_joint_project": 2, "cooperation_agreement": 1}
ALL_MARKETS = {"select_target_markets", "strategic_partnership_roadmap"}
NETWORKING_VISITS = 2  # one networking visit to each of the first markets
FIRST_CONTACTS = 2
# Which actions the driving force owns (partnership and projects); the others (strategy,
# benchmarking, funding, counter-measures) go to whoever is in charge of
# internationalisation.
DRIVING_FORCE_TEMPLATES = {"b2b_matchmaking", "joint_market_mission", "pilot_joint_project",
                           "transnational_project_proposal", "joint_services",
                           "first_networking_visit"}


def _roles():
    """Owner roles by answer, in the active language (called inside override)."""
    return {
        "df_management": _("Cluster management"),
        "df_leading_companies": _("Leading member companies"),
        "df_research": _("Member research institutes"),
        "df_public": _("Public partners of the cluster"),
        "df_members": _("Member organisations"),
        "df_other": _("Cluster management"),
        "q2_board": _("Management board"),
        "q2_working_group": _("Internationalisation working group"),
        "q2_manager": _("Cluster manager"),
        "q2_members": _("Member organisations"),
        "q2_nobody": _("Cluster manager (to be confirmed)"),
        "q2_other": _("Cluster manager"),
        "by_manager": _("Cluster manager"),
        "by_board": _("A board member"),
        "by_member": _("A member company"),
        "by_facilitator": _("External facilitator"),
        "top_down_external": _("Management board, with the external sponsor"),
    }


def _facilitators():
    return {
        "facilitator_regional_agency": _("the regional development agency"),
        "facilitator_national_programme": _("the national cluster programme"),
        "facilitator_een": _("Enterprise Europe Network"),
        "facilitator_chamber": _("a chamber of commerce"),
        "facilitator_consultant": _("a consultant"),
        "facilitator_other": _("a facilitator"),
    }


def _contact_modes():
    return {
        "contact_networking_visit": _("a networking visit between the clusters"),
        "contact_b2b": _("B2B meetings"),
        "contact_facilitator": _("an introduction by a facilitator"),
        "contact_personal": _("the existing personal contacts"),
        "contact_event": _("a trade fair or an event"),
        "contact_platform": _("an online cluster matchmaking platform"),
        "contact_undecided": _("the way the team chooses first"),
    }


def action_owner(template_key: str, answers: dict, governance: str = "") -> str:
    """Who owns an action: the driving force owns partnership and project actions, the
    person or body in charge of internationalisation the others; in a top-down cluster with
    external influence the board (with its sponsor) owns the dialogue and the roadmap."""
    roles = _roles()
    if template_key in ("first_contact", "engage_facilitator_contact"):
        return roles.get(answers.get("first_contact_by"), roles["by_manager"])
    if governance == "top_down_external" and template_key in (
            "internationalisation_dialogue", "strategic_partnership_roadmap"):
        return roles["top_down_external"]
    if template_key in DRIVING_FORCE_TEMPLATES:
        driver = answers.get("cluster_driving_force")
        if driver in roles:
            return roles[driver]
    return roles.get(answers.get("intl_responsibility"), "")


def needs_facilitator(answers: dict) -> bool:
    return (answers.get("facilitator_needed") in ("facilitator_yes", "facilitator_maybe")
            or answers.get("first_contact_mode") == "contact_facilitator"
            or answers.get("first_contact_by") == "by_facilitator")


def plan_months(answers: dict) -> int:
    return HORIZON_MONTHS.get(answers.get("time_horizon"), DEFAULT_MONTHS)


def _lines(text) -> list[str]:
    return [line.strip(" -•\t") for line in str(text or "").splitlines() if line.strip(" -•\t")]


def plan_objectives(answers: dict, language: str) -> list[dict]:
    """The plan's objectives (one per line of the objectives answer), each with an
    indicator: the team's own, line by line, else one that fits its first motive."""
    with override(language):
        by_motive = {
            "q1_market_position": _("Position against international peers in the yearly "
                                    "benchmark"),
            "q1_new_markets": _("Number of member companies with business in a target market"),
            "q1_new_knowhow": _("Number of joint R&D projects started with partner clusters"),
            "q1_exchange": _("Number of good-practice exchanges with partner clusters"),
        }
        motives = answers.get("motives") or []
        motives = [motives] if isinstance(motives, str) else motives
        default = next((by_motive[m] for m in motives if m in by_motive),
                       _("Number of cooperation agreements signed with partner clusters"))
    objectives = _lines(answers.get("main_objectives"))[:8]
    indicators = _lines(answers.get("objective_indicators"))
    return [{"text": text[:300],
             "indicator": (indicators[i] if i < len(indicators) else default)[:300]}
            for i, text in enumerate(objectives)]


def funding_amounts(answers: dict) -> dict | None:
    """The yearly budget split into own financing, members' co-financing and what is to be
    sought from public funding, in euros; None without a budget."""
    budget = answers.get("intl_budget_eur")
    if answers.get("funding_planned") == "funding_not_yet" or not budget:
        return None
    budget = Decimal(str(budget))
    own = (budget * Decimal(str(answers.get("own_financing_pct") or 0)) / 100).quantize(
        Decimal(1))
    members = Decimal(0)
    if answers.get("member_cofinancing") in ("cofin_yes", "cofin_partly"):
        members = (budget * Decimal(str(answers.get("member_cofinancing_pct") or 0)) / 100
                   ).quantize(Decimal(1))
    members = min(members, budget - own)
    return {"budget": int(budget), "own": int(own), "members": int(members),
            "public": int(budget - own - members)}


def _euros(amount: int) -> str:
    return f"{amount:,}".replace(",", "\u202f") + " €"


def _country(code: str) -> str:
    return str(country_names.name(code) or code)


class _Markets:
    """Deals the ordered target markets out to the actions, first markets first."""

    def __init__(self, markets: list[str]):
        self.markets, self.next = markets, 0

    def take(self, count: int) -> list[str]:
        if not self.markets:
            return []
        chosen = [self.markets[(self.next + i) % len(self.markets)]
                  for i in range(min(count, len(self.markets)))]
        self.next = (self.next + count) % len(self.markets)
        return chosen


def _templates_for(strategy, playbook: dict) -> list[dict]:
    """Templates of the starting phase, then one for each recommended instrument that the
    phase does not cover (from the nearest later phase, else the nearest earlier one),
    then the funding plan when funding is recommended or planned."""
    by_key = {t["key"]: t for t in playbook["action_templates"]}
    chosen = [t for t in playbook["action_templates"] if t["phase"] == strategy.phase]
    covered = {t["instrument"] for t in chosen}
    start = PHASES.index(strategy.phase)
    order = PHASES[start:] + PHASES[:start][::-1]
    for rec in strategy.recommendations:
        if rec.kind != "instrument" or rec.key in covered:
            continue
        candidates = [t for t in playbook["action_templates"] if t["instrument"] == rec.key]
        candidates.sort(key=lambda t: order.index(t["phase"]) if t["phase"] in order else 9)
        if candidates:
            chosen.append(candidates[0])
            covered.add(rec.key)
    if "funding_plan" in by_key and by_key["funding_plan"] not in chosen:
        chosen.append(by_key["funding_plan"])
    return chosen


def _recommendation_of(template: dict, strategy) -> str:
    for rec in strategy.recommendations:
        if rec.kind == "instrument" and rec.key == template["instrument"]:
            return f"instrument:{rec.key}"
    return f"phase:{template['phase']}"


def draft_actions(*, strategy, playbook: dict, answers: dict, start_date, language: str,
                  markets: list[str] | None = None, governance: str = "") -> list[dict]:
    """The draft actions as plain field values, in order: engaging a facilitator when one
    is asked for, the first contacts in the first markets, the phase's and the recommended
    instruments' actions (networking visits one per market), the counter-measures of the
    barriers named (with the team's own idea as text when given), the funding plan."""
    markets = list(markets or [])
    deal = _Markets(markets)
    top_funding = next((r.key for r in strategy.recommendations if r.kind == "funding"), None)
    funding_ids = {f["key"]: f.get("id") for f in playbook["funding_options"]}
    measures = {m["barrier"]: m for m in playbook["barrier_measures"]}
    target_markets = str(answers.get("target_markets") or "")[:500]
    rows: list[dict] = []

    def add(key, title, description, owner, duration, *, targets=(), milestone="",
            indicator="", recommendation="", funding=None, later=False):
        rows.append({"template_key": key, "recommendation": recommendation,
                     "title": title[:200], "description": description[:4000],
                     "owner_role": (owner or _("Cluster manager"))[:200],
                     "duration": duration, "later": later,
                     "target_countries": list(targets), "target_markets": target_markets,
                     "milestone": milestone[:300], "indicator": indicator[:300],
                     "funding_id": funding})

    with override(language):
        facilitator = None
        if needs_facilitator(answers):
            facilitator = _facilitators().get(answers.get("facilitator_kind"),
                                              _("a facilitator"))
            # capfirst: in German the title starts with the facilitator ("die regionale...").
            add("engage_facilitator", capfirst(_("Engage %(who)s for the first contacts") % {
                "who": facilitator}),
                _("Agree with %(who)s on the introductions to the partner clusters and on "
                  "who does what.") % {"who": facilitator},
                action_owner("intl", answers, governance), 1,
                milestone=_("Facilitator engaged"),
                indicator=_("Introductions agreed with the facilitator"),
                recommendation="answer:facilitator_needed")
        mode = _contact_modes().get(answers.get("first_contact_mode"), "")
        for country in markets[:FIRST_CONTACTS]:
            name = _country(country)
            owner = action_owner("first_contact", answers, governance)
            if facilitator:
                owner = _("%(owner)s, with %(facilitator)s") % {
                    "owner": owner, "facilitator": facilitator}
            add("first_contact", _("First contact with partner clusters in %(country)s") % {
                "country": name},
                _("Make the first contact through %(mode)s.") % {"mode": mode} if mode else "",
                owner, 2, targets=[country], milestone=_("First meeting held"),
                indicator=_("Partner clusters contacted"), recommendation="answer:first_contact")
        for template in _templates_for(strategy, playbook):
            key = template["key"]
            later = template["phase"] != strategy.phase and key != "funding_plan"
            common = {"milestone": pick_text(template["milestone"], language),
                      "indicator": pick_text(template["indicator"], language),
                      "recommendation": _recommendation_of(template, strategy), "later": later}
            owner = (action_owner(key, answers, governance)
                     or pick_text(template["owner_role"], language))
            description = pick_text(template["description"], language)
            if key == "first_networking_visit":
                for country in markets[:NETWORKING_VISITS] or [None]:
                    title = pick_text(template["title"], language)
                    if country:
                        title = _("%(title)s: %(country)s") % {"title": title,
                                                                "country": _country(country)}
                    add(key, title, description, owner, template["duration_months"],
                        targets=[country] if country else [], **common)
                continue
            if key in ("set_up_joint_working_group", "pilot_joint_project"):
                description = _working_group_text(description, answers)
            funding = None
            if key == "funding_plan":
                description = _funding_text(description, answers)
                funding = funding_ids.get(top_funding)
            elif template["instrument"] == "transnational_calls":
                funding = funding_ids.get(top_funding)
            targets = markets if key in ALL_MARKETS else deal.take(
                TEMPLATE_TARGETS.get(key, 0)) if TEMPLATE_TARGETS.get(key) else []
            add(key, pick_text(template["title"], language), description, owner,
                template["duration_months"], targets=targets, funding=funding, **common)
        for rec in strategy.recommendations:
            if rec.kind != "barrier" or rec.key not in measures:
                continue
            measure = measures[rec.key]
            own_idea = str(answers.get(f"reduce_{rec.key}") or "").strip()
            targets = []
            if rec.key == LANGUAGE_MEASURE:
                targets = next((t.value for t in rec.triggers if t.kind == "language"), [])
            add(f"barrier_{rec.key}", pick_text(measure["title"], language),
                own_idea or pick_text(measure["description"], language),
                action_owner("barrier", answers, governance) or _("Cluster manager"), 3,
                targets=targets, recommendation=f"barrier:{rec.key}",
                milestone=_("Counter-measure in place"),
                indicator=_("The barrier is reviewed with the partners at each milestone"))
    return _schedule(rows, start_date)


def _working_group_text(description: str, answers: dict) -> str:
    themes = str(answers.get("cooperation_themes") or "").strip()
    members = answers.get("participating_members") or []
    labels = {"members_smes": _("SMEs"), "members_large": _("large companies"),
              "members_research": _("research institutes"),
              "members_universities": _("universities"),
              "members_management": _("the cluster management")}
    parts = [description]
    if themes:
        parts.append(_("Themes: %(themes)s.") % {"themes": themes})
    if members:
        parts.append(_("Members taking part: %(members)s.") % {
            "members": ", ".join(str(labels.get(m, m)) for m in members)})
    return " ".join(parts)


def _funding_text(description: str, answers: dict) -> str:
    amounts = funding_amounts(answers)
    if amounts is None:
        return " ".join([description, _("Start by setting a yearly budget for the "
                                        "international activities.")])
    return " ".join([description, _(
        "Yearly budget %(budget)s: own financing %(own)s, co-financed by members "
        "%(members)s, to seek from public funding %(public)s.") % {
        k: _euros(v) for k, v in amounts.items()}])


def _schedule(rows: list[dict], start_date) -> list[dict]:
    """Dates: two actions start each month; actions of a later phase start half a year in."""
    in_group = {False: 0, True: 0}
    actions = []
    for position, row in enumerate(rows, start=1):
        later = row.pop("later")
        duration = row.pop("duration")
        offset = (6 if later else 0) + in_group[later] // 2
        in_group[later] += 1
        start = start_date + relativedelta(months=offset)
        due = start + relativedelta(months=duration)
        actions.append({**row, "position": position, "start_date": start, "due_date": due,
                        "milestone_date": due if row["milestone"] else None})
    return actions
