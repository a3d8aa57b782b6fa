"""Menu entries of the stage market."""

from django.utils.translation import gettext_lazy as _

from portal.menu import MenuEntry

ENTRIES = [
    MenuEntry(_("Stage places"), "stage_list", "tenant.view", order=20),
    MenuEntry(_("Our opportunities"), "company_opportunity_list", "stages.offer", order=21),
    MenuEntry(_("Applications"), "company_application_list", "stages.offer", order=22),
    MenuEntry(_("Placements"), "company_placement_list", "stages.offer", order=23),
    MenuEntry(_("Fits your school"), "school_opportunity_matches", "stages.apply", order=21),
    MenuEntry(_("Our applications"), "school_application_list", "stages.apply", order=22),
    MenuEntry(_("Our placements"), "school_placement_list", "stages.apply", order=23),
    MenuEntry(_("Moderation"), "opportunity_moderation_list", "stages.moderate", order=24),
]
