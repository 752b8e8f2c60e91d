from __future__ import annotations

from typing import Any

from django.urls import reverse_lazy

from csphub.accounts.models import Agency
from csphub.core.forms import DateInput, DateTimeInput, DrawAreaWidget, GovukForm
from csphub.core.uploads import refused_while_streaming
from django import forms

from . import rules
from .models import Consultation, Enforcement

MAX_AREA_BYTES = 5 * 1024 * 1024


class AreaFields(GovukForm):
    """An order's area, three ways: an uploaded GeoJSON file, drawn on the ward map (or pasted),
    or whole wards. Shared by the order form and the variation form; which one counts, and the
    checks, are csphub.pspo.services.area_from."""

    area_description = forms.CharField(max_length=300, required=False, label="Area, in words")
    area_file = forms.FileField(required=False, label="Area (GeoJSON file, WGS84)",
                                help_text="Or draw it on the map, or choose whole wards below")
    area_drawn = forms.CharField(required=False, widget=DrawAreaWidget(reverse_lazy("dialin-area-map")),
                                 label="Or draw the area (or paste it)",
                                 help_text="A GeoJSON polygon in longitude and latitude (WGS84) inside the "
                                           "partnership's wards, or 'longitude latitude' corners one per line")
    wards = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Or whole wards")

    AREA_FIELDS = ("area_file", "area_drawn", "wards")

    def __init__(self, *args: Any, wards: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wards"].choices = wards

    def clean_area_file(self) -> str:
        upload = self.cleaned_data.get("area_file")
        if not upload:
            return ""
        if upload.size > MAX_AREA_BYTES:
            raise forms.ValidationError("The area file is over 5 MB; simplify the polygon first.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise forms.ValidationError(f"{upload.name} is not UTF-8 text (byte {e.start}); expected GeoJSON") from e

    def area_given(self) -> bool:
        """Whether any of the three ways was used (after cleaning)."""
        d = self.cleaned_data
        return bool((d.get("area_file") or "").strip() or (d.get("area_drawn") or "").strip() or d.get("wards"))


class OrderForm(AreaFields):
    field_order = ["name", "area_description", *AreaFields.AREA_FIELDS]
    name = forms.CharField(max_length=200, help_text="e.g. 'Gillingham town centre alcohol PSPO'")
    prohibitions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    requirements = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    made_on = forms.DateField(widget=DateInput, label="Made on")
    effective_on = forms.DateField(widget=DateInput, label="Takes effect on")
    expires_on = forms.DateField(widget=DateInput, label="Expires on", help_text="At most 3 years (s60(1))")
    document_url = forms.URLField(required=False, label="Published order (link)")


class ConsultationForm(GovukForm):
    purpose = forms.ChoiceField(choices=Consultation.Purpose.choices)
    opened_on = forms.DateField(widget=DateInput)
    closed_on = forms.DateField(widget=DateInput, required=False)
    consultees = forms.MultipleChoiceField(choices=list(rules.REQUIRED_CONSULTEES.items()),
                                           widget=forms.CheckboxSelectMultiple, required=False,
                                           label="Consulted (the Act requires all four)")
    responses = forms.IntegerField(min_value=0, max_value=1_000_000, initial=0)
    responses_in_favour = forms.IntegerField(min_value=0, max_value=1_000_000, required=False)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ChangeForm(AreaFields):
    """Extend, vary or discharge. A variation may change the area, the same three ways as the
    order form (blank keeps it); only a variation does."""

    KINDS = [("extension", "Extend"), ("variation", "Vary"), ("discharge", "Discharge")]
    field_order = ["kind", "decided_on", "new_expiry", "description", "prohibitions", "area_description",
                   *AreaFields.AREA_FIELDS]
    kind = forms.ChoiceField(choices=KINDS)
    decided_on = forms.DateField(widget=DateInput, help_text="A varied area applies from this day")
    new_expiry = forms.DateField(widget=DateInput, required=False, label="New expiry (extension)")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    prohibitions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                   label="New prohibitions (variation; blank keeps them)")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area_description"].label = "New area, in words (variation; blank keeps it)"
        self.fields["area_file"].label = "New area (variation; blank keeps it): GeoJSON file, WGS84"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") not in (None, "variation") and self.area_given():
            field = next(f for f in self.AREA_FIELDS if cleaned.get(f))
            self.add_error(field, "Only a variation changes the area: choose Vary, or leave the area blank.")
        return cleaned


class EnforcementForm(GovukForm):
    kind = forms.ChoiceField(choices=Enforcement.Kind.choices)
    occurred_at = forms.DateTimeField(widget=DateTimeInput, label="When")
    latitude = forms.FloatField(min_value=-90, max_value=90)
    longitude = forms.FloatField(min_value=-180, max_value=180)
    location = forms.CharField(max_length=300, required=False, label="Where, in words")
    prohibition = forms.CharField(max_length=200, required=False, label="Prohibition breached")
    joint_with = forms.ModelChoiceField(Agency.objects.all(), required=False, label="Joint patrol with")
    person = forms.ChoiceField(required=False, label="Person (if already in casework)")
    notice_number = forms.CharField(max_length=40, required=False, label="FPN number")
    amount = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="FPN amount (GBP)")
    early_payment_amount = forms.IntegerField(required=False, min_value=1, max_value=100_000,
                                              label="Early-payment amount (GBP)")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Not known / not in casework"), *[(str(i), n) for i, n in people]]


class PaymentForm(GovukForm):
    paid_on = forms.DateField(widget=DateInput, required=False)
    paid_amount = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    prosecution = forms.ChoiceField(choices=Enforcement.Prosecution.choices, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DocumentForm(GovukForm):
    description = forms.CharField(max_length=300, label="Which version is this?",
                                  help_text="e.g. 'The order as made' or 'As varied on 1 May 2026'")
    file = forms.FileField(label="The published order (PDF or Word)", validators=[refused_while_streaming])

