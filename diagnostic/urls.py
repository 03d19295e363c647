from django.urls import path

from . import team_views, views

app_name = "diagnostic"

urlpatterns = [
    path("clusters/new/", views.cluster_create, name="cluster_create"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("clusters/<int:pk>/invite/", views.cluster_invite, name="cluster_invite"),
    path("clusters/<int:pk>/facilitator/", views.cluster_facilitation,
         name="cluster_facilitation"),
    path("clusters/<int:pk>/delete/", team_views.cluster_delete, name="cluster_delete"),
    path("clusters/<int:pk>/invitations/<int:invitation_pk>/revoke/",
         team_views.invitation_revoke, name="invitation_revoke"),
    path("clusters/<int:pk>/members/<int:membership_pk>/remove/", team_views.member_remove,
         name="member_remove"),
    path("clusters/<int:pk>/members/<int:membership_pk>/make-manager/",
         team_views.member_make_manager, name="member_make_manager"),
    path("accounts/delete/", team_views.account_delete, name="account_delete"),
    path("clusters/<int:pk>/diagnostics/new/", views.diagnostic_start, name="diagnostic_start"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("diagnostics/<int:pk>/", views.diagnostic_detail, name="diagnostic_detail"),
    path("diagnostics/<int:pk>/review/", views.diagnostic_review, name="diagnostic_review"),
    path("diagnostics/<int:pk>/submit/", views.diagnostic_submit, name="diagnostic_submit"),
    path("diagnostics/<int:pk>/steps/<slug:section_key>/", views.diagnostic_step,
         name="diagnostic_step"),
    path("diagnostics/<int:pk>/steps/<slug:section_key>/autosave/", views.diagnostic_autosave,
         name="diagnostic_autosave"),
]
