from __future__ import annotations

from typing import Any

from csphub.accounts.models import Agency
from csphub.core.forms import DateInput, GovukForm
from django import forms


class ApplicationForm(GovukForm):
    applicant = forms.ChoiceField(label="Applicant", help_text="Add the person to a case first if they are not listed")
    on_behalf_of = forms.CharField(required=False, label="Applying on behalf of (if not the victim)")
    behaviour = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="The behaviour complained of")
    received_on = forms.DateField(widget=DateInput, label="Date received")

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = [(str(i), n) for i, n in people]


class ComplaintForm(GovukForm):
    reported_on = forms.DateField(widget=DateInput, label="Complaint made on")
    behaviour_on = forms.DateField(widget=DateInput, label="Behaviour happened on")
    agency = forms.ModelChoiceField(Agency.objects.all(), label="Made to")
    is_hate = forms.BooleanField(required=False, label="Hate incident")
    reference = forms.CharField(required=False, label="Their reference (e.g. CAD number)")


ComplaintFormSet = forms.formset_factory(ComplaintForm, extra=4, max_num=20)


class ReviewForm(GovukForm):
    held_on = forms.DateField(widget=DateInput, label="Review held on")
    recommendations = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False,
                                      help_text="Leave blank if the review made no recommendations")


class EscalationForm(GovukForm):
    requested_on = forms.DateField(widget=DateInput, label="Applicant asked to escalate on")
