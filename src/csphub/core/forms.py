"""GOV.UK Design System rendering for Django forms: classes on widgets, one field template."""

from __future__ import annotations

from typing import Any

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
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> Any:
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class GovukFormMixin:
    """Give every widget its GOV.UK class, and the error modifier when the field has errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            for widget_type in type(widget).__mro__:
                if widget_type in WIDGET_CLASSES:
                    css = WIDGET_CLASSES[widget_type]
                    if self.is_bound and self.errors.get(name) and css.startswith(("govuk-input", "govuk-select", "govuk-textarea")):  # type: ignore[attr-defined]
                        css += f" {css.split()[0]}--error"
                    widget.attrs["class"] = css
                    break


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass
