"""The relationship manager's CRM: organisations, contacts, the contact log and agreements."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.querysets import InteractionQuerySet, OrganisationQuerySet
from partnerships.validators import validate_brin
from portal.querysets import TenantOwned, TenantOwnedManager


class EducationLevel(models.TextChoices):
    PO = "po", _("Primary education (PO)")
    VMBO = "vmbo", _("VMBO")
    HAVO_VWO = "havo_vwo", _("HAVO/VWO")
    MBO1 = "mbo1", _("MBO level 1")
    MBO2 = "mbo2", _("MBO level 2")
    MBO3 = "mbo3", _("MBO level 3")
    MBO4 = "mbo4", _("MBO level 4")
    HBO = "hbo", _("HBO")
    WO = "wo", _("WO")


class Province(models.TextChoices):
    GRONINGEN = "groningen", "Groningen"
    FRIESLAND = "friesland", "Fryslân"
    DRENTHE = "drenthe", "Drenthe"
    OVERIJSSEL = "overijssel", "Overijssel"
    FLEVOLAND = "flevoland", "Flevoland"
    GELDERLAND = "gelderland", "Gelderland"
    UTRECHT = "utrecht", "Utrecht"
    NOORD_HOLLAND = "noord_holland", "Noord-Holland"
    ZUID_HOLLAND = "zuid_holland", "Zuid-Holland"
    ZEELAND = "zeeland", "Zeeland"
    NOORD_BRABANT = "noord_brabant", "Noord-Brabant"
    LIMBURG = "limburg", "Limburg"


class Sector(TenantOwned):
    """A sector of the regional economy. Each tenant starts with a default list and extends it."""

    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="sector_name_per_tenant"),
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(TenantOwned):
    """A school, company, government body, knowledge institute or intermediary in a tenant."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        COMPANY = "company", _("Company")
        GOVERNMENT = "government", _("Government")
        KNOWLEDGE_INSTITUTE = "knowledge_institute", _("Knowledge institute")
        INTERMEDIARY = "intermediary", _("Network or intermediary")

    class Status(models.TextChoices):
        """The status a person sets. "Dormant" is derived: see ``OrganisationQuerySet``."""

        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active partner")
        FORMER = "former", _("Former partner")

    class SizeClass(models.TextChoices):
        MICRO = "micro", _("1-9 employees")
        SMALL = "small", _("10-49 employees")
        MEDIUM = "medium", _("50-249 employees")
        LARGE = "large", _("250 or more employees")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("A KvK number has exactly 8 digits."))],
    )
    brin_code = models.CharField(
        _("BRIN code"),
        max_length=6,
        blank=True,
        validators=[validate_brin],
        help_text=_("Schools only: two digits and two letters, optionally a two-digit location."),
    )
    education_levels = ArrayField(
        models.CharField(max_length=10, choices=EducationLevel.choices),
        verbose_name=_("education levels"),
        default=list,
        blank=True,
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="organisations"
    )
    street_address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    recognised_training_company = models.BooleanField(
        _("recognised training company (SBB)"), default=False
    )
    sbb_number = models.CharField(_("SBB number"), max_length=20, blank=True)
    size_class = models.CharField(_("size"), max_length=10, choices=SizeClass.choices, blank=True)
    status = models.CharField(
        _("relationship status"), max_length=20, choices=Status.choices, default=Status.PROSPECT
    )
    tags = ArrayField(
        models.CharField(max_length=50), verbose_name=_("tags"), default=list, blank=True
    )
    last_contact_on = models.DateField(
        _("last contact"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The date of the newest logged interaction; kept by the contact log."),
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("name", "municipality", config="dutch"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = TenantOwnedManager.from_queryset(OrganisationQuerySet)()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="organisation_name_per_tenant"),
            models.UniqueConstraint(
                fields=["tenant", "kvk_number"],
                condition=~Q(kvk_number=""),
                name="organisation_kvk_per_tenant",
            ),
            models.UniqueConstraint(
                fields=["tenant", "brin_code"],
                condition=~Q(brin_code=""),
                name="organisation_brin_per_tenant",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "kind", "name"], name="organisation_kind_idx"),
            models.Index(fields=["tenant", "municipality"], name="organisation_municipality_idx"),
            models.Index(
                fields=["tenant", "status", "last_contact_on"], name="organisation_status_idx"
            ),
            models.Index(fields=["tenant", "last_contact_on"], name="organisation_contact_idx"),
            GinIndex(fields=["search_vector"], name="organisation_search_idx"),
            GinIndex(fields=["education_levels"], name="organisation_levels_idx"),
            GinIndex(fields=["tags"], name="organisation_tags_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(TenantOwned):
    """A person at an organisation. Personal data: kept on a lawful basis, erasable."""

    class LawfulBasis(models.TextChoices):
        LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
        CONSENT = "consent", _("Consent")
        CONTRACT = "contract", _("Contract or agreement")

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")
        GERMAN = "de", _("German")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=150)
    function = models.CharField(_("function"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    is_ambassador = models.BooleanField(
        _("ambassador"), default=False, help_text=_("Part of the partnership's ambassador network.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    lawful_basis = models.CharField(
        _("lawful basis"),
        max_length=30,
        choices=LawfulBasis.choices,
        default=LawfulBasis.LEGITIMATE_INTEREST,
    )
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["tenant", "organisation", "name"], name="contact_org_idx"),
            models.Index(fields=["tenant", "email"], name="contact_email_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Interaction(TenantOwned):
    """One entry of the contact log: who spoke with whom, when, about what, and what's next."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        PHONE = "phone", _("Phone call")
        EMAIL = "email", _("E-mail")
        COMPANY_VISIT = "company_visit", _("Company visit")
        SCHOOL_VISIT = "school_visit", _("School visit")
        EVENT = "event", _("Event")
        GUEST_LESSON = "guest_lesson", _("Guest lesson")
        STAGE_VISIT = "stage_visit", _("Stage visit")
        OTHER = "other", _("Other")

    class Visibility(models.TextChoices):
        OWN = "own", _("Own organisation only")
        PARTNERSHIP = "partnership", _("Whole partnership")

    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    logged_by = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="logged_interactions",
        verbose_name=_("logged by"),
        help_text=_("The organisation (usually the school) that keeps this log entry."),
    )
    organisations = models.ManyToManyField(
        Organisation, related_name="interactions", verbose_name=_("with organisations")
    )
    contacts = models.ManyToManyField(
        Contact, related_name="interactions", verbose_name=_("with contacts"), blank=True
    )
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.PARTNERSHIP
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up by"),
    )
    follow_up_done_at = models.DateTimeField(_("follow-up done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    objects = TenantOwnedManager.from_queryset(InteractionQuerySet)()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-occurred_on"], name="interaction_date_idx"),
            models.Index(
                fields=["tenant", "logged_by", "-occurred_on"], name="interaction_logged_by_idx"
            ),
            models.Index(
                fields=["tenant", "follow_up_assignee", "follow_up_on"],
                condition=Q(follow_up_on__isnull=False, follow_up_done_at__isnull=True),
                name="interaction_follow_up_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_on is not None and self.follow_up_done_at is None


class Agreement(TenantOwned):
    """A covenant, partnership contract, stage framework or sponsoring deal, with its PDF."""

    class Kind(models.TextChoices):
        COVENANT = "covenant", _("Covenant")
        PARTNERSHIP = "partnership", _("Partnership agreement")
        STAGE_FRAMEWORK = "stage_framework", _("Framework for stages")
        SPONSORING = "sponsoring", _("Sponsoring")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        TERMINATED = "terminated", _("Terminated")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    parties = models.ManyToManyField(
        Organisation, related_name="agreements", verbose_name=_("parties")
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    document = models.FileField(_("document (PDF)"), upload_to="agreements/%Y/", blank=True)
    remind_days_before_end = models.PositiveSmallIntegerField(
        _("reminder (days before the end)"), default=60
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["tenant", "ends_on"], name="agreement_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PartnershipSettings(TenantOwned):
    """Per-tenant settings of the CRM."""

    dormant_after_months = models.PositiveSmallIntegerField(
        _("dormant after (months without contact)"), default=12
    )

    class Meta:
        verbose_name = _("CRM settings")
        verbose_name_plural = _("CRM settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="partnership_settings_one_per_tenant"),
        ]


class CalendarFeed(TenantOwned):
    """A personal, revocable iCal feed of a member's follow-ups. Only the token's hash is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active",
            ),
        ]


class ImportJob(TenantOwned):
    """One upload of organisations and contacts from a CSV or XLSX file.

    The file itself is not kept: it is read once, on upload, into ``raw_rows`` (the cells of
    each row under the field they map to). Checking turns those into ``ImportRow``s with
    their errors and likely duplicates, the preview shows them, and the commit writes
    everything or nothing. Large files are checked and committed by a Celery task
    (``partnerships.tasks.import_run``) that reports ``processed_rows`` as it goes.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded, being checked")
        PREVIEWED = "previewed", _("Checked, waiting for your decision")
        QUEUED = "queued", _("Waiting to be imported")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=40, blank=True)
    columns = models.JSONField(
        _("columns"),
        default=list,
        blank=True,
        help_text=_("Each column of the file with the field it was recognised as (or none)."),
    )
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    raw_rows = models.JSONField(
        default=list,
        blank=True,
        help_text=_("The rows as read from the file, until they are checked."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    duplicate_rows = models.PositiveIntegerField(_("likely duplicates"), default=0)
    counts = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = TenantOwnedManager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="importjob_tenant_idx")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def in_progress(self) -> bool:
        """Whether a worker is (or will be) busy with it: the page keeps polling."""
        return self.status in {self.Status.UPLOADED, self.Status.QUEUED, self.Status.RUNNING}

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ImportRow(TenantOwned):
    """One row of an import file, checked: its values, errors, likely duplicates and the
    decision taken about it (create, merge into an existing organisation, or skip)."""

    class Decision(models.TextChoices):
        CREATE = "create", _("Create")
        MERGE = "merge", _("Merge")
        SKIP = "skip", _("Skip")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row"), help_text=_("The line in the file."))
    values = models.JSONField(_("values"), default=dict, help_text=_("As in the file."))
    cleaned = models.JSONField(default=dict, help_text=_("As they will be saved."))
    errors = models.JSONField(_("errors"), default=list, blank=True)
    candidates = models.JSONField(
        _("likely duplicates"),
        default=list,
        blank=True,
        help_text=_("Existing organisations this row probably describes, best match first."),
    )
    same_as_number = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("An earlier row of the file with the same organisation."),
    )
    has_errors = models.BooleanField(default=False)
    is_duplicate = models.BooleanField(default=False)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.CREATE
    )
    merge_into = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merge into"),
    )

    objects = TenantOwnedManager()

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="importrow_number_per_job"),
        ]
        indexes = [
            models.Index(fields=["job", "has_errors", "number"], name="importrow_errors_idx"),
            models.Index(fields=["job", "is_duplicate", "number"], name="importrow_duplicate_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job} #{self.number}"
