"""The workflows of the stage market as small tables: which action moves a record from
which statuses to which. A service asks ``transition_target`` before it changes a status,
so an illegal step is refused with a message that says what the record is now."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from internships.models import Application, Opportunity, Placement

OS = Opportunity.Status
AS = Application.Status
PS = Placement.Status


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    verb: str | Promise  # "published", for "cannot be published"


OPPORTUNITY: dict[str, Transition] = {
    "publish": Transition(frozenset({OS.DRAFT}), OS.PUBLISHED, gettext_lazy("published")),
    "unpublish": Transition(frozenset({OS.PUBLISHED}), OS.DRAFT, gettext_lazy("unpublished")),
    "fill": Transition(frozenset({OS.PUBLISHED}), OS.FILLED, gettext_lazy("filled")),
    "reopen": Transition(frozenset({OS.FILLED}), OS.PUBLISHED, gettext_lazy("reopened")),
    "close": Transition(frozenset({OS.PUBLISHED, OS.FILLED}), OS.CLOSED, gettext_lazy("closed")),
}

APPLICATION: dict[str, Transition] = {
    "start_conversation": Transition(
        frozenset({AS.SUBMITTED}), AS.IN_CONVERSATION, gettext_lazy("taken into conversation")
    ),
    "accept": Transition(
        frozenset({AS.SUBMITTED, AS.IN_CONVERSATION}), AS.ACCEPTED, gettext_lazy("accepted")
    ),
    "decline": Transition(
        frozenset({AS.SUBMITTED, AS.IN_CONVERSATION}), AS.DECLINED, gettext_lazy("declined")
    ),
    "withdraw": Transition(
        frozenset({AS.SUBMITTED, AS.IN_CONVERSATION, AS.ACCEPTED}),
        AS.WITHDRAWN,
        gettext_lazy("withdrawn"),
    ),
}

PLACEMENT: dict[str, Transition] = {
    "start": Transition(frozenset({PS.PLANNED}), PS.ACTIVE, gettext_lazy("started")),
    "complete": Transition(frozenset({PS.ACTIVE}), PS.COMPLETED, gettext_lazy("completed")),
    "cancel": Transition(
        frozenset({PS.PLANNED, PS.ACTIVE}), PS.CANCELLED, gettext_lazy("cancelled")
    ),
}

TABLES: dict[type[models.Model], dict[str, Transition]] = {
    Opportunity: OPPORTUNITY,
    Application: APPLICATION,
    Placement: PLACEMENT,
}


def can_transition(record: models.Model, action: str) -> bool:
    """Whether ``action`` may be taken on ``record`` in its current status (for buttons)."""
    return record.status in TABLES[type(record)][action].sources


def transition_target(record: models.Model, action: str) -> str:
    """The status ``action`` moves ``record`` to; a ValidationError when it may not."""
    step = TABLES[type(record)][action]
    if record.status not in step.sources:
        # One sentence per kind of record, so a translation can choose its own article.
        if isinstance(record, Opportunity):
            message = _("This opportunity is %(status)s, so it cannot be %(verb)s.")
        elif isinstance(record, Application):
            message = _("This application is %(status)s, so it cannot be %(verb)s.")
        else:
            message = _("This placement is %(status)s, so it cannot be %(verb)s.")
        raise ValidationError(
            message % {"status": record.get_status_display().lower(), "verb": step.verb},
            code="illegal_transition",
        )
    return step.target
