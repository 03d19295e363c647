from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("partners/", views.index, name="index"),
    path("partners/browse/", views.browse, name="browse"),
    path("partners/profiles/<int:pk>/", views.profile, name="profile"),
    path("clusters/<int:pk>/partner-profile/prepare/", views.prepare, name="prepare"),
    path("clusters/<int:pk>/partner-profile/", views.edit, name="edit"),
    path("clusters/<int:pk>/partner-profile/preview/", views.preview, name="preview"),
    path("clusters/<int:pk>/partner-profile/publish/", views.publish, name="publish"),
    path("clusters/<int:pk>/partner-profile/withdraw/", views.withdraw, name="withdraw"),
    path("clusters/<int:pk>/matches/", views.matches, name="matches"),
    path("clusters/<int:pk>/matches/<int:other>/interest/", views.interest_express,
         name="interest_express"),
    path("clusters/<int:pk>/partners/<int:other>/block/", views.block, name="block"),
    path("clusters/<int:pk>/partners/<int:other>/report/", views.report, name="report"),
    path("interests/<int:pk>/", views.interest, name="interest"),
    path("interests/<int:pk>/answer/", views.interest_decide, name="interest_decide"),
    path("interests/<int:pk>/introduction/", views.introduction_request,
         name="introduction_request"),
    path("interests/<int:pk>/introduction/<int:intro_pk>/note/", views.introduction_note,
         name="introduction_note"),
    path("interests/<int:pk>/plan-action/", views.interest_to_action,
         name="interest_to_action"),
]
