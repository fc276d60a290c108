from django import forms
from django.utils.translation import gettext_lazy as _

from loyaldesk.customers.identities import Channel, InvalidAddress, normalise_address
from loyaldesk.customers.models import ChannelChoice, Customer
from loyaldesk.customers.selectors import current_customers, find_customer

EDITABLE_CHANNELS = (Channel.EMAIL, Channel.PHONE, Channel.FAX)


class CustomerForm(forms.ModelForm):
    """A customer's details as an agent edits them."""

    class Meta:
        model = Customer
        fields = [
            "first_name",
            "last_name",
            "preferred_language",
            "segment",
            "city",
            "country",
            "consent_service_email",
            "consent_surveys",
            "consent_marketing",
        ]

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise forms.ValidationError(_("Two letters of ISO 3166, such as FR, IT or GB."))
        return country

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("first_name", "").strip() or data.get("last_name", "").strip()):
            raise forms.ValidationError(_("Give the customer a first or a last name."))
        return data


class IdentityForm(forms.Form):
    """A new contact point: an email address, a phone or a fax number."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c, label) for c, label in ChannelChoice.choices if c in EDITABLE_CHANNELS],
    )
    address = forms.CharField(label=_("Address or number"), max_length=254)

    def clean(self) -> dict:
        data = super().clean()
        if "channel" in data and "address" in data:
            try:
                data["address"] = normalise_address(data["channel"], data["address"])
            except InvalidAddress:
                self.add_error("address", _("This is not a valid address for that channel."))
        return data


class MergeForm(forms.Form):
    """Which record to fold into this one: its number, or one of its email addresses."""

    duplicate = forms.CharField(
        label=_("Duplicate record (customer number or email address)"), max_length=254
    )

    def __init__(self, *args, survivor: Customer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.survivor = survivor

    def clean_duplicate(self) -> Customer:
        wanted = self.cleaned_data["duplicate"].strip().lstrip("#")
        if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18:
            duplicate = current_customers().filter(pk=int(wanted)).first()
        elif "@" in wanted:
            try:
                duplicate = find_customer(Channel.EMAIL, wanted)
            except InvalidAddress:
                duplicate = None
        else:
            duplicate = None
        if duplicate is None:
            raise forms.ValidationError(_("No customer record matches this."))
        if duplicate.pk == self.survivor.pk:
            raise forms.ValidationError(_("That is this customer's own record."))
        return duplicate
