"""/api/v1/: explicit paths rather than a router, so that every route is a plain
<int:pk> path that the access matrix and the fuzz test read like any page's."""

from django.urls import path

from . import export_views, portfolio_views, token_views, views

app_name = "api"

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}

urlpatterns = [
    path("api/v1/schema/", views.schema, name="schema"),
    path("api/v1/clusters/", views.ClusterViewSet.as_view(LIST), name="cluster-list"),
    path("api/v1/clusters/<int:pk>/", views.ClusterViewSet.as_view(DETAIL),
         name="cluster-detail"),
    path("api/v1/followed-clusters/", views.FollowedClusterViewSet.as_view(LIST),
         name="followed-cluster-list"),
    path("api/v1/runs/", views.RunViewSet.as_view(LIST), name="run-list"),
    path("api/v1/runs/<int:pk>/", views.RunViewSet.as_view(DETAIL), name="run-detail"),
    path("api/v1/runs/<int:pk>/answers/", views.RunAnswersView.as_view(), name="run-answers"),
    path("api/v1/plans/", views.PlanViewSet.as_view(LIST), name="plan-list"),
    path("api/v1/plans/<int:pk>/", views.PlanViewSet.as_view(DETAIL), name="plan-detail"),
    path("api/v1/peer-statistics/", views.PeerStatisticsView.as_view(), name="peer-statistics"),
    path("api/v1/study-figures/", views.StudyFiguresView.as_view(), name="study-figures"),
    # Downloads of a run, and of everything held about the person.
    path("diagnostics/<int:pk>/export/answers.csv", export_views.run_answers_csv,
         name="run_answers_csv"),
    path("diagnostics/<int:pk>/export/answers.xlsx", export_views.run_answers_xlsx,
         name="run_answers_xlsx"),
    path("diagnostics/<int:pk>/export/run.json", export_views.run_json, name="run_json"),
    path("accounts/my-data.json", export_views.my_data, name="my_data"),
    # The facilitator's portfolio.
    path("portfolio/", portfolio_views.portfolio_page, name="portfolio"),
    path("portfolio/export.csv", portfolio_views.portfolio_csv, name="portfolio_csv"),
    # The person's tokens, managed from the profile page (session only).
    path("accounts/api-tokens/", token_views.token_create, name="token_create"),
    path("accounts/api-tokens/<int:pk>/revoke/", token_views.token_revoke,
         name="token_revoke"),
]
