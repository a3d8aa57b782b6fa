"""Organisations of a partnership. The CRM (contacts, interactions, agreements) builds on these."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.querysets import TenantOwned


class Organisation(TenantOwned):
    """A school, company, government body, knowledge institute or intermediary in a tenant."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        COMPANY = "company", _("Company")
        GOVERNMENT = "government", _("Government")
        KNOWLEDGE_INSTITUTE = "knowledge_institute", _("Knowledge institute")
        INTERMEDIARY = "intermediary", _("Network or intermediary")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="organisation_name_per_tenant"),
        ]

    def __str__(self) -> str:
        return self.name
