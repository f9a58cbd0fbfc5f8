"""What forms that ask for a settlement share."""

from __future__ import annotations

from zaedno.places.models import Settlement


class SettlementChoiceMixin:
    """For a form with a ``settlement`` field chosen from the EKATTE picker."""

    def selected_settlement(self):
        """The settlement currently chosen (bound or initial), to show it checked in the picker."""
        value = self["settlement"].value()
        if isinstance(value, Settlement):
            return value
        if value:
            return Settlement.objects.select_related("municipality").filter(ekatte=value).first()
        return None
