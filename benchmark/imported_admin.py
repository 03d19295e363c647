"""The admin of imported benchmark sets: import a file (every row gets its message; a file
with a bad row changes nothing), read its preview, publish it, withdraw it. Only the
Django admin's own pages and actions: no route of its own to protect."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import imported, imported_services
from .imported_models import ImportedFigure, ImportedReference

LANGUAGES = [("en", _("Title (English)")), ("fr", _("Title (French)")),
             ("de", _("Title (German)"))]


class ImportForm(forms.ModelForm):
    title_en = forms.CharField(label=LANGUAGES[0][1], max_length=200)
    title_fr = forms.CharField(label=LANGUAGES[1][1], max_length=200)
    title_de = forms.CharField(label=LANGUAGES[2][1], max_length=200)
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("One figure per row after a header row with the columns kind, question, "
                    "option, dimension, value, exactness, n, source, year. Nothing is shown "
                    "to users before you publish it."))

    class Meta:
        model = ImportedReference
        fields = []

    def clean(self):
        cleaned = super().clean()
        self.checks = []
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > imported.MAX_BYTES:
            self.add_error("file", _("The file is larger than 2 MB."))
            return cleaned
        try:
            self.checks = imported_services.imported_file_check(name=upload.name,
                                                                content=upload.read())
        except imported.FileError as error:
            self.add_error("file", str(error))
            return cleaned
        bad = sum(not check.is_valid for check in self.checks)
        if bad:
            self.add_error("file", ngettext(
                "%(count)s row has errors (see its message below): nothing was imported.",
                "%(count)s rows have errors (see their messages below): nothing was imported.",
                bad) % {"count": bad})
        return cleaned

    @property
    def title(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"title_{code}"] for code, _label in LANGUAGES}


def _figure_row(figure: ImportedFigure) -> dict:
    """A stored figure in the preview's columns, as it would be shown."""
    return {"row": figure.row, "kind": figure.get_kind_display(),
            "key": " / ".join(k for k in (figure.question_key, figure.option_key,
                                          figure.dimension_key) if k),
            "value": imported.value_text(figure), "reading": imported.source_text(figure),
            "errors": []}


def _check_row(check: imported.RowCheck) -> dict:
    values = check.values
    return {"row": check.row, "kind": values["kind"],
            "key": " / ".join(v for v in (values["question"], values["option"],
                                          values["dimension"]) if v),
            "value": values["value"],
            "reading": ", ".join(v for v in (values["exactness"], values["source"],
                                             values["year"], values["n"]) if v),
            "errors": check.errors}


@admin.register(ImportedReference)
class ImportedReferenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "figure_count", "file_name", "created_at",
                    "published_at", "withdrawn_at"]
    list_filter = ["status"]
    actions = ["publish", "withdraw"]
    change_form_template = "admin/benchmark/importedreference/change_form.html"
    shown_fields = ["titles", "status", "file_name", "uploaded_by", "created_at",
                    "published_at", "withdrawn_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ImportForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["title_en", "title_fr", "title_de", "file"]
        return self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        # An imported set is never edited: a corrected file is imported again.
        return [] if obj is None else self.shown_fields

    def has_delete_permission(self, request, obj=None):
        # A published or withdrawn set stays for the record of what users were shown.
        if obj is not None and obj.status != ImportedReference.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("title"))
    def titles(self, reference):
        return " · ".join(f"{code}: {reference.title.get(code, '')}" for code, _l in LANGUAGES)

    def get_queryset(self, request):
        # The list's figure count in the same query, not one more per set.
        return super().get_queryset(request).annotate(figure_total=Count("figures"))

    @admin.display(description=_("figures"), ordering="figure_total")
    def figure_count(self, reference):
        return reference.figure_total

    def save_model(self, request, obj, form, change):
        if change:
            return
        reference = imported_services.imported_reference_create(
            title=form.title, file_name=form.cleaned_data["file"].name, checks=form.checks,
            user=request.user)
        # The admin logs and names the object it passed in: make it the one created.
        obj.pk, obj.title, obj.file_name = reference.pk, reference.title, reference.file_name
        obj._state.adding = False

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            rows = [_figure_row(f) for f in obj.figures.all()]
        else:
            rows = [_check_row(c) for c in getattr(context["adminform"].form, "checks", [])]
        context.update(preview=rows, preview_object=obj,
                       is_draft=obj is not None and obj.status == ImportedReference.Status.DRAFT,
                       is_published=obj is not None
                       and obj.status == ImportedReference.Status.PUBLISHED)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("Publish the selected sets (drafts only)"),
                  permissions=["change"])
    def publish(self, request, queryset):
        for reference in queryset:
            try:
                imported_services.imported_reference_publish(reference=reference)
            except ValidationError as error:
                self.message_user(request, f"{reference}: {error.messages[0]}",
                                  messages.ERROR)
            else:
                self.message_user(request, _("Published: %(title)s. Results pages and PDFs "
                                             "show it from now on.") % {"title": reference},
                                  messages.SUCCESS)

    @admin.action(description=_("Withdraw the selected sets"), permissions=["change"])
    def withdraw(self, request, queryset):
        for reference in queryset:
            imported_services.imported_reference_withdraw(reference=reference)
            self.message_user(request, _("Withdrawn: %(title)s. It is no longer shown.") % {
                "title": reference}, messages.SUCCESS)
