from __future__ import annotations

from typing import Any

from django.urls import reverse_lazy
from django.utils import timezone

from csphub.accounts.models import Agency
from csphub.casework.models import CaseType
from csphub.core.forms import DateInput, DateTimeInput, DrawAreaWidget, GovukForm, PickPointWidget
from csphub.panels.models import PanelReferral
from django import forms

from .models import EntryPerson, EntryType, OutputKind, Urgency

#: The quick-entry form's person choices and their roles: up to three people from the search.
PERSON_SLOTS = (("person", "person_role"), ("person_2", "person_2_role"), ("person_3", "person_3_role"))


class QuickEntryForm(GovukForm):
    """One incident in seconds: what, when, where; who if known (from the person search)."""

    entry_type = forms.ModelChoiceField(EntryType.objects.filter(is_active=True), label="Type", empty_label="Choose a type")
    occurred_at = forms.DateTimeField(widget=DateTimeInput, label="When it happened")
    account = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What happened", max_length=2000,
                              help_text="A short account: no more than the meeting needs")
    address = forms.CharField(required=False, max_length=300, label="Address or place",
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    postcode = forms.CharField(required=False, max_length=10, label="Postcode",
                               widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10",
                                                             "autocomplete": "postal-code"}))
    latitude = forms.FloatField(required=False, min_value=49, max_value=61, label="Latitude",
                                widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    longitude = forms.FloatField(required=False, min_value=-8.7, max_value=2, label="Longitude",
                                 widget=PickPointWidget(reverse_lazy("dialin-area-map")))
    ward = forms.CharField(required=False, max_length=100, label="Ward (if known)",
                           help_text="Found from the map point when the ward boundaries are loaded, else from the "
                           "postcode when the postcode directory is loaded")
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect)
    person = forms.ChoiceField(required=False, label="Person (from the search above)")
    person_role = forms.ChoiceField(choices=EntryPerson.Role.choices, required=False, initial=EntryPerson.Role.VICTIM,
                                    label="Their role")
    person_2 = forms.ChoiceField(required=False, label="Second person (from the search above)")
    person_2_role = forms.ChoiceField(choices=EntryPerson.Role.choices, required=False, initial=EntryPerson.Role.OTHER,
                                      label="The second person's role")
    person_3 = forms.ChoiceField(required=False, label="Third person (from the search above)")
    person_3_role = forms.ChoiceField(choices=EntryPerson.Role.choices, required=False, initial=EntryPerson.Role.OTHER,
                                      label="The third person's role")
    reference = forms.CharField(required=False, max_length=100, label="Your reference (e.g. CAD number)")

    def __init__(self, *args: Any, people: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = people or []
        for slot, (person, role) in enumerate(PERSON_SLOTS):
            self.fields[person].choices = [("", "Nobody named")] + [(str(i), n) for i, n in people]
            if len(people) <= slot:  # a second (third) choice only when the search found two (three)
                self.fields[person].widget = forms.HiddenInput()
                self.fields[role].widget = forms.HiddenInput()

    def named_people(self) -> list[tuple[int, str]]:
        """(person id, role) of each person chosen, in the form's order (call after is_valid)."""
        d = self.cleaned_data
        return [(int(d[person]), d[role] or EntryPerson.Role.OTHER) for person, role in PERSON_SLOTS if d.get(person)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", "Give both latitude and longitude, or neither")
        if data.get("occurred_at") and data["occurred_at"] > timezone.now() + timezone.timedelta(minutes=5):
            self.add_error("occurred_at", "The time cannot be in the future")
        chosen: list[str] = []
        for person, _ in PERSON_SLOTS:
            if data.get(person) and data[person] in chosen:
                self.add_error(person, "Name each person once")
            chosen.append(data.get(person) or "")
        return data


class UploadForm(GovukForm):
    file = forms.FileField(label="CSV file", help_text="Columns: occurred_at, type, account, and optionally address, "
                           "postcode, latitude, longitude, urgency, reference, ward")


class NewCaseForm(GovukForm):
    case_type = forms.ModelChoiceField(CaseType.objects.filter(is_active=True), label="Case type")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              help_text="Leave blank to use the entry's account")


class ExistingCaseForm(GovukForm):
    case = forms.ChoiceField(label="Case")

    def __init__(self, *args: Any, cases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [(str(i), n) for i, n in cases]


class TaskForm(GovukForm):
    title = forms.CharField(max_length=200)
    owner = forms.CharField(label="Owner's username", help_text="An officer of an agency on the case")
    due_on = forms.DateField(widget=DateInput)


class PanelForm(GovukForm):
    panel = forms.ChoiceField()
    person = forms.ChoiceField(required=False, label="Refer", help_text="A person named in the entry, or the location")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    consent = forms.ChoiceField(choices=PanelReferral.Consent.choices)

    def __init__(self, *args: Any, panels: list[tuple[int, str]], people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["panel"].choices = [(str(i), n) for i, n in panels]
        self.fields["person"].choices = [("", "The location")] + [(str(i), n) for i, n in people]


class DecisionForm(GovukForm):
    decision = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Decision")
    owner_agency = forms.ModelChoiceField(Agency.objects.all(), label="Owner (agency)")
    due_on = forms.DateField(widget=DateInput, label="Due")


#: The base map the areas are drawn on (csphub.dialin.operations.area_base_map).
AREA_MAP = reverse_lazy("dialin-area-map")
AREA_HELP = ("A polygon in longitude and latitude (WGS84) inside the partnership's wards: GeoJSON, or "
             "'longitude latitude' corners one per line")


class OperationForm(GovukForm):
    name = forms.CharField(max_length=200)
    aim = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = forms.DateField(widget=DateInput)
    ends_on = forms.DateField(widget=DateInput, required=False)
    wards = forms.CharField(required=False, max_length=500, help_text="Ward names, comma separated")
    area = forms.CharField(required=False, widget=DrawAreaWidget(AREA_MAP), label="Drawn area (optional)",
                           help_text=AREA_HELP)
    agencies = forms.ModelMultipleChoiceField(Agency.objects.all(), required=False, widget=forms.CheckboxSelectMultiple)


class OutputForm(GovukForm):
    kind = forms.ModelChoiceField(OutputKind.objects.filter(is_active=True), label="Output")
    quantity = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2)
    on = forms.DateField(widget=DateInput, label="Date")
    note = forms.CharField(required=False, max_length=300)


class InitiativeForm(GovukForm):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    streets = forms.CharField(required=False, max_length=500, help_text="Streets, comma separated")
    wards = forms.CharField(required=False, max_length=500)
    area = forms.CharField(widget=DrawAreaWidget(AREA_MAP, attrs={"rows": 4}), help_text=AREA_HELP)
    starts_on = forms.DateField(widget=DateInput, label="Work began on")
    comparison_name = forms.CharField(required=False, max_length=200, label="Comparison area name")
    comparison = forms.CharField(widget=DrawAreaWidget(AREA_MAP), required=False, label="Comparison area",
                                 help_text="A nearby area like it, without the initiative. " + AREA_HELP)


class PhaseForm(GovukForm):
    name = forms.CharField(max_length=100, help_text="e.g. Clear, Hold, Build")
    starts_on = forms.DateField(widget=DateInput)
    ends_on = forms.DateField(widget=DateInput, required=False)


class NamePersonForm(GovukForm):
    person = forms.ChoiceField(label="Person")
    role = forms.ChoiceField(choices=EntryPerson.Role.choices, initial=EntryPerson.Role.VICTIM)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(str(i), n) for i, n in people]


class ArchiveForm(GovukForm):
    reason = forms.CharField(max_length=500, label="Why is the entry archived?",
                             help_text="e.g. entered twice, wrong agency, not an incident")
