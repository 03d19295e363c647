from django import template

from clusterdiag.language import active_language

from ..pdf import services
from ..pdf.views import job_state

register = template.Library()


@register.simple_tag
def plan_pdf_state(plan) -> dict:
    """The PDF job of the plan's current version in the active language (one query)."""
    job = services.current_job(plan=plan, language=active_language())
    return {**job_state(plan, job), "job": job}
