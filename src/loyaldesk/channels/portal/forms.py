"""The portal's forms: they validate what a customer or visitor typed, services act on it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from loyaldesk.channels.portal.submissions import submission_nonce
from loyaldesk.customers.identities import Channel, InvalidAddress, normalise_address
from loyaldesk.customers.models import Customer
from loyaldesk.desk.categories import category_choices
from loyaldesk.desk.forms import FilesField

TEXT_LIMIT = 20_000


class EmailAddressField(forms.CharField):
    """An email address as the desk normalises it (lower case, one @, a dot in the domain)."""

    def clean(self, value):
        value = super().clean(value)
        try:
            return normalise_address(Channel.EMAIL, value)
        except InvalidAddress as error:
            raise forms.ValidationError(
                _("Enter an email address such as name@example.com."), code="invalid"
            ) from error


class SignInForm(forms.Form):
    email = EmailAddressField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class SubmissionForm(forms.Form):
    """A form carrying its signed submission key (see submissions.py); each page shows a new
    one, cleaned into the key's random part."""

    purpose = ""
    key = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def clean_key(self) -> str:
        nonce = submission_nonce(self.cleaned_data["key"], self.purpose)
        if nonce is None:
            raise forms.ValidationError(
                _("This form was open for too long. Please check it and send it again."),
                code="stale",
            )
        return nonce


class NewCaseForm(SubmissionForm):
    purpose = "case"
    category = forms.ChoiceField(label=_("What is it about?"))
    owned_product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=None,
        required=False,
        empty_label=_("No product, or another one"),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Describe your request"), max_length=TEXT_LIMIT, widget=forms.Textarea
    )
    files = FilesField(label=_("Attach files"), required=False)

    def __init__(self, *args, customer: Customer, products, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["category"].choices = [("", _("Choose…")), *category_choices()]
        self.fields["owned_product"].queryset = products
        self.fields["owned_product"].label_from_instance = self._product_label

    @staticmethod
    def _product_label(unit) -> str:
        if unit.serial_number:
            return f"{unit.product.name} · {unit.serial_number}"
        return unit.product.name


class ReplyForm(SubmissionForm):
    purpose = "reply"
    text = forms.CharField(label=_("Your reply"), max_length=TEXT_LIMIT, widget=forms.Textarea)
    files = FilesField(label=_("Attach files"), required=False)


class ContactForm(SubmissionForm):
    purpose = "contact"
    name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = EmailAddressField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(label=_("Your message"), max_length=TEXT_LIMIT, widget=forms.Textarea)
    files = FilesField(label=_("Attach files"), required=False)
    # The honeypot: hidden from people (and from screen readers), filled by form robots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
