from __future__ import annotations

from typing import Any

from csphub.accounts.models import Agency
from csphub.core.forms import DateInput, DateTimeInput, GovukForm
from django import forms

from . import rules
from .models import Incursion, LegalStep, TentCase


class SiteForm(GovukForm):
    name = forms.CharField(max_length=200, label="Site name", help_text="As officers call it, e.g. 'Great Lines Heritage Park'")
    description = forms.CharField(max_length=300, required=False, label="Where exactly")
    land_owner = forms.ChoiceField(choices=list(rules.LAND_OWNERS.items()), label="Land owner")
    owner_name = forms.CharField(max_length=200, required=False, label="Owner's name (private land, school)")
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    ward_name = forms.CharField(max_length=100, required=False, label="Ward")


class IncursionForm(GovukForm):
    site = forms.ChoiceField(label="Site", help_text="Add the site to the register first if it is not listed")
    arrived_at = forms.DateTimeField(widget=DateTimeInput, label="Arrived (date and time)")
    reported_by = forms.ChoiceField(choices=Incursion.Reported.choices, label="How it was reported")
    caravans = forms.IntegerField(required=False, min_value=0, max_value=500)
    vehicles = forms.IntegerField(required=False, min_value=0, max_value=500, help_text="Towing and other vehicles")
    people = forms.IntegerField(required=False, min_value=0, max_value=2000, label="People (where known)")
    children = forms.IntegerField(required=False, min_value=0, max_value=2000, label="Children (where known)")
    land_occupied = forms.BooleanField(required=False, initial=True, label="The land is occupied (owner or tenant)")
    occupier_consented = forms.BooleanField(required=False, label="The occupier consented")
    damage_disruption_distress = forms.BooleanField(required=False, label="Damage, disruption or distress")
    significant_harm = forms.BooleanField(required=False, label="Significant damage, disruption or distress (s60C)")
    suitable_pitch_available = forms.BooleanField(required=False, label="A suitable pitch is available (s62A)")
    impact_asb = forms.BooleanField(required=False, label="Impact: anti-social behaviour")
    impact_waste = forms.BooleanField(required=False, label="Impact: waste or fly-tipping")
    impact_damage = forms.BooleanField(required=False, label="Impact: damage")
    impact_notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Impact notes")

    def __init__(self, *args: Any, sites: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(str(i), n) for i, n in sites]


class FactsForm(GovukForm):
    caravans = forms.IntegerField(required=False, min_value=0, max_value=500)
    vehicles = forms.IntegerField(required=False, min_value=0, max_value=500)
    people = forms.IntegerField(required=False, min_value=0, max_value=2000)
    children = forms.IntegerField(required=False, min_value=0, max_value=2000)
    land_occupied = forms.BooleanField(required=False, label="The land is occupied (owner or tenant)")
    occupier_consented = forms.BooleanField(required=False, label="The occupier consented")
    asked_to_leave_on = forms.DateField(required=False, widget=DateInput, label="Occupier asked them to leave on")
    damage_disruption_distress = forms.BooleanField(required=False, label="Damage, disruption or distress")
    significant_harm = forms.BooleanField(required=False, label="Significant damage, disruption or distress (s60C)")
    suitable_pitch_available = forms.BooleanField(required=False, label="A suitable pitch is available (s62A)")
    impact_asb = forms.BooleanField(required=False, label="Impact: anti-social behaviour")
    impact_waste = forms.BooleanField(required=False, label="Impact: waste or fly-tipping")
    impact_damage = forms.BooleanField(required=False, label="Impact: damage")
    impact_notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    route = forms.ChoiceField(choices=Incursion.Route.choices, required=False, label="Route taken")


class WelfareForm(GovukForm):
    welfare_checked_on = forms.DateField(widget=DateInput, label="Welfare check on")
    welfare_needs = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Needs found")
    children_schooling = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                         label="Children's schooling")
    health = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Health")
    welfare_outcome = forms.ChoiceField(choices=Incursion.WelfareOutcome.choices, label="Outcome")


class StepForm(GovukForm):
    step = forms.ChoiceField(choices=LegalStep.STEP_CHOICES)
    taken_on = forms.DateField(widget=DateInput, label="Date")
    vehicles_seized = forms.IntegerField(required=False, min_value=0, max_value=200, initial=0)
    arrests = forms.IntegerField(required=False, min_value=0, max_value=200, initial=0)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, steps: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if steps is not None:
            self.fields["step"].choices = steps


class OutcomeForm(GovukForm):
    left_on = forms.DateField(required=False, widget=DateInput, label="Date left")
    moved_to = forms.ChoiceField(required=False, label="Moved to (the incursion at the next site in the area)")
    arrests = forms.IntegerField(min_value=0, max_value=500, initial=0)
    cleanup_cost = forms.IntegerField(min_value=0, max_value=10_000_000, initial=0, label="Clean-up cost (GBP)")
    repair_cost = forms.IntegerField(min_value=0, max_value=10_000_000, initial=0, label="Repair cost (GBP)")
    legal_cost = forms.IntegerField(min_value=0, max_value=10_000_000, initial=0, label="Legal cost (GBP)")
    target_hardening = forms.MultipleChoiceField(choices=list(Incursion.HARDENING.items()), required=False,
                                                 widget=forms.CheckboxSelectMultiple, label="Target-hardening done")
    site_reentered = forms.BooleanField(required=False, label="The site was re-entered afterwards")

    def __init__(self, *args: Any, incursions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["moved_to"].choices = [("", "Not known / left the area"), *[(str(i), n) for i, n in incursions]]


class TentForm(GovukForm):
    location = forms.CharField(max_length=300)
    reported_on = forms.DateField(widget=DateInput)
    tents = forms.IntegerField(min_value=1, max_value=200, initial=1)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    people = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                       help_text="People already in casework; add a person to a case first if not listed")
    outreach_offered_on = forms.DateField(required=False, widget=DateInput, label="Outreach offered on")
    outreach = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Outreach and services offered")
    housing_offer = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Housing offer and the answer")
    reasons = forms.MultipleChoiceField(choices=list(rules.TENT_REASONS.items()), widget=forms.CheckboxSelectMultiple,
                                        label="Reason for enforcement")
    tools = forms.MultipleChoiceField(choices=list(rules.TENT_TOOLS.items()), widget=forms.CheckboxSelectMultiple,
                                      required=False, label="Tools used")
    share_with = forms.ModelMultipleChoiceField(Agency.objects.all(), required=False,
                                                widget=forms.CheckboxSelectMultiple, label="Share with")

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(str(i), n) for i, n in people]


class TentOutcomeForm(GovukForm):
    outcome = forms.ChoiceField(choices=TentCase.Outcome.choices)
    outcome_on = forms.DateField(required=False, widget=DateInput)
    tools = forms.MultipleChoiceField(choices=list(rules.TENT_TOOLS.items()), widget=forms.CheckboxSelectMultiple,
                                      required=False, label="Tools used")
    housing_offer = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
