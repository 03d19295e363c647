"""The action plan as a PDF: rendered by a Celery task with WeasyPrint, stored privately,
served only to those who may see the plan (issue 6)."""
