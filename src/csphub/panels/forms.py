from __future__ import annotations

from typing import Any

from csphub.accounts.models import Agency
from csphub.core.forms import GovukDateField, GovukForm
from django import forms

from .models import PanelAction, PanelReferral


class ReferToPanelForm(GovukForm):
    panel = forms.ChoiceField(label="Panel")
    person = forms.ChoiceField(required=False, label="Person referred")
    location = forms.CharField(required=False, label="Or a location (repeat location referral)")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why refer")
    risks = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Risks")
    consent = forms.ChoiceField(choices=PanelReferral.Consent.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, panels: list[tuple[int, str]], people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["panel"].choices = [(str(i), n) for i, n in panels]
        self.fields["person"].choices = [("", "No person (a location)")] + [(str(i), n) for i, n in people]


class DecisionForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    status = forms.ChoiceField(choices=PanelReferral.Status.choices, widget=forms.RadioSelect, label="Decision")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Reasons")


class ActionForm(GovukForm):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Action")
    owner_agency = forms.ModelChoiceField(Agency.objects.none(), label="Owner")
    due_on = GovukDateField(label="Due")

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = members


class RagForm(GovukForm):
    rag = forms.ChoiceField(choices=PanelAction.Rag.choices, label="Progress")


class MeetingForm(GovukForm):
    held_on = GovukDateField(label="Date of the meeting")
    agencies = forms.ModelMultipleChoiceField(Agency.objects.none(), widget=forms.CheckboxSelectMultiple,
                                              required=False, label="Agencies attending")
    attendees = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                label="Attendees", help_text="Names and roles, one per line")
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = members
