from __future__ import annotations

from typing import Any

from django.utils import timezone

from csphub.accounts.models import Agency
from csphub.core.forms import GovukDateField, GovukForm
from django import forms

from . import rules


class ApplicationForm(GovukForm):
    applicant = forms.ChoiceField(label="Applicant", help_text="Add the person to a case first if they are not listed")
    on_behalf_of = forms.CharField(required=False, label="Applying on behalf of (if not the victim)")
    behaviour = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="The behaviour complained of")
    received_on = GovukDateField(label="Date received")

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = [(str(i), n) for i, n in people]


class ComplaintForm(GovukForm):
    reported_on = GovukDateField(label="Complaint made on")
    behaviour_on = GovukDateField(label="Behaviour happened on")
    agency = forms.ModelChoiceField(Agency.objects.all(), label="Made to")
    is_hate = forms.BooleanField(required=False, label="Hate incident")
    reference = forms.CharField(required=False, label="Their reference (e.g. CAD number)")

    def clean(self) -> dict[str, Any]:
        """The same date rules the service applies, shown on this complaint's own fields."""
        data = super().clean()
        if data.get("reported_on") and data.get("behaviour_on"):
            for refusal in rules.check_complaint_dates(data["reported_on"], data["behaviour_on"], timezone.localdate()):
                self.add_error(refusal.field, refusal.message)
        return data


ComplaintFormSet = forms.formset_factory(ComplaintForm, extra=4, max_num=20)


class ReviewForm(GovukForm):
    held_on = GovukDateField(label="Review held on")
    recommendations = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False,
                                      help_text="Leave blank if the review made no recommendations")


class EscalationForm(GovukForm):
    requested_on = GovukDateField(label="Applicant asked to escalate on")


# ---- The workflow (issue 12, item 8) ---------------------------------------------------------

class LinkCaseForm(GovukForm):
    case = forms.ChoiceField(label="ASB case", help_text="Its incidents count towards the threshold")

    def __init__(self, *args: Any, cases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", "Choose a case"), *((str(i), n) for i, n in cases)]


class DiscretionForm(GovukForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                             label="Why the partnership will hold a review below the threshold")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class MeetingForm(GovukForm):
    held_on = GovukDateField(label="Review meeting held on")
    chair = forms.CharField(label="Chair (name and role)")
    independent_chair = forms.CharField(required=False, label="Independent chair or member (if any)")
    documents = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                label="Documents considered", help_text="One a line: a title, or a link to an attachment")


class MeetingCorrectionForm(MeetingForm):
    """The recorded meeting, to correct (issue 12, item 8): the version it was opened on and why."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    correction_reason = forms.CharField(
        max_length=100, label="Why are you correcting this?",
        help_text="For example: the meeting was on the Tuesday, not the Monday. It is kept with the change in the "
                  "meeting's history.")


class AttendanceForm(GovukForm):
    agency = forms.ModelChoiceField(Agency.objects.all(), required=False, label="Agency")
    name_role = forms.CharField(required=False, label="Name and role")


AttendanceFormSet = forms.formset_factory(AttendanceForm, extra=5, max_num=20)


class RecommendationForm(GovukForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Recommendation")
    owner_agency = forms.ModelChoiceField(Agency.objects.all(), label="Owner agency")
    due_on = GovukDateField(label="Due by")


class RecommendationStatusForm(GovukForm):
    status = forms.ChoiceField(choices=[("open", "Open"), ("done", "Done"), ("not_accepted", "Not accepted")],
                               widget=forms.RadioSelect, label="Status")
    status_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                    label="Why it was not accepted")
    due_on = GovukDateField(label="Due by")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
