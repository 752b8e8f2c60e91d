"""Governance forms (GOV.UK markup from csphub.core.forms)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from csphub.accounts.models import Agency
from csphub.core.forms import GovukDateField, GovukForm
from csphub.core.uploads import refused_while_streaming
from django import forms

from . import rules
from .models import Board, Decision, OutreachOutcome, Plan, RagStatus, Theme

RAG_CHOICES = [("", "Use the rule's RAG"), *RagStatus.choices]


def _quarter_choices() -> list[tuple[str, str]]:
    from django.utils import timezone

    now = rules.quarter_of(timezone.localdate())
    found, q = [], now
    for _ in range(8):
        found.append((q.label, q.label))
        q = rules.Quarter(q.year - (q.number == 1), (q.number - 2) % 4 + 1)
    return found


class QuarterField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=_quarter_choices, **kwargs)

    def clean(self, value: Any) -> rules.Quarter:  # type: ignore[override]
        text = super().clean(value)
        try:
            return rules.Quarter.parse(text)
        except ValueError as e:
            raise ValidationError(str(e)) from e


class UpdateForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    quarter = QuarterField(label="Quarter", help_text="Recording a quarter again corrects its update")
    narrative = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="What has been done this quarter")
    achieved = forms.DecimalField(required=False, min_value=0, label="Value achieved so far",
                                  help_text="The running total towards the target (leave blank for a milestone)")
    milestone_met = forms.BooleanField(required=False, label="The milestone is met")
    rag_override = forms.ChoiceField(choices=RAG_CHOICES, required=False, label="RAG",
                                     help_text="Only to differ from the rule's RAG; say why below")
    override_reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                      label="Why the RAG differs from the rule's")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("rag_override") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", "Say why the RAG differs from the rule's")
        return data


class ImportForm(GovukForm):
    plan = forms.ModelChoiceField(Plan.objects.filter(archived_on__isnull=True), required=False,
                                  label="Plan to import into", help_text="Or name a new plan below")
    new_plan = forms.CharField(required=False, label="New plan's name")
    starts_on = GovukDateField(required=False, label="New plan starts on")
    ends_on = GovukDateField(required=False, label="New plan ends on")
    file = forms.FileField(label="Action plan (CSV or Excel)", validators=[refused_while_streaming])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("plan") and not (data.get("new_plan") and data.get("starts_on") and data.get("ends_on")):
            raise ValidationError("Choose a plan, or give a new plan's name and dates")
        return data


class MeetingForm(GovukForm):
    held_on = GovukDateField(label="Date of the meeting")
    place = forms.CharField(required=False, label="Where")


class MinutesForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Minutes")
    attending = forms.ModelMultipleChoiceField(Agency.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
                                               label="Agencies attending")


class DecisionForm(GovukForm):
    kind = forms.ChoiceField(choices=Decision.Kind.choices, label="Kind")
    topic = forms.CharField(required=False, max_length=30, label="Agenda topic (e.g. cctv)")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Decision or recommendation")


class ActionArisingForm(GovukForm):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Action")
    owner_agency = forms.ModelChoiceField(Agency.objects.all(), label="Owner (agency)")
    due_on = GovukDateField(label="Due")


class PaperForm(GovukForm):
    title = forms.CharField(label="Title of the paper")
    file = forms.FileField(label="File", validators=[refused_while_streaming])


class ReturnForm(GovukForm):
    workstream = forms.ChoiceField(label="Workstream")
    quarter = QuarterField(label="Quarter")
    outputs = forms.DecimalField(min_value=0, label="Outputs delivered in the quarter")
    outcomes = forms.DecimalField(min_value=0, required=False, label="Outcomes in the quarter")
    spend = forms.DecimalField(min_value=0, label="Spend in the quarter (£)")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note")

    def __init__(self, *args: Any, workstreams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workstream"].choices = [(str(i), t) for i, t in workstreams]


def _counts_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=label, help_text=help_text)


class EventForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label="Event")
    held_on = GovukDateField(label="Date")
    place = forms.CharField(label="Place")
    ward_name = forms.CharField(required=False, label="Ward")
    ward_code = forms.CharField(required=False, max_length=9, label="Ward code (e.g. E05012345)")
    audience = forms.CharField(required=False, label="Audience")
    partners = forms.ModelMultipleChoiceField(Agency.objects.all(), required=False, widget=forms.CheckboxSelectMultiple)
    attendees = _counts_field("Attendees by category", "One a line, e.g. 'adults: 40'. Counts only, never names")
    items_given = _counts_field("Items handed out", "e.g. 'personal attack alarms: 25'")
    feedback = _counts_field("Feedback (percent)", "e.g. 'found it useful: 96'")

    def _counts(self, name: str) -> dict[str, int]:
        try:
            return rules.parse_counts(self.cleaned_data.get(name) or "")
        except ValueError as e:
            raise ValidationError(str(e)) from e

    def clean_attendees(self) -> dict[str, int]:
        return self._counts("attendees")

    def clean_items_given(self) -> dict[str, int]:
        return self._counts("items_given")

    def clean_feedback(self) -> dict[str, int]:
        return self._counts("feedback")


class OutreachSessionForm(GovukForm):
    programme = forms.ChoiceField(label="Programme")
    held_on = GovukDateField(label="Date")
    attendees = forms.IntegerField(min_value=0, label="Attendees (a count)")
    services_present = forms.CharField(required=False, label="Services present",
                                       help_text="Organisations, separated by commas")
    safeguarding_escalations = forms.IntegerField(min_value=0, initial=0, label="Safeguarding escalations")
    tokens = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Attendee tokens (optional)",
                             help_text="Words attendees chose to give, one a line. Never a name: only a keyed hash is kept")

    def __init__(self, *args: Any, programmes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(str(i), n) for i, n in programmes]
        for kind, label in OutreachOutcome.Kind.choices:
            self.fields[f"outcome_{kind}"] = forms.IntegerField(min_value=0, required=False, label=label)
            self.fields[f"outcome_{kind}"].widget.attrs["class"] = "govuk-input govuk-input--width-5"

    def outcomes(self) -> dict[str, int]:
        return {k: self.cleaned_data.get(f"outcome_{k}") or 0 for k in OutreachOutcome.Kind.values}


class BriefingForm(GovukForm):
    kind = forms.ChoiceField(choices=[("briefing", "Briefing note (Overview and Scrutiny)"),
                                      ("portfolio", "Portfolio holder's report")], label="Paper")
    board = forms.ChoiceField(label="Board whose meetings it reports", required=False)
    start = forms.CharField(label="From (month, YYYY-MM)", max_length=7)
    end = forms.CharField(label="To (month, YYYY-MM)", max_length=7)
    number = forms.CharField(required=False, label="Briefing note number (e.g. 02/24)", max_length=20)
    committee = forms.CharField(label="Committee", initial="Overview and Scrutiny Committee", max_length=200)
    output = forms.ChoiceField(choices=[("docx", "Word (editable)"), ("pdf", "PDF")], label="Format")

    def __init__(self, *args: Any, boards: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board"].choices = [("", "—"), *[(str(i), n) for i, n in boards]]

    def clean(self) -> dict[str, Any]:
        from .papers import period_of

        data = super().clean()
        if data.get("start") and data.get("end"):
            try:
                data["period"] = period_of(data["start"], data["end"])
            except ValueError as e:
                raise ValidationError(str(e)) from e
        if data.get("kind") == "briefing" and not data.get("board"):
            self.add_error("board", "Choose the board whose meetings the briefing reports")
        return data


class BoardForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(max_length=200, label="Name", help_text="e.g. Strategic Executive Group")
    short_name = forms.CharField(max_length=20, label="Short name", help_text="What papers call it, e.g. SEG")
    frequency = forms.ChoiceField(choices=Board.Frequency.choices, initial=Board.Frequency.QUARTERLY)
    chair_role = forms.CharField(max_length=200, required=False, label="Chaired by (the post, not a name)")
    terms_of_reference = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    members = forms.ModelMultipleChoiceField(Agency.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
                                             label="Member agencies")
    standing_items = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}), label="Standing items",
                                     help_text="One a line, in agenda order, as 'Title' or 'Title = topic' (e.g. "
                                               "'CCTV = cctv'); the topic 'action_plan' brings actions off track onto "
                                               "each agenda")

    def clean_standing_items(self) -> list[tuple[str, str]]:
        items = []
        for line in (self.cleaned_data.get("standing_items") or "").splitlines():
            if line.strip():
                title, _, topic = line.partition("=")
                items.append((title.strip()[:200], topic.strip().lower().replace(" ", "_")[:30]))
        return items


class GrantForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    fund = forms.CharField(max_length=200, help_text="e.g. Safer Streets")
    round = forms.CharField(max_length=60, required=False)
    amount = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, label="Amount (£)")
    starts_on = GovukDateField(label="Starts")
    ends_on = GovukDateField(label="Ends")
    led_by = forms.ModelChoiceField(Agency.objects.all(), label="Lead agency")
    conditions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reporting_dates = forms.CharField(required=False, label="Reporting dates",
                                      help_text="When returns are due to the funder, as DD/MM/YYYY or YYYY-MM-DD, "
                                                "separated by commas. A date whose return was sent is kept")

    def clean_reporting_dates(self) -> list[Any]:
        found = []
        for text in (self.cleaned_data.get("reporting_dates") or "").replace("\n", ",").split(","):
            if text.strip():
                try:
                    found.append(rules.parse_day(text))
                except ValueError as e:
                    raise ValidationError(str(e)) from e
        return found


class WorkstreamForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    budget = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, label="Budget (£)")
    planned_output = forms.DecimalField(min_value=0, required=False, label="Planned outputs")
    output_unit = forms.CharField(max_length=60, required=False, help_text="e.g. training courses")
    planned_outcome = forms.DecimalField(min_value=0, required=False, label="Planned outcomes")
    outcome_unit = forms.CharField(max_length=60, required=False, help_text="e.g. door staff trained")


class ActionForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    objective = forms.CharField(max_length=200)
    title = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What we will do")
    done_so_far = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What we have done so far")
    theme = forms.ChoiceField(choices=Theme.choices)
    led_by = forms.ModelChoiceField(Agency.objects.all(), label="Lead agency")
    partners = forms.ModelMultipleChoiceField(Agency.objects.all(), required=False, widget=forms.CheckboxSelectMultiple)
    baseline = forms.CharField(max_length=200, required=False)
    target = forms.DecimalField(min_value=0, required=False, help_text="Leave blank for a milestone")
    unit = forms.CharField(max_length=60, required=False)
    milestone = forms.CharField(max_length=200, required=False, help_text="For a milestone: what done looks like")
    starts_on = GovukDateField(required=False, label="Starts")
    due_on = GovukDateField(required=False, label="Due")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("target") is None and not data.get("milestone"):
            self.add_error("target", "Give a number target, or a milestone")
        return data


class ArchiveForm(GovukForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why it is taken out of the plan")


class PriorityAimForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    aim = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000,
                          label="What the priority sets out to do")
    reason = forms.CharField(max_length=300, label="Why it changes", help_text="Kept with the priority's history")


class ArchiveRecordForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label="Why it is archived")


def _lines(text: str) -> list[str]:
    return [line.strip()[:200] for line in (text or "").splitlines() if line.strip()]


class PlanForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(max_length=200, help_text="e.g. Community Safety Plan 2024-28")
    kind = forms.ChoiceField(choices=Plan.Kind.choices, initial=Plan.Kind.COMMUNITY_SAFETY)
    starts_on = GovukDateField(label="Starts")
    ends_on = GovukDateField(label="Ends")
    aligned_to = forms.CharField(max_length=200, required=False, label="Aligned to",
                                 help_text="e.g. the PCC's Police and Crime Plan")
    refreshed_on = GovukDateField(required=False, label="Action plan last refreshed")
    priorities = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Priorities",
                                 help_text="One a line, in order: the first line is priority 1. Changing a line "
                                           "renames that priority and its actions stay with it")

    def clean_priorities(self) -> list[str]:
        found = _lines(self.cleaned_data.get("priorities") or "")
        if not found:
            raise ValidationError("Give the plan at least one priority")
        return found


class MeetingEditForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    held_on = GovukDateField(label="Date of the meeting")
    place = forms.CharField(required=False, max_length=200, label="Where")


class DecisionEditForm(DecisionForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ActionArisingEditForm(ActionArisingForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
