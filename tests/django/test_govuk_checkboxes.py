"""GOV.UK checkboxes in fieldsets (issue 12, item 9): a single checkbox and a set of them each
sit in a fieldset with a legend naming the question, with the design system's classes, and an
error is said inside the fieldset with its "Error:" prefix for screen readers."""

from __future__ import annotations

from csphub.core.forms import GovukForm
from django import forms


class ChecksForm(GovukForm):
    written = forms.BooleanField(label="Given in writing")
    kinds = forms.MultipleChoiceField(label="Show", widget=forms.CheckboxSelectMultiple,
                                      choices=[("incident", "Incidents"), ("note", "Notes")])


def _fieldsets(html: str) -> list[str]:
    return [part.split("</fieldset>", 1)[0] for part in html.split("<fieldset")[1:]]


def test_a_checkbox_and_a_set_of_checkboxes_are_each_in_a_fieldset_with_a_legend():
    sets = _fieldsets(ChecksForm().as_div())
    assert len(sets) == 2
    single, several = sets
    assert "Given in writing</legend>" in single and 'class="govuk-checkboxes__input"' in single
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Show</legend>' in several
    assert several.count('class="govuk-checkboxes__item"') == 2 and several.count('class="govuk-checkboxes__input"') == 2


def test_a_missing_answer_is_said_inside_its_fieldset():
    sets = _fieldsets(ChecksForm({}).as_div())
    assert all('<span class="govuk-visually-hidden">Error:</span>' in s for s in sets)
