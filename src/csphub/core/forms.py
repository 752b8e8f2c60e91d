"""GOV.UK Design System rendering for Django forms: classes on widgets, one field template."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from django import forms

WIDGET_CLASSES: dict[type, str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.PasswordInput: "govuk-input",
    forms.DateInput: "govuk-input govuk-input--width-10",
    forms.DateTimeInput: "govuk-input govuk-input--width-20",
    forms.NumberInput: "govuk-input govuk-input--width-5",
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
}


class GovukFormRenderer(TemplatesSetting):
    """Render each field as a GOV.UK form group (label, hint, error message, input)."""

    field_template_name = "govuk/field.html"
    form_template_name = "govuk/form.html"


class DateInput(forms.DateInput):
    """A browser date picker; its value must be ISO (YYYY-MM-DD) whatever the locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> Any:
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class GovukFormMixin:
    """Give every widget its GOV.UK class, and the error modifier when the field has errors.

    The error modifier is added after validation (full_clean), never in __init__: touching
    ``self.errors`` there would validate before subclasses finish setting up their fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            css = _widget_class(field.widget)
            if css:
                field.widget.attrs["class"] = css
            if isinstance(field, forms.DateField | forms.DateTimeField):
                # Far dates are typing mistakes, and the rules add days and months to dates.
                field.validators.append(_plausible_date)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self._errors or {}:  # type: ignore[attr-defined]
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if field is None:
                continue
            css = field.widget.attrs.get("class", "")
            base = css.split()[0] if css else ""
            if base in ("govuk-input", "govuk-select", "govuk-textarea") and f"{base}--error" not in css:
                field.widget.attrs["class"] = f"{css} {base}--error"


EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)


def _plausible_date(value: date | datetime) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(f"Enter a date between {EARLIEST:%d %B %Y} and {LATEST:%d %B %Y}")


def _widget_class(widget: Any) -> str:
    for widget_type in type(widget).__mro__:
        if widget_type in WIDGET_CLASSES:
            return WIDGET_CLASSES[widget_type]
    return ""


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


def show_refusal(form: Any, error: Any) -> None:
    """Put a RuleRefused (and the further rules it names) on the form, each on its field if the
    form has it, else at the top."""
    fields = [(error.field, error.reason), *[(f, m) for _, m, f in error.others]]
    for field, message in fields:
        form.add_error(field if field in form.fields else None, message)
