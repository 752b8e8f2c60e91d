from __future__ import annotations

from typing import Any

from csphub.core.forms import DateInput, GovukForm
from django import forms

from . import rules
from .models import Camera, Fault, FootageRequest, Purpose, Review


class RegisterFilterForm(GovukForm):
    search = forms.CharField(required=False, label="Camera id or location")
    ward = forms.ChoiceField(required=False, label="Ward")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Camera.Status.choices])
    kind = forms.ChoiceField(required=False, label="Type", choices=[("", "Any type"), *Camera.Kind.choices])

    def __init__(self, *args: Any, wards: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", "Any ward"), *[(w, w) for w in wards]]


class CameraForm(GovukForm):
    camera_id = forms.CharField(max_length=40, label="Camera id")
    name = forms.CharField(max_length=200, required=False)
    location = forms.CharField(max_length=300, help_text="Street and landmark, as the control room knows it")
    latitude = forms.FloatField(required=False, min_value=49.8, max_value=60.95, help_text="WGS84, e.g. 53.4645")
    longitude = forms.FloatField(required=False, min_value=-8.7, max_value=1.9, help_text="WGS84, e.g. -2.2848")
    ward_code = forms.RegexField(regex=r"^([EWSN]05\d{6})?$", required=False, label="Ward code",
                                 help_text="Leave blank to find it from the boundaries loaded")
    ward_name = forms.CharField(max_length=100, required=False)
    kind = forms.ChoiceField(choices=Camera.Kind.choices, label="Type")
    transmission = forms.ChoiceField(choices=Camera.Transmission.choices, required=False, label="Analogue or digital")
    permanence = forms.ChoiceField(choices=Camera.Permanence.choices)
    owner = forms.CharField(max_length=200, required=False)
    funder = forms.CharField(max_length=200, required=False, help_text="e.g. Safer Streets 5 grant")
    installed_on = forms.DateField(widget=DateInput, required=False, label="Installed")
    end_of_life_on = forms.DateField(widget=DateInput, required=False, label="End of life")
    status = forms.ChoiceField(choices=Camera.Status.choices)
    purposes = forms.MultipleChoiceField(choices=Purpose.choices, widget=forms.CheckboxSelectMultiple, required=False)
    annual_cost = forms.DecimalField(max_digits=10, decimal_places=2, required=False, min_value=0,
                                     label="Annual cost (£)")
    publish = forms.BooleanField(required=False, initial=True, label="Show on the published register")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", "Give both latitude and longitude, or neither")
        if data.get("installed_on") and data.get("end_of_life_on") and data["end_of_life_on"] < data["installed_on"]:
            self.add_error("end_of_life_on", "End of life comes after installation")
        return data


class FaultForm(GovukForm):
    kind = forms.ChoiceField(choices=Fault.Kind.choices, label="Fault")
    reported_on = forms.DateField(widget=DateInput, label="Reported on")
    reported_by = forms.CharField(max_length=200, help_text="e.g. control room operator, Kent Police, contractor")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    contractor_reference = forms.CharField(max_length=100, required=False)


class CloseFaultForm(GovukForm):
    closed_on = forms.DateField(widget=DateInput, label="Repaired on")
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    contractor_reference = forms.CharField(max_length=100, required=False)


class NewCameraRequestForm(GovukForm):
    trigger = forms.ChoiceField(label="Requested by", choices=[
        (k, v) for k, v in Review.Trigger.choices if k in ("ward_member", "public", "officer", "police", "lead_officer")])
    requester_name = forms.CharField(max_length=200, required=False, label="Name of the requester",
                                     help_text="Internal: never published")
    requester_contact = forms.CharField(max_length=200, required=False, label="Their contact details")
    proposed_location = forms.CharField(max_length=300, label="Where the camera is wanted")
    latitude = forms.FloatField(required=False, min_value=49.8, max_value=60.95)
    longitude = forms.FloatField(required=False, min_value=-8.7, max_value=1.9)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="The problem",
                             help_text="What is happening there and the evidence for it")
    estimated_cost = forms.DecimalField(max_digits=10, decimal_places=2, required=False, min_value=0,
                                        label="Estimated cost (£)")
    opened_on = forms.DateField(widget=DateInput, label="Received on")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", "Give both latitude and longitude, or neither")
        return data


class RecommendForm(GovukForm):
    recommendation = forms.ChoiceField(choices=Review.Decision.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="The evidence for it",
                             help_text="E.g. is it in the right position, is its purpose still there, has the area changed")

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = rules.DECISIONS[kind]
        self.fields["recommendation"].choices = [(k, v) for k, v in Review.Decision.choices if k in allowed]


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(choices=Review.Decision.choices, label="The SEG's decision")
    meeting = forms.ChoiceField(label="SEG meeting", required=False,
                                help_text="Add the meeting first if it is not listed")
    decided_on = forms.DateField(widget=DateInput, required=False, label="Decided on",
                                 help_text="Blank: the date of the meeting")
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                help_text="Sent to the Ward Members with the decision")
    relocate_to = forms.CharField(max_length=300, required=False, label="Relocate to (if relocating)")

    def __init__(self, *args: Any, kind: str, meetings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = rules.DECISIONS[kind]
        self.fields["decision"].choices = [(k, v) for k, v in Review.Decision.choices if k in allowed]
        self.fields["meeting"].choices = [("", "Choose the meeting"), *[(str(m.pk), str(m)) for m in meetings]]


class MeetingForm(GovukForm):
    reference = forms.CharField(max_length=40, help_text="e.g. SEG-2025-07")
    held_on = forms.DateField(widget=DateInput, label="Held on")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DpiaForm(GovukForm):
    retention_days = forms.IntegerField(min_value=1, max_value=3650, initial=31, label="Images kept for (days)")
    residual_risk = forms.ChoiceField(choices=[("", "Not assessed"), ("low", "Low"), ("medium", "Medium"),
                                               ("high", "High")], required=False)
    signed_off_by = forms.CharField(max_length=200, required=False, label="Signed off by (DPO)")
    signed_off_on = forms.DateField(widget=DateInput, required=False, label="Signed off on",
                                    help_text="Leave blank while the DPIA is in draft")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in rules.DPIA_SECTIONS:
            self.fields[key] = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=label)
        order = [k for k, _ in rules.DPIA_SECTIONS] + ["retention_days", "residual_risk", "signed_off_by", "signed_off_on"]
        self.order_fields(order)


class CodeAssessmentForm(GovukForm):
    assessed_on = forms.DateField(widget=DateInput, label="Assessed on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n, text in enumerate(rules.CODE_PRINCIPLES, start=1):
            self.fields[f"p{n}_rag"] = forms.ChoiceField(label=f"Principle {n}: {text}", required=False,
                                                         choices=[("", "Not rated"), ("green", "Green"),
                                                                  ("amber", "Amber"), ("red", "Red")])
            self.fields[f"p{n}_evidence"] = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                                            label=f"Evidence for principle {n}")

    def principles(self) -> dict[str, dict[str, str]]:
        d = self.cleaned_data
        return {str(n): {"rag": d.get(f"p{n}_rag", ""), "evidence": d.get(f"p{n}_evidence", "")}
                for n in range(1, len(rules.CODE_PRINCIPLES) + 1)}


class DeploymentForm(GovukForm):
    camera = forms.ChoiceField(label="Rapid-deployment camera")
    site = forms.CharField(max_length=300)
    latitude = forms.FloatField(required=False, min_value=49.8, max_value=60.95)
    longitude = forms.FloatField(required=False, min_value=-8.7, max_value=1.9)
    purpose = forms.ChoiceField(choices=Purpose.choices)
    problem = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="The problem the deployment answers")
    deployed_on = forms.DateField(widget=DateInput, label="Deployed on")
    review_due_on = forms.DateField(widget=DateInput, label="Review by")

    def __init__(self, *args: Any, cameras: list[Camera], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["camera"].choices = [(str(c.pk), str(c)) for c in cameras]


class DeploymentReviewForm(GovukForm):
    reviewed_on = forms.DateField(widget=DateInput, label="Reviewed on")
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Incidents captured, footage requests, whether the problem continues (ICO guidance)")
    removed_on = forms.DateField(widget=DateInput, required=False, label="Removed on (if removed)")
    next_review_on = forms.DateField(widget=DateInput, required=False, label="Next review (if kept)")


class FootageRequestForm(GovukForm):
    camera = forms.ChoiceField()
    incident_on = forms.DateField(widget=DateInput, label="Date of the incident")
    reference = forms.CharField(max_length=100, help_text="Your reference, e.g. the crime number")
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Why the footage is needed")

    def __init__(self, *args: Any, cameras: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["camera"].choices = [(str(pk), label) for pk, label in cameras]


class FootageAnswerForm(GovukForm):
    status = forms.ChoiceField(choices=[c for c in FootageRequest.Status.choices if c[0] != "requested"])
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class QuarterForm(GovukForm):
    quarter = forms.RegexField(regex=r"^\d{4}-?[Qq][1-4]$", help_text="e.g. 2025Q3 (July to September 2025)")



class UploadForm(GovukForm):
    kind = forms.ChoiceField(label="What the file is", widget=forms.RadioSelect, choices=[
        ("activity", "The control room's monthly activity report"), ("register", "A camera register")])
    file = forms.FileField(label="CSV file", help_text="Columns are recognised by name: see the help below")
