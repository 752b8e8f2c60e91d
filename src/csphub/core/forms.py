"""GOV.UK Design System rendering for Django forms: classes on widgets, one field template."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from csphub.errors import RuleRefused, StaleEdit
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
            if isinstance(field.widget, GovukDateWidget):
                field.widget.has_error = True
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


def attempt[T](form: Any, save: Callable[[], T]) -> tuple[T | None, int]:
    """Call ``save`` for a valid posted form: (its result, 200); or, when a rule refuses, the
    refusal on the form and (None, 200); or, when the record changed since the form was shown,
    the refusal on the form and (None, 409), nothing saved."""
    try:
        return save(), 200
    except StaleEdit as e:
        show_refusal(form, e)
        return None, 409
    except RuleRefused as e:
        show_refusal(form, e)
        return None, 200


# ---- The GOV.UK date input: day, month and year in three boxes (issue 12, item 9) ------------
# https://design-system.service.gov.uk/components/date-input/ and the "Dates" pattern. One
# widget and one field for every date a person types; a date and time adds a fourth box, the
# time (24-hour, e.g. 22:30). A single ISO value posted under the field's own name (a script,
# an older form) is still read.

DATE_PARTS = ("day", "month", "year")


class GovukDateWidget(forms.Widget):
    """Three inputs named ``<name>-day``, ``<name>-month``, ``<name>-year`` (and ``<name>-time``
    with ``with_time``), rendered in the field's fieldset by ``govuk/date_input.html``."""

    template_name = "govuk/date_input.html"
    with_time = False

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.has_error = False

    def parts(self) -> tuple[str, ...]:
        return (*DATE_PARTS, "time") if self.with_time else DATE_PARTS

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-day" if id_ else id_  # the error summary links to the first box

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        typed = [data.get(f"{name}-{part}") for part in self.parts()]
        if all(v in (None, "") for v in typed) and data.get(name):
            return data.get(name)
        return tuple(v if isinstance(v, str) else "" for v in typed)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}-{part}" in data for part in self.parts())

    def split(self, value: Any) -> dict[str, str]:
        if isinstance(value, tuple):
            return dict(zip(self.parts(), value, strict=False))
        if isinstance(value, str) and value:
            try:
                value = datetime.fromisoformat(value.replace(" ", "T")) if self.with_time else date.fromisoformat(value[:10])
            except ValueError:
                return {}
        if isinstance(value, datetime):
            from django.utils import timezone

            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return {"day": str(local.day), "month": str(local.month), "year": str(local.year),
                    "time": f"{local:%H:%M}"}
        if isinstance(value, date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        return {}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values = self.split(value)
        error = " govuk-input--error" if self.has_error else ""
        widths = {"day": 2, "month": 2, "year": 4, "time": 4}
        context["widget"]["parts"] = [
            {"name": f"{name}-{part}", "id": f"{context['widget']['attrs'].get('id', 'id_' + name)}-{part}",
             "label": part.capitalize(), "value": values.get(part, ""),
             "class": f"govuk-input govuk-date-input__input govuk-input--width-{widths[part]}{error}",
             "inputmode": "text" if part == "time" else "numeric",
             "autocomplete": f"bday-{part}" if self.attrs.get("autocomplete") == "bday" and part != "time" else ""}
            for part in self.parts()]
        return context


class GovukDateTimeWidget(GovukDateWidget):
    with_time = True


def _date_from_parts(label: str, typed: tuple[str, ...]) -> date | None:
    day, month, year = (p.strip() for p in typed[:3])
    if not (day or month or year):
        return None
    missing = [part for part, v in zip(DATE_PARTS, (day, month, year), strict=True) if not v]
    if missing:
        raise ValidationError(f"{label} must include a {' and a '.join(missing)}", code="incomplete")
    if not (day.isascii() and day.isdigit() and month.isascii() and month.isdigit() and year.isascii()
            and year.isdigit()):
        raise ValidationError(f"{label} must be a real date, in numbers, for example 27 3 2026", code="invalid")
    if len(year) != 4:
        raise ValidationError(f"{label} year must include 4 numbers, for example 2026", code="invalid")
    try:
        return date(int(year), int(month), int(day))
    except ValueError as e:
        raise ValidationError(f"{label} must be a real date", code="invalid") from e


class GovukDateField(forms.DateField):
    """A date typed as day, month and year, with the Design System's error messages
    ("Date of birth must include a month", "... must be a real date")."""

    widget = GovukDateWidget

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        if isinstance(value, tuple):
            return _date_from_parts(str(self.label or "The date"), value)
        return super().to_python(value)


class GovukDateTimeField(forms.DateTimeField):
    """A date (day, month, year) and a time (``22:30``) in one field; aware in the local zone."""

    widget = GovukDateTimeWidget

    def to_python(self, value: Any) -> datetime | None:  # type: ignore[override]
        if not isinstance(value, tuple):
            return super().to_python(value)
        label = str(self.label or "The date")
        day = _date_from_parts(label, value)
        typed_time = (value[3] if len(value) > 3 else "").strip().replace(".", ":")
        if day is None:
            if typed_time:
                raise ValidationError(f"{label} must include a day, month and year", code="incomplete")
            return None
        if not typed_time:
            raise ValidationError(f"{label} must include a time, for example 22:30", code="incomplete")
        try:
            hour, minute = (int(p) for p in typed_time.split(":", 1)) if ":" in typed_time else (int(typed_time), 0)
            moment = datetime(day.year, day.month, day.day, hour, minute)
        except ValueError as e:
            raise ValidationError(f"{label} time must be a real time in 24 hours, for example 22:30",
                                  code="invalid") from e
        from django.utils import timezone

        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# ---- Drawing an area on a map (issue 17, items 3 and 4) ------------------------------------
# The field stays a textarea of GeoJSON (or "lon lat" vertices): without JavaScript the user
# pastes the area. With it, static/csphub-draw-area.js fetches the base map (an SVG of the
# partnership's wards from ``map_url``) into the box below the textarea, and each click on it adds
# a point of a polygon it writes into the textarea as GeoJSON.


class DrawAreaWidget(forms.Textarea):
    """A GeoJSON textarea with a map to draw the polygon on (progressive enhancement)."""

    template_name = "govuk/draw_area.html"

    def __init__(self, map_url: Any, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"rows": 3, **(attrs or {})})
        self.map_url = map_url  # a lazy reverse(): core knows no app's URLs

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["map_url"] = str(self.map_url)
        return context

    @property
    def media(self) -> forms.Media:
        return forms.Media(js=["csphub-draw-area.js"])


class PickPointWidget(forms.TextInput):
    """The longitude box of a latitude/longitude pair, with the ward map below it to click the
    place on (the same script as DrawAreaWidget, in point mode; without it the boxes are typed)."""

    template_name = "govuk/pick_point.html"

    def __init__(self, map_url: Any, latitude_id: str = "id_latitude", attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "decimal", **(attrs or {})})
        self.map_url = map_url  # a lazy reverse(): core knows no app's URLs
        self.latitude_id = latitude_id

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["map_url"] = str(self.map_url)
        context["widget"]["latitude_id"] = self.latitude_id
        return context

    @property
    def media(self) -> forms.Media:
        return forms.Media(js=["csphub-draw-area.js"])
