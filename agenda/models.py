"""The rolling agenda: themes > action lines > actions, milestones, indicators on a target
path with measurements, funding and budgets, progress updates and review cycles."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Interaction, Organisation
from portal.querysets import TenantOwned

AMOUNT = {"max_digits": 14, "decimal_places": 2}
VALUE = {"max_digits": 16, "decimal_places": 4}


class Theme(TenantOwned):
    """A spearhead (speerpunt) of the agenda."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "title"]
        indexes = [models.Index(fields=["tenant", "position"], name="theme_position_idx")]

    def __str__(self) -> str:
        return self.title


class ActionLine(TenantOwned):
    """An action line (actielijn) under a theme."""

    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="action_lines", verbose_name=_("theme")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")
        ordering = ["position", "title"]
        indexes = [models.Index(fields=["tenant", "theme", "position"], name="line_theme_idx")]

    def __str__(self) -> str:
        return self.title


class Action(TenantOwned):
    """An action, project or doe-voorstel, with its owner (kartrekker) and partners."""

    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    class Health(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 3, _("Low")

    action_line = models.ForeignKey(
        ActionLine, on_delete=models.CASCADE, related_name="actions", verbose_name=_("action line")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("owner organisation"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner (kartrekker)"),
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_actions", verbose_name=_("partners")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    health = models.CharField(
        _("health"), max_length=20, choices=Health.choices, default=Health.ON_TRACK
    )
    health_reason = models.TextField(_("reason for the health"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    interactions = models.ManyToManyField(
        Interaction, blank=True, related_name="actions", verbose_name=_("linked contacts")
    )
    opportunities = models.ManyToManyField(
        "internships.Opportunity",
        blank=True,
        related_name="actions",
        verbose_name=_("linked stage places"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["priority", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="action_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "action_line", "priority"], name="action_line_idx"),
            models.Index(fields=["tenant", "owner", "status"], name="action_owner_idx"),
            models.Index(fields=["tenant", "status", "health"], name="action_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(TenantOwned):
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("action")
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["tenant", "action", "due_on"], name="milestone_action_idx")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.done_on is None and self.due_on < today


class Indicator(TenantOwned):
    """A measurable objective with a baseline, a target path and measurements.

    Attached to exactly one of a theme, an action line or an action. A computed indicator
    names a metric from the registry (``agenda.metrics``) instead of taking typed values.
    """

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")
        KEEP = "keep", _("Keep at the target")

    class Kind(models.TextChoices):
        CUMULATIVE = "cumulative", _("Cumulative")
        POINT_IN_TIME = "point_in_time", _("Point in time")
        PER_PERIOD = "per_period", _("Per period")

    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.UP
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.POINT_IN_TIME
    )
    baseline_value = models.DecimalField(_("baseline"), **VALUE)
    baseline_on = models.DateField(_("baseline date"))
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    action_line = models.ForeignKey(
        ActionLine, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    metric = models.CharField(
        _("computed from"),
        max_length=60,
        blank=True,
        help_text=_("Leave empty to enter measurements by hand."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(theme__isnull=False, action_line__isnull=True, action__isnull=True)
                    | Q(theme__isnull=True, action_line__isnull=False, action__isnull=True)
                    | Q(theme__isnull=True, action_line__isnull=True, action__isnull=False)
                ),
                name="indicator_attached_once",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "action"], name="indicator_action_idx"),
            models.Index(fields=["tenant", "action_line"], name="indicator_line_idx"),
            models.Index(fields=["tenant", "theme"], name="indicator_theme_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Target(TenantOwned):
    """A point on an indicator's target path: the value to reach by a date."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    due_on = models.DateField(_("date"))
    value = models.DecimalField(_("target value"), **VALUE)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "due_on"], name="target_one_per_date"),
        ]
        indexes = [models.Index(fields=["tenant", "indicator", "due_on"], name="target_path_idx")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.due_on:%Y-%m-%d})"


class Measurement(TenantOwned):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), **VALUE)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_computed = models.BooleanField(_("computed"), default=False)
    created_at = models.DateTimeField(_("entered"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["measured_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"],
                condition=Q(is_computed=True),
                name="measurement_computed_once_per_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "indicator", "measured_on"], name="measurement_series_idx"
            ),
            # The newest measurements of a tenant first (the API's list).
            models.Index(fields=["tenant", "-measured_on", "-id"], name="measurement_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.measured_on:%Y-%m-%d})"


class FundingSource(TenantOwned):
    class Kind(models.TextChoices):
        GROWTH_FUND = "growth_fund", _("Nationaal Groeifonds")
        PROVINCE = "province", _("Province")
        MUNICIPALITY = "municipality", _("Municipality")
        REGIONAL_FUND = "regional_fund", _("Regional investment fund")
        COMPANY_CASH = "company_cash", _("Company co-financing (cash)")
        COMPANY_IN_KIND = "company_in_kind", _("Company co-financing (in kind)")
        EDUCATION = "education", _("Education institutions")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_cofinancing = models.BooleanField(
        _("co-financing"),
        default=False,
        help_text=_("Counts towards the co-financing ratio (partners' own contribution)."),
    )

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="funding_source_name"),
        ]

    def __str__(self) -> str:
        return self.name


class BudgetLine(TenantOwned):
    """The amount planned for an action from one funding source in one year."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="budget_lines")
    funding_source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    planned_amount = models.DecimalField(
        _("planned amount"), validators=[MinValueValidator(0)], **AMOUNT
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "funding_source", "year"], name="budget_line_unique"
            ),
            models.CheckConstraint(
                condition=Q(planned_amount__gte=0), name="budget_line_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "action", "year"], name="budget_action_idx")]

    def __str__(self) -> str:
        return f"{self.action} / {self.funding_source} / {self.year}"


class BudgetEntry(TenantOwned):
    """Money committed or spent against a budget line, in cash or in kind."""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", _("Commitment")
        SPENDING = "spending", _("Spending")

    budget_line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **AMOUNT)
    booked_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    in_kind = models.BooleanField(_("in kind"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("budget entry")
        verbose_name_plural = _("budget entries")
        ordering = ["booked_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_entry_not_negative"),
        ]
        indexes = [
            models.Index(fields=["tenant", "budget_line", "booked_on"], name="budget_entry_idx")
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.amount})"


class ProgressUpdate(TenantOwned):
    """The narrative update of an action for one period; locked once approved."""

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    done = models.TextField(_("what was done"), blank=True)
    next_steps = models.TextField(_("what comes next"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    help_needed = models.TextField(_("help needed"), blank=True)
    health = models.CharField(_("health"), max_length=20, choices=Action.Health.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-period_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "period_start", "period_end"], name="progress_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="progress_period_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "action", "-period_start"], name="progress_action_idx"),
            models.Index(fields=["tenant", "status", "period_end"], name="progress_status_idx"),
        ]

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED


class Review(TenantOwned):
    """A review (herijking) of the rolling agenda: its decisions and a snapshot of the agenda
    as it stood, so that any earlier state can be shown and compared."""

    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["tenant", "-held_on"], name="review_date_idx")]

    def __str__(self) -> str:
        return self.title


class ReviewDecision(TenantOwned):
    class Kind(models.TextChoices):
        ACTION_ADDED = "action_added", _("Action added")
        ACTION_STOPPED = "action_stopped", _("Action stopped")
        REPRIORITISED = "reprioritised", _("Re-prioritised")
        TARGET_CHANGED = "target_changed", _("Target changed")
        OTHER = "other", _("Other")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.TextField(_("decision"))

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["id"]


class MeasurementBatch(TenantOwned):
    """A batch of measurements sent through the API under a client's idempotency key.

    The unique (tenant, key) makes a key count once: the same batch sent again, or twice at
    the same moment, is stored once; the stored result is what a repeat gets back. The
    fingerprint of the rows tells a repeat from a different batch under a reused key.
    """

    key = models.CharField(_("idempotency key"), max_length=200)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    result = models.JSONField(_("result"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("measurement batch")
        verbose_name_plural = _("measurement batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="measurement_batch_key_once"),
        ]

    def __str__(self) -> str:
        return self.key
