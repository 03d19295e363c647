"""The strategy, the action plan, its review and its PDF. The paths are those of the first
release (they lived in the diagnostic app then): bookmarks keep working."""

from django.urls import path, re_path
from django.views.generic import RedirectView

from . import views
from .pdf import views as pdf_views

app_name = "plans"

# The admin pages of these models were under /admin/diagnostic/ before they moved here.
MOVED_ADMIN = ("actionplan|action|plancomment|plantransition|pdfjob|playbookversion|phase|"
               "instrument|barriermeasure|fundingoption|actiontemplate")

urlpatterns = [
    path("diagnostics/<int:pk>/strategy/", views.strategy, name="strategy"),
    path("diagnostics/<int:pk>/plan/", views.plan_create, name="create"),
    path("diagnostics/<int:pk>/markets/", views.shortlist_save, name="shortlist"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="edit"),
    path("plans/<int:pk>/agenda/", views.plan_agenda, name="agenda"),
    path("plans/<int:pk>/history/", views.plan_history, name="history"),
    path("plans/<int:pk>/review/", views.plan_transition, name="transition"),
    path("plans/<int:pk>/comments/", views.plan_comment, name="comment"),
    path("plans/<int:pk>/actions/new/", views.action_add, name="action_add"),
    path("plans/<int:pk>/actions/<int:action_pk>/", views.action_edit, name="action_edit"),
    path("plans/<int:pk>/actions/<int:action_pk>/delete/", views.action_delete,
         name="action_delete"),
    path("plans/<int:pk>/actions/<int:action_pk>/move/", views.action_move,
         name="action_move"),
    path("sample-report.pdf", pdf_views.sample_pdf, name="sample_pdf"),
    path("plans/<int:pk>/pdf/", pdf_views.plan_pdf_status, name="pdf_status"),
    path("plans/<int:pk>/pdf/request/", pdf_views.plan_pdf, name="pdf_request"),
    path("plans/<int:pk>/pdf/download/", pdf_views.plan_pdf_download, name="pdf_download"),
    # Unnamed: only a redirect to the admin, which checks access itself.
    re_path(rf"^admin/diagnostic/(?P<model>{MOVED_ADMIN})/(?P<rest>.*)$",
            RedirectView.as_view(url="/admin/plans/%(model)s/%(rest)s", permanent=True,
                                 query_string=True)),
]
