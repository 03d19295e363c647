from django.urls import path

from . import views

app_name = "diagnostic"

urlpatterns = [
    path("clusters/new/", views.cluster_create, name="cluster_create"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("clusters/<int:pk>/invite/", views.cluster_invite, name="cluster_invite"),
    path("clusters/<int:pk>/facilitator/", views.cluster_facilitation,
         name="cluster_facilitation"),
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
