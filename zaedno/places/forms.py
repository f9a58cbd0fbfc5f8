"""What forms that ask for a settlement share."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zaedno.places.models import Settlement

SETTLEMENT_QUERY = "settlement_q"


class SettlementChoiceMixin:
    """For a form with a ``settlement`` field chosen from the EKATTE picker.

    The picker is a search box (``settlement_q``) and the radio buttons it fills. Typing a name
    is not a choice: a name typed with nothing chosen from the list is refused, so a child is
    never registered "in Велико Т" with no settlement and no one told. Leaving the box empty is
    allowed: where the child lives may not be known yet.
    """

    settlement_not_chosen = _(
        "Choose the settlement from the list under the field, or clear the field if you do not know it."
    )

    @property
    def settlement_query(self) -> str:
        """What was typed in the search box (kept on the page when the form comes back)."""
        if not self.is_bound:
            return ""
        return (self.data.get(SETTLEMENT_QUERY) or "").strip()

    def clean(self):
        data = super().clean()
        if self.settlement_query and not data.get("settlement") and "settlement" not in self.errors:
            self.add_error("settlement", self.settlement_not_chosen)
        return data

    def selected_settlement(self):
        """The settlement currently chosen (bound or initial), to show it checked in the picker."""
        value = self["settlement"].value()
        if isinstance(value, Settlement):
            return value
        if value:
            return Settlement.objects.select_related("municipality").filter(ekatte=value).first()
        return None
