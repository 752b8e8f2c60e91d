from django import forms

from .models import EmailChoice


class NotificationForm(forms.Form):
    email = forms.ChoiceField(label="When should CSP Hub email you that something is in your inbox?",
                              choices=EmailChoice.choices, widget=forms.RadioSelect,
                              help_text="The email says only that something is waiting, with a link; never who or "
                                        "what it is about.",
                              error_messages={"required": "Choose when CSP Hub should email you"})
