from django.urls import path

from . import run_views, views

app_name = "benchmark"

urlpatterns = [
    path("method/", views.method, name="method"),
    path("diagnostics/<int:pk>/results/", views.diagnostic_results, name="diagnostic_results"),
    path("diagnostics/<int:pk>/benchmark-consent/", views.diagnostic_consent,
         name="diagnostic_consent"),
    path("clusters/<int:pk>/runs/", run_views.cluster_runs, name="cluster_runs"),
    path("diagnostics/<int:pk>/rescore/", views.diagnostic_rescore, name="diagnostic_rescore"),
]
