from django import template
from django.utils.translation import get_language

from ..pdf import services
from ..pdf.views import job_state

register = template.Library()


@register.simple_tag
def plan_pdf_state(plan) -> dict:
    """The PDF job of the plan's current version in the active language (one query)."""
    job = services.current_job(plan=plan, language=(get_language() or "en")[:2])
    return {**job_state(plan, job), "job": job}
