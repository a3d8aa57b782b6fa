"""Reads of the agenda board: themes > action lines > actions, filtered, in a constant number
of queries whatever the number of actions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from agenda.models import Action, ActionLine, Theme
from portal.models import Membership, Tenant, User

# A real agenda (ten to fifty actions) fits on one page; a very large one (bench: 2,000) pages.
BOARD_PAGE_SIZE = 50
# What a board row shows; the long texts (descriptions, reasons) stay in the database.
BOARD_ACTION_FIELDS = (
    "title",
    "status",
    "health",
    "priority",
    "action_line__title",
    "action_line__position",
    "action_line__theme__title",
    "action_line__theme__position",
    "owner__full_name",
    "owner__email",
    "owner_organisation__name",
)


@dataclass(frozen=True)
class BoardFilters:
    """What the board is narrowed to; every value comes from the query string (shareable)."""

    owner: User | None = None
    status: str = ""
    health: str = ""
    action_line: ActionLine | None = None

    @property
    def active(self) -> bool:
        return bool(self.owner or self.status or self.health or self.action_line)

    def q(self, prefix: str = "") -> Q:
        """The condition on actions; ``prefix`` reaches them through a relation."""
        values = {
            "owner": self.owner,
            "status": self.status or None,
            "health": self.health or None,
            "action_line": self.action_line,
        }
        return Q(**{prefix + name: value for name, value in values.items() if value is not None})


@dataclass
class LineOutline:
    line: ActionLine
    matching: int


@dataclass
class ThemeOutline:
    theme: Theme
    lines: list[LineOutline] = field(default_factory=list)

    @property
    def matching(self) -> int:
        return sum(line.matching for line in self.lines)


@dataclass
class LineGroup:
    """An action line with the actions of the current page in it."""

    line: ActionLine
    actions: list[Action]


@dataclass
class ThemeGroup:
    theme: Theme
    lines: list[LineGroup]


@dataclass
class Board:
    outline: list[ThemeOutline]
    groups: list[ThemeGroup]
    page: Page
    total: int


def board_actions(*, tenant: Tenant, filters: BoardFilters) -> QuerySet[Action]:
    """The actions on the board, in tree order: theme, line, priority, title."""
    return (
        Action.objects.for_tenant(tenant)
        .filter(filters.q())
        .select_related("action_line__theme", "owner", "owner_organisation")
        .only(*BOARD_ACTION_FIELDS)
        .order_by(
            "action_line__theme__position",
            "action_line__theme__title",
            "action_line__theme_id",
            "action_line__position",
            "action_line__title",
            "action_line_id",
            "priority",
            "title",
            "pk",
        )
    )


def board_outline(*, tenant: Tenant, filters: BoardFilters) -> list[ThemeOutline]:
    """Every theme and line (empty ones too), with how many actions match the filters."""
    themes = {theme.pk: ThemeOutline(theme=theme) for theme in Theme.objects.for_tenant(tenant)}
    matching = Q(actions__tenant=tenant) & filters.q(prefix="actions__")
    lines = (
        ActionLine.objects.for_tenant(tenant)
        .annotate(matching=Count("actions", filter=matching))
        .order_by("position", "title", "pk")
    )
    for line in lines:
        if line.theme_id in themes:
            themes[line.theme_id].lines.append(LineOutline(line=line, matching=line.matching))
    return list(themes.values())


def board_get(*, tenant: Tenant, filters: BoardFilters, page_number: str | int | None) -> Board:
    """The board: the outline of themes and lines, and one page of matching actions grouped
    by theme and line. Five queries, whatever the number of actions."""
    outline = board_outline(tenant=tenant, filters=filters)
    paginator = Paginator(board_actions(tenant=tenant, filters=filters), BOARD_PAGE_SIZE)
    page = paginator.get_page(page_number)
    # The labels in the reader's language, looked up once instead of once per row.
    status_labels = {value: str(label) for value, label in Action.Status.choices}
    health_labels = {value: str(label) for value, label in Action.Health.choices}
    priority_labels = {value: str(label) for value, label in Action.Priority.choices}
    groups: list[ThemeGroup] = []
    for action in page.object_list:
        action.status_label = status_labels.get(action.status, action.status)
        action.health_label = health_labels.get(action.health, action.health)
        action.priority_label = priority_labels.get(action.priority, action.priority)
        line = action.action_line
        if not groups or groups[-1].theme.pk != line.theme_id:
            groups.append(ThemeGroup(theme=line.theme, lines=[]))
        theme_group = groups[-1]
        if not theme_group.lines or theme_group.lines[-1].line.pk != line.pk:
            theme_group.lines.append(LineGroup(line=line, actions=[]))
        theme_group.lines[-1].actions.append(action)
    return Board(outline=outline, groups=groups, page=page, total=paginator.count)


def owner_choices(*, tenant: Tenant) -> QuerySet[User]:
    """The people who own an action of the tenant, for the owner filter."""
    owner_ids = Action.objects.for_tenant(tenant).filter(owner__isnull=False).values("owner_id")
    return User.objects.filter(pk__in=owner_ids).order_by("full_name", "email")


def member_choices(*, tenant: Tenant) -> QuerySet[User]:
    """The tenant's members, who may own an action."""
    member_ids = Membership.objects.for_tenant(tenant).values("user_id")
    return User.objects.filter(pk__in=member_ids, is_active=True).order_by("full_name", "email")
