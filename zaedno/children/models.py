"""The child and the adults around them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zaedno.organisations.models import Organisation
from zaedno.places.models import Settlement


class Sex(models.TextChoices):
    FEMALE = "f", _("female")
    MALE = "m", _("male")


class Child(models.Model):
    """A child (дете) known to the services; one record per child across agencies."""

    first_name = models.CharField(_("first name"), max_length=60)
    middle_name = models.CharField(_("middle name"), max_length=60, blank=True)
    last_name = models.CharField(_("last name"), max_length=60)
    name_latin = models.CharField(_("name in Latin letters"), max_length=200, blank=True, editable=False)
    search_key = models.CharField(max_length=250, db_index=True, editable=False)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    egn = models.CharField(_("ЕГН"), max_length=10, null=True, blank=True, unique=True)
    lnch = models.CharField(_("ЛНЧ"), max_length=10, null=True, blank=True, unique=True)
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settlement"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    # A record found to be a duplicate is merged into the surviving one and kept, marked, so
    # that nothing is lost and old links still lead somewhere (see ``children.merge``).
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from",
        verbose_name=_("merged into"), db_index=False,
    )  # fmt: skip
    merged_at = models.DateTimeField(_("merged"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.CheckConstraint(condition=models.Q(sex__in=["f", "m"]), name="child_sex_valid"),
            models.CheckConstraint(condition=~models.Q(egn=""), name="child_egn_null_not_blank"),
            models.CheckConstraint(condition=~models.Q(lnch=""), name="child_lnch_null_not_blank"),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")), name="child_not_merged_into_itself"
            ),
        ]
        indexes = [
            models.Index(fields=["birth_date"]),
            # Partial: almost every child is not merged, and a full index on the column tempts
            # the planners to answer "merged_into IS NULL" by walking it (every child).
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="child_merged_into",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)


class Relationship(models.TextChoices):
    MOTHER = "mother", _("mother")
    FATHER = "father", _("father")
    STEPPARENT = "stepparent", _("step-parent")
    GRANDPARENT = "grandparent", _("grandparent")
    SIBLING = "sibling", _("sibling")
    GUARDIAN = "guardian", _("guardian")
    FOSTER = "foster", _("foster carer")
    RELATIVE = "relative", _("other relative")
    SIGNIFICANT = "significant", _("other significant adult")


class Relative(models.Model):
    """A relative or other significant adult in the child's life (близък / значим възрастен)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="relatives")
    full_name = models.CharField(_("full name"), max_length=150)
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    has_parental_rights = models.BooleanField(_("holds parental rights"), default=False)
    lives_with_child = models.BooleanField(_("lives with the child"), default=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["relationship", "full_name"]
        verbose_name = _("relative or significant adult")
        verbose_name_plural = _("relatives and significant adults")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_relationship_display()})"


class ChildMerge(models.Model):
    """A confirmed duplicate merged into the surviving record (сливане на дублиран запис).

    ``moved`` lists what moved (the ids per kind of record, the identifiers taken over), so the
    merge can be read, and undone by hand, later.
    """

    source = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="+", verbose_name=_("merged record")
    )
    target = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="merges", verbose_name=_("surviving record")
    )
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(_("merged"))
    reason = models.TextField(_("reason"))
    moved = models.JSONField(default=dict)

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("merge of duplicate records")
        verbose_name_plural = _("merges of duplicate records")
        constraints = [
            models.UniqueConstraint(fields=["source"], name="child_merge_once"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="child_merge_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class DuplicateCheck(models.Model):
    """One search for likely existing records of a child (проверка за дублиране), kept to audit
    who searched and to let the searcher ask to join the team of a record it found.

    What was typed is kept only as a keyed hash (``digest``), never in clear.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    digest = models.CharField(max_length=64)
    fields = models.JSONField(default=list)
    matches = models.JSONField(default=list)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%d.%m.%Y %H:%M} ({len(self.matches)})"
