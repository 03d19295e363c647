"""The PDF's pages: request (POST, only queues), status (page or JSON for polling),
download (the stored file). Every one answers 404 to anybody who may not see the plan."""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from clusterdiag.language import active_language
from clusterdiag.storage import private_storage

from ..access import get_plan_for_user
from ..models import ActionPlan
from . import services


def job_state(plan: ActionPlan, job) -> dict:
    """What the status page and its polling show (also used by _download.html)."""
    return {
        "status": job.status if job else "none",
        "label": str(job.get_status_display()) if job else "",
        "ready": bool(job and job.is_ready),
        "download_url": reverse("plans:pdf_download", args=[plan.pk])
        if job and job.is_ready else "",
    }


@require_POST
def plan_pdf(request, pk):
    plan = get_plan_for_user(request.user, pk, related=("cluster",))
    services.pdf_request(plan=plan, user=request.user, language=active_language())
    return redirect("plans:pdf_status", plan.pk)


@never_cache
@require_GET
def plan_pdf_status(request, pk):
    plan = get_plan_for_user(request.user, pk, related=("cluster",))
    job = services.current_job(plan=plan, language=active_language())
    state = job_state(plan, job)
    if request.GET.get("format") == "json":
        return JsonResponse(state)
    return render(request, "plans/pdf/status.html",
                  {"plan": plan, "cluster": plan.cluster, "job": job, "state": state})


@never_cache
@require_GET
def plan_pdf_download(request, pk):
    plan = get_plan_for_user(request.user, pk, related=("cluster",))
    job = services.current_job(plan=plan, language=active_language())
    try:
        handle = private_storage().open(job.storage_name) if job and job.is_ready else None
    except FileNotFoundError:  # replaced by a newer version meanwhile
        handle = None
    if handle is None:
        return redirect("plans:pdf_status", plan.pk)
    name = f"action-plan-{plan.pk}-v{job.revision}-{job.language}.pdf"
    response = FileResponse(handle, as_attachment=True, filename=name,
                            content_type="application/pdf")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def sample_pdf(request):
    """The demo plan's PDF, for anybody: it is demo data, labelled as such on its cover."""
    plan = services.sample_plan()
    if plan is None:
        raise Http404
    language = active_language()
    path = services.sample_pdf_path(plan=plan, language=language)
    return FileResponse(path.open("rb"), filename=f"clusterdiag-sample-report-{language}.pdf",
                        content_type="application/pdf")
