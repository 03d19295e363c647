"""The error summary at the top of every page whose form has errors (the GOV.UK pattern):
one list of every error on the page, each linked to its field. base.html calls it once, so
that every form of the site gets it without its template doing anything.

It finds the forms in the page's context: bound forms and formsets with errors, and any
object that names its forms in an `error_summary_forms()` method (a questionnaire step)."""

from dataclasses import dataclass

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class PageError:
    label: str
    message: str
    anchor: str  # the id of the field's first control, "" when there is none


def _forms_in(value):
    if isinstance(value, forms.BaseForm):
        yield value
    elif isinstance(value, forms.BaseFormSet):
        yield from value.forms
    elif callable(getattr(value, "error_summary_forms", None)):
        for form in value.error_summary_forms():
            yield from _forms_in(form)


def _anchor(bound_field) -> str:
    # A group of radios or checkboxes has no id of its own: link to its first control.
    return bound_field.id_for_label or (f"{bound_field.auto_id}_0" if bound_field.auto_id
                                        else "")


def _non_field_anchor(form) -> str:
    visible = form.visible_fields()
    return _anchor(visible[0]) if visible else ""


def form_errors_of(values) -> list[PageError]:
    """Every error of the bound forms among `values`, in the order of their fields."""
    seen, errors = set(), []
    for value in values:
        for form in _forms_in(value):
            if id(form) in seen or not form.is_bound or not form.errors:
                continue
            seen.add(id(form))
            for message in form.non_field_errors():
                errors.append(PageError("", message, _non_field_anchor(form)))
            for name, field in form.fields.items():
                if name in form.errors and not field.widget.is_hidden:
                    bound = form[name]
                    for message in form.errors[name]:
                        errors.append(PageError(str(bound.label or name), message,
                                                _anchor(bound)))
    return errors


@register.simple_tag(takes_context=True)
def page_form_errors(context) -> list[PageError]:
    flat = context.flatten()
    return form_errors_of(v for k, v in flat.items() if k not in ("block", "csrf_token"))
