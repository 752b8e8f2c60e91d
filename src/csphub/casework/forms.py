"""Forms for the casework pages. They collect input; services.py applies the rules."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from csphub.accounts.models import Agency, Membership
from csphub.core import filetypes, penalties, uploads
from csphub.core.forms import GovukDateField, GovukDateTimeField, GovukDateWidget, GovukForm
from django import forms

from . import rules, stats
from .models import (
    AsbCase,
    CaseOutcome,
    CaseStatus,
    CaseType,
    ConsentToShare,
    PartyRole,
    Referral,
    VulnerabilityFlag,
)
from .services import task_owners
from .stats import QUARTERS


def version_field() -> forms.IntegerField:
    """The version of the record the form was opened on: a stale save is refused (409)."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class CaseForm(GovukForm):
    case_type = forms.ModelChoiceField(CaseType.objects.filter(is_active=True), label="Type of case")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="What is happening")
    address = forms.CharField(required=False, label="Where (address)", help_text="Leave blank if there is no single place")
    postcode = forms.CharField(required=False, max_length=10, widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))
    latitude = forms.FloatField(required=False, min_value=49, max_value=61)
    longitude = forms.FloatField(required=False, min_value=-9, max_value=2.5)
    opened_on = GovukDateField(label="Date opened")
    next_review_on = GovukDateField(required=False, label="Next review",
                                     help_text="Defaults to 28 days after opening")


class PersonForm(GovukForm):
    role = forms.ChoiceField(choices=PartyRole.choices, label="Role on this case", widget=forms.RadioSelect)
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    date_of_birth = GovukDateField(required=False, label="Date of birth", widget=GovukDateWidget(attrs={"autocomplete": "bday"}))
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(required=False)
    address = forms.CharField(max_length=300, required=False)
    postcode = forms.CharField(max_length=10, required=False)
    consent_to_share = forms.ChoiceField(choices=ConsentToShare.choices, label="Consent to share with partners",
                                         widget=forms.RadioSelect, initial=ConsentToShare.NOT_ASKED)
    flags = forms.MultipleChoiceField(choices=VulnerabilityFlag.Kind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple, label="Vulnerabilities")


class ExistingPersonForm(GovukForm):
    person_id = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=PartyRole.choices, label="Role on this case", widget=forms.RadioSelect)


class IncidentForm(GovukForm):
    occurred_at = GovukDateTimeField(label="When did it happen")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="What happened")
    reported_by_agency = forms.ModelChoiceField(Agency.objects.all(), label="Reported to")
    reported_on = GovukDateField(label="Date reported")
    is_hate = forms.BooleanField(required=False, label="This is a hate incident")


class InterventionForm(GovukForm):
    kind = forms.ChoiceField(choices=list(rules.INTERVENTION_KINDS.items()), label="Tool or power")
    person = forms.ChoiceField(required=False, label="Issued to", help_text="Not needed for closure notices and orders")
    conduct = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              label="Conduct", help_text="The behaviour, in the same words as any earlier warning")
    written = forms.BooleanField(required=False, initial=True, label="Given in writing")
    premises = forms.CharField(required=False, label="Premises (closure powers)")
    issued_on = GovukDateField(label="Date issued")
    expires_on = GovukDateField(required=False, label="Ends on", help_text="Leave blank for the usual period (e.g. 12 months for a s59 warning)")
    amount = forms.IntegerField(required=False, min_value=0, label="Fixed penalty (GBP)", help_text="Leave blank for the partnership's amount")
    comply_by = GovukDateField(required=False, label="Time to comply ends on (warnings)",
                               help_text="The last day the warning gives to stop the conduct; a notice may follow after it")
    offence_on = GovukDateField(required=False, label="Date of the offence (fixed penalties)",
                                help_text="Leave blank if it was the day the penalty was issued")
    early_payment_amount = forms.IntegerField(required=False, min_value=1, max_value=100_000,
                                              label="Early-payment amount (fixed penalties, GBP)",
                                              help_text="A lesser amount the notice offers if paid within its period")

    def __init__(self, *args: Any, people: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "No person (premises)")] + [(str(i), n) for i, n in people or []]


class NoticeFromWarningForm(GovukForm):
    """A Community Protection Notice made from a warning: the person and conduct come from it."""

    issued_on = GovukDateField(label="Date the notice is issued")
    expires_on = GovukDateField(required=False, label="Ends on", help_text="Leave blank for no end date")


class PenaltyPaymentForm(GovukForm):
    version = version_field()
    status = forms.ChoiceField(choices=list(penalties.PAYMENT_STATUSES.items()), widget=forms.RadioSelect,
                               label="Has the fixed penalty been paid?")
    on = GovukDateField(required=False, label="Date paid or withdrawn", help_text="Not needed for unpaid")
    paid_amount = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="Amount paid (GBP)",
                                     help_text="Paid: the full penalty, or the early-payment amount within its period")


class ReferralForm(GovukForm):
    to_agency = forms.ModelChoiceField(Agency.objects.all(), label="Refer to")
    service = forms.CharField(required=False, help_text="e.g. Victim Support, Catch22, Adult Social Care")
    person = forms.ChoiceField(required=False, label="About")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    consent_obtained = forms.BooleanField(required=False, label="The person consented to this referral")

    def __init__(self, *args: Any, people: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Not about one person")] + [(str(i), n) for i, n in people or []]


class ReferralUpdateForm(GovukForm):
    version = version_field()
    status = forms.ChoiceField(choices=Referral.Status.choices, widget=forms.RadioSelect)
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TaskForm(GovukForm):
    title = forms.CharField(max_length=300)
    owner = forms.ModelChoiceField(get_user_model().objects.none())
    due_on = GovukDateField(label="Due")

    def __init__(self, *args: Any, case: AsbCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = task_owners(case)


class NoteForm(GovukForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Note")


class VisitForm(GovukForm):
    visited_on = GovukDateField(label="Date of visit")
    findings = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="What you found")


class StatusForm(GovukForm):
    version = version_field()
    status = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(choices=[("", "Not closing")] + list(CaseOutcome.choices), required=False,
                                label="Outcome (when closing)")


class ShareForm(GovukForm):
    agency = forms.ModelChoiceField(Agency.objects.all(), label="Share this case with")


class LeadForm(GovukForm):
    version = version_field()
    agency = forms.ModelChoiceField(Agency.objects.all(), label="Agency that will lead the case")
    officer = forms.ModelChoiceField(get_user_model().objects.none(), required=False, label="Lead officer",
                                     help_text="An officer or supervisor of that agency; leave blank to let them choose")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_ids = Membership.objects.filter(role__in=["officer", "supervisor"]).values("user_id")
        self.fields["officer"].queryset = get_user_model().objects.filter(id__in=user_ids, is_active=True).order_by("username")


class RiskForm(GovukForm):
    person = forms.ChoiceField(label="Victim assessed")

    def __init__(self, *args: Any, people: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(str(i), n) for i, n in people or []]
        self.fields.update(_risk_questions())

    def answers(self) -> dict[str, bool | None]:
        return {q.key: {"yes": True, "no": False}.get(self.cleaned_data.get(f"q_{q.key}") or "")
                for q in rules.RISK_QUESTIONS}


RISK_ANSWERS = [("yes", "Yes"), ("no", "No"), ("", "Not answered")]


def _risk_questions() -> dict[str, forms.Field]:
    # Yes, no, or left unanswered: a question nobody answered is "not answered", never "no".
    return {f"q_{q.key}": forms.ChoiceField(required=False, label=q.text, choices=RISK_ANSWERS, initial="",
                                            widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}))
            for q in rules.RISK_QUESTIONS}


def risk_correction_form() -> type[GovukForm]:
    """A form correcting a risk assessment's answers (issue 12, item 1): each question yes, no or
    not answered as it was stored, the version it was opened on and the reason."""
    from .corrections import REASON_MAX

    attrs: dict[str, Any] = {**_risk_questions(), "version": version_field(),
                             "correction_reason": forms.CharField(
                                 max_length=REASON_MAX, label="Why are you correcting this?",
                                 help_text="For example: the victim told us about the threats on the second visit. "
                                           "It is kept with the change in the assessment's history.")}

    def changes(self: GovukForm) -> dict[str, Any]:
        return {"answers": {q.key: {"yes": True, "no": False}.get(self.cleaned_data.get(f"q_{q.key}") or "")
                            for q in rules.RISK_QUESTIONS}}

    attrs["changes"] = changes
    return type("CorrectRiskAssessmentForm", (GovukForm,), attrs)


def risk_initial(answers: dict[str, Any] | None) -> dict[str, str]:
    """The form's starting values from stored answers: True "yes", False "no", None "" (not answered)."""
    words = {True: "yes", False: "no"}
    return {f"q_{q.key}": words.get((answers or {}).get(q.key), "") for q in rules.RISK_QUESTIONS}


class CaseFilterForm(GovukForm):
    """The case list's filters (issue 12, item 5). People and address filters are offered only to
    roles that may see people (``people=False`` for analysts)."""

    q = forms.CharField(required=False, max_length=100, label="Reference or words in the summary")
    person = forms.CharField(required=False, max_length=100, label="Person's name")
    address = forms.CharField(required=False, max_length=100, label="Address or postcode")
    case_type = forms.ModelChoiceField(CaseType.objects.all(), required=False, label="Type of case",
                                       empty_label="Any type")
    ward = forms.ChoiceField(required=False, label="Ward")
    status = forms.ChoiceField(choices=[("", "Any status"), ("not_closed", "Not closed")] + list(CaseStatus.choices),
                               required=False)
    lead_officer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Lead officer")
    opened_from = GovukDateField(required=False, label="Opened on or after")
    opened_to = GovukDateField(required=False, label="Opened on or before")
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, people: bool = True, wards: list[tuple[Any, str]] | None = None,
                 officers: list[tuple[Any, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not people:
            del self.fields["person"], self.fields["address"]
        self.fields["ward"].choices = [("", "Any ward"), *(wards or [])]
        self.fields["lead_officer"].choices = [("", "Any officer"), *[(str(i), n) for i, n in officers or []]]

    def render(self, *args: Any, **kwargs: Any) -> Any:
        """An empty filter form (every visit to /cases/ without filters) is the same HTML for the
        same fields and choices, so it is rendered once per worker process and kept (up to 64
        kinds: fields and choices are the key); a filled-in form is rendered each time."""
        if self.is_bound or args or kwargs:
            return super().render(*args, **kwargs)
        types = list(iter(self.fields["case_type"].choices))  # type: ignore[attr-defined]  # one query; list() alone also counts
        key = tuple((name, tuple((str(v), str(label)) for v, label in (types if name == "case_type" else
                                                                          getattr(field, "choices", ()))))
                    for name, field in self.fields.items())
        html = _EMPTY_FILTER_FORMS.get(key)
        if html is None:
            if len(_EMPTY_FILTER_FORMS) >= 64:
                _EMPTY_FILTER_FORMS.clear()
            html = _EMPTY_FILTER_FORMS[key] = super().render()
        return html

    __str__ = __html__ = render  # as Django's RenderableMixin binds them, to its own render


_EMPTY_FILTER_FORMS: dict[tuple[Any, ...], Any] = {}


class BreachForm(GovukForm):
    intervention = forms.ChoiceField(label="Which warning, notice, contract or order was breached")
    occurred_on = GovukDateField(label="Date of the breach")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What happened")
    action_taken = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Action taken")

    def __init__(self, *args: Any, interventions: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intervention"].choices = [(str(i), n) for i, n in interventions or []]


class InterventionOutcomeForm(GovukForm):
    intervention = forms.ChoiceField(label="Which tool or power")
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Outcome")

    def __init__(self, *args: Any, interventions: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intervention"].choices = [(str(i), n) for i, n in interventions or []]


class AttachmentForm(GovukForm):
    # The description comes before the file: browsers send fields in order, and an upload
    # stopped for its size (csphub.core.uploads) keeps what came before the file.
    description = forms.CharField(max_length=300, label="What it is")
    file = forms.FileField(label="File", validators=[uploads.refused_while_streaming],
                           widget=forms.ClearableFileInput(attrs={"accept": ",".join(filetypes.ACCEPTED_EXTENSIONS)}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (f"Diary sheets, photos, letters, recordings: up to "
                                         f"{uploads.megabytes(uploads.limit_bytes())}. {filetypes.ACCEPTED_SUMMARY}.")


class GroupForm(GovukForm):
    name = forms.CharField(max_length=200, label="Group name", help_text="e.g. the Castle Street group")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    members = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Members (people on this case)")

    def __init__(self, *args: Any, people: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(str(i), n) for i, n in people or []]


# ---- Corrections (issue 12, item 1) -----------------------------------------------------------

def _correction_formfield(db_field: Any, **kwargs: Any) -> Any:
    """The form field for a model field being corrected: GOV.UK date boxes for dates, a
    textarea for free text; a field that may be blank is optional."""
    from django.db import models

    label = str(db_field.verbose_name).capitalize()
    required = not db_field.blank
    if isinstance(db_field, models.DateTimeField):
        return GovukDateTimeField(label=label, required=required)
    if isinstance(db_field, models.DateField):
        widget = GovukDateWidget(attrs={"autocomplete": "bday"}) if db_field.name == "date_of_birth" else None
        return GovukDateField(label=label, required=required, **({"widget": widget} if widget else {}))
    if isinstance(db_field, models.TextField):
        return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 4}))
    field = db_field.formfield(**kwargs)
    if field is not None:
        field.label = label
    return field


def correction_form(model: type, fields: tuple[str, ...], *, owners: Any = None) -> type[GovukForm]:
    """A form correcting ``fields`` of ``model``, with the version it was opened on and the reason.
    ``owners``: the users a task may be given to (the agencies on its case), never all users."""
    from django.forms.models import fields_for_model

    from .corrections import REASON_MAX

    attrs: dict[str, Any] = dict(fields_for_model(model, fields=list(fields), formfield_callback=_correction_formfield))
    if "owner" in attrs and owners is not None:
        attrs["owner"].queryset = owners
    attrs["version"] = version_field()
    # Not "reason": a referral has a field of that name.
    attrs["correction_reason"] = forms.CharField(
        max_length=REASON_MAX, label="Why are you correcting this?",
        help_text="For example: date of birth confirmed from the tenancy agreement. It is kept with the change in "
                  "the record's history.")

    def changes(self: GovukForm) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in fields}

    attrs["changes"] = changes
    return type(f"Correct{model.__name__}Form", (GovukForm,), attrs)


def correction_form_for(kind: str, model: type, fields: tuple[str, ...], target: Any,
                        case: AsbCase | None) -> tuple[type[GovukForm], dict[str, Any]]:
    """The correction form for a record of ``kind`` and its starting values: a risk assessment's
    answers asked question by question, a task's owner chosen from the agencies on its case,
    any other record field by field as stored. Each form's ``changes()`` gives what to save."""
    if kind == "risk_assessment":
        return risk_correction_form(), risk_initial(target.answers)
    owners = task_owners(case) if kind == "task" and case is not None else None
    current = {name: getattr(target, model._meta.get_field(name).attname) for name in fields}
    return correction_form(model, fields, owners=owners), current


class SearchForm(GovukForm):
    q = forms.CharField(required=False, max_length=100, label="Search for a person, case or place",
                        help_text="A name, a case reference, an address or a postcode")


class TimelineForm(GovukForm):
    """A timeline's filters (issue 12, item 4): which kinds, between which dates, which order."""

    kind = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Show",
                                     help_text="Leave them all unticked to show everything")
    start = GovukDateField(required=False, label="From")
    end = GovukDateField(required=False, label="To")
    order = forms.ChoiceField(required=False, widget=forms.RadioSelect, label="Order",
                              choices=[("", "Oldest first"), ("newest", "Newest first")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .chronology import KINDS

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(KINDS.items())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end date must be the same as or after the start date")
        return data


class StatisticsPeriodForm(GovukForm):
    """The statistics page's period (issue 12, item 10): a financial year, or one of its
    quarters, or two dates; blank is this financial year to date. ``cleaned_data["period"]`` is
    the (first, last) day."""

    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Financial year")
    quarter = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Quarter",
                                     choices=[("", "The whole year")] + [(str(n), words) for n, (_, words)
                                                                          in QUARTERS.items()])
    period_from = GovukDateField(required=False, label="From", help_text="Or choose two dates instead of a year.")
    period_to = GovukDateField(required=False, label="To")

    def __init__(self, *args: Any, today: Any, **kwargs: Any) -> None:
        from csphub.dates import financial_year_of

        super().__init__(*args, **kwargs)
        self.today = today
        this_year = financial_year_of(today)
        self.fields["year"].choices = [("", f"This year to date ({this_year.label})")] + [
            (str(this_year.start_year - n), this_year.previous(n).label) for n in range(0, 6)]

    def clean(self) -> dict[str, Any]:
        from csphub.dates import FinancialYear, financial_year_of

        data = super().clean() or {}
        first, last = data.get("period_from"), data.get("period_to")
        if self.errors:
            return data
        if first or last:
            if not (first and last):
                missing = "period_to" if first else "period_from"
                self.add_error(missing, "Enter both dates, or neither")
            elif last < first:
                self.add_error("period_to", "The last day must be the same as or after the first day")
            else:
                data["period"] = (first, last)
            return data
        year = FinancialYear(data["year"]) if data.get("year") else financial_year_of(self.today)
        try:
            data["period"] = stats.financial_period(year, data.get("quarter"), self.today)
        except ValueError as e:
            self.add_error("quarter" if data.get("quarter") else "year", f"{str(e)[0].upper()}{str(e)[1:]}")
        return data
