"""The PDF's URLs (included by diagnostic/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("plans/<int:pk>/pdf/", views.plan_pdf_status, name="plan_pdf_status"),
    path("plans/<int:pk>/pdf/request/", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/pdf/download/", views.plan_pdf_download, name="plan_pdf_download"),
]
