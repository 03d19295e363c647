from django.urls import path

from . import plan_views, views
from .pdf.urls import urlpatterns as pdf_urlpatterns

app_name = "diagnostic"

urlpatterns = [
    path("clusters/new/", views.cluster_create, name="cluster_create"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("clusters/<int:pk>/invite/", views.cluster_invite, name="cluster_invite"),
    path("clusters/<int:pk>/diagnostics/new/", views.diagnostic_start, name="diagnostic_start"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("diagnostics/<int:pk>/", views.diagnostic_detail, name="diagnostic_detail"),
    path("diagnostics/<int:pk>/review/", views.diagnostic_review, name="diagnostic_review"),
    path("diagnostics/<int:pk>/submit/", views.diagnostic_submit, name="diagnostic_submit"),
    path("diagnostics/<int:pk>/steps/<slug:section_key>/", views.diagnostic_step,
         name="diagnostic_step"),
    path("diagnostics/<int:pk>/steps/<slug:section_key>/autosave/", views.diagnostic_autosave,
         name="diagnostic_autosave"),
    # The strategy and the action plan
    path("diagnostics/<int:pk>/strategy/", plan_views.strategy, name="strategy"),
    path("diagnostics/<int:pk>/plan/", plan_views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/agenda/", plan_views.plan_agenda, name="plan_agenda"),
    path("plans/<int:pk>/history/", plan_views.plan_history, name="plan_history"),
    path("plans/<int:pk>/review/", plan_views.plan_transition, name="plan_transition"),
    path("plans/<int:pk>/comments/", plan_views.plan_comment, name="plan_comment"),
    path("plans/<int:pk>/actions/new/", plan_views.action_add, name="action_add"),
    path("plans/<int:pk>/actions/<int:action_pk>/", plan_views.action_edit, name="action_edit"),
    path("plans/<int:pk>/actions/<int:action_pk>/delete/", plan_views.action_delete,
         name="action_delete"),
    path("plans/<int:pk>/actions/<int:action_pk>/move/", plan_views.action_move,
         name="action_move"),
    *pdf_urlpatterns,
]
