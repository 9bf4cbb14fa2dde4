"""The product's roles: one table, each role a `Group` with an explicit list of permissions.

What a role may *do* is its permissions, listed here by name (never by a pattern such as
`codename.startswith("view_")`). Which *accounts* its users see is the one rule of
`customers.querysets` (`Account.objects.visible_to`): the accounts a user serves (account team,
named general manager, general manager of the vertical market), or every account for holders of
`SEES_EVERY_ACCOUNT`, which only the analyst and executive roles list.

`roles_sync()` makes each role's group hold exactly the permissions below. It runs after every
`manage.py migrate` (`roles_after_migrate`, connected by the insights app, which may know every
app) and as `manage.py roles_sync`, which also gives users a role. Custom rights belong in a
group of your own: the product's groups are reset to this table.

Apps that add models (cases, action plans) append their permission names to the roles here;
an unknown name stops `roles_sync` with an error rather than being skipped.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from customers.querysets import REPORTS_EVENTS_FOR_EVERY_ACCOUNT, SEES_EVERY_ACCOUNT

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL = (ADD, CHANGE, DELETE, VIEW)


def perms(app_label: str, *models: str, actions: tuple[str, ...] = (VIEW,)) -> tuple[str, ...]:
    """Permission names: perms("surveys", "survey", actions=ALL) -> ("surveys.add_survey", ...)."""
    return tuple(f"{app_label}.{action}_{model}" for model in models for action in actions)


@dataclass(frozen=True)
class Role:
    key: str  # stable, for code and the command line
    name: str  # the Group's name
    sees: Promise
    does: Promise
    permissions: tuple[str, ...]


# ------------------------------------------------------------------ permission sets

REFERENCE = perms("customers", "verticalmarket", "touchpoint")
CRM = perms("customers", "account", "accountrevenue", "contact", "touchpointevent")
DEFINITIONS = perms("surveys", "survey", "question", "choice")
PROGRAMMES = perms("surveys", "relationshipprogramme", "wave")
SENDS = perms("surveys", "distribution", "invitation")
ANSWERS = perms("surveys", "response", "answer")
RESEARCH = perms("surveys", "inquiry")
# Everything of an account a user serves, read-only.
ACCOUNT_WORK = (*REFERENCE, *CRM, *DEFINITIONS, *PROGRAMMES, *SENDS, *ANSWERS, *RESEARCH)
# The teams' own expectation of each account's score before a wave (the perception gap).
PREDICTIONS = perms("insights", "prediction", actions=ALL)
# Cases (insights.cases): reading them and their rules; working the ones that are one's own
# (which ones: insights.cases.querysets); designing the rules.
CASES_READ = perms(
    "cases", "case", "caseevent", "casereply", "alertrule", "alertcondition", "replytemplate"
)
CASES_WORK = (*CASES_READ, "cases.change_case")
RULES_DESIGN = perms("cases", "alertrule", "alertcondition", "replytemplate", actions=ALL)
# Action plans (insights.plans): writing them, and reading targets and the monthly reviews.
PLAN_WORK = perms("plans", "actionplan", actions=(ADD, CHANGE, VIEW))
PLAN_READING = perms("plans", "actionplan", "experiencetarget", "report")

# ------------------------------------------------------------------ the roles

SURVEY_DESIGNER = "survey_designer"
ANALYST = "analyst"
ACCOUNT_TEAM_MEMBER = "account_team_member"
SPECIALIST = "specialist"
GENERAL_MANAGER = "general_manager"
EXECUTIVE = "executive"
INTEGRATION = "integration"

ROLES: tuple[Role, ...] = (
    Role(
        key=SURVEY_DESIGNER,
        name="Survey designers",
        sees=_(
            "Surveys, programmes, segments and touch points; the data of the accounts they serve."
        ),
        does=_(
            "Build surveys (questions, translations, schedules, audiences), relationship "
            "programmes and pulse segments, send them, keep the touch points of the corridor, "
            "import events from CSV, record inquiries."
        ),
        permissions=(
            *perms("customers", "touchpoint", actions=ALL),
            *perms("customers", "verticalmarket", "account", "contact", "touchpointevent"),
            # The CSV import of events, for every account as a source system would.
            "customers.add_touchpointevent",
            REPORTS_EVENTS_FOR_EVERY_ACCOUNT,
            *perms("surveys", "question", "choice", "surveytranslation", actions=ALL),
            *perms("surveys", "survey", "relationshipprogramme", actions=(ADD, CHANGE, VIEW)),
            *perms("surveys", "wave", "distribution", actions=(ADD, CHANGE, VIEW)),
            *perms("surveys", "pulsesegment", "inquiry", actions=ALL),
            *perms("surveys", "invitation", "response", "answer"),
            *RULES_DESIGN,
        ),
    ),
    Role(
        key=ANALYST,
        name="Analysts",
        sees=_("Every account: results, responses, contacts, sends."),
        does=_("Read only."),
        permissions=(
            *ACCOUNT_WORK,
            *perms("surveys", "surveytranslation", "pulsesegment"),
            *perms("insights", "prediction"),
            *CASES_READ,
            *PLAN_READING,
            SEES_EVERY_ACCOUNT,
        ),
    ),
    Role(
        key=ACCOUNT_TEAM_MEMBER,
        name="Account team members",
        sees=_(
            "The accounts whose account team they are on: results, responses, contacts, sends, "
            "cases, action plans."
        ),
        does=_(
            "Work the cases of their accounts; record their predicted scores before a wave; "
            "write and share their accounts' action plans."
        ),
        permissions=(*ACCOUNT_WORK, *PREDICTIONS, *CASES_WORK, *PLAN_WORK, *PLAN_READING),
    ),
    Role(
        key=SPECIALIST,
        name="Specialists",
        sees=_("What is routed to them (cases); surveys and touch points."),
        does=_("Work the cases routed to them."),
        permissions=(*REFERENCE, *DEFINITIONS, *CASES_WORK),
    ),
    Role(
        key=GENERAL_MANAGER,
        name="General managers",
        sees=_(
            "The accounts of the vertical markets they manage and those where they are the "
            "named general manager."
        ),
        does=_(
            "Work the cases of those accounts and those escalated to them; record their "
            "predicted scores before a wave; write and share their accounts' action plans, set "
            "experience targets, retry a failed monthly review."
        ),
        permissions=(
            *ACCOUNT_WORK,
            *PREDICTIONS,
            *CASES_WORK,
            *PLAN_WORK,
            *PLAN_READING,
            *perms("plans", "experiencetarget", actions=(ADD, CHANGE, VIEW)),
            "plans.change_report",
        ),
    ),
    Role(
        key=EXECUTIVE,
        name="Executives",
        sees=_(
            "Every account, in aggregate: results, the customer matrix, waves, revenue; no "
            "contacts, invitations or individual responses."
        ),
        does=_("Read only."),
        permissions=(
            *REFERENCE,
            *perms("customers", "account", "accountrevenue"),
            *DEFINITIONS,
            *PROGRAMMES,
            "surveys.view_distribution",
            *perms("insights", "prediction"),
            *perms("plans", "experiencetarget", "report"),
            SEES_EVERY_ACCOUNT,
        ),
    ),
    Role(
        key=INTEGRATION,
        name="Integrations",
        sees=_("Nothing but touch points."),
        does=_(
            "Report touch-point events from a source system (POST /api/v1/events/) for every "
            "account."
        ),
        permissions=(
            "customers.view_touchpoint",
            "customers.add_touchpointevent",
            REPORTS_EVENTS_FOR_EVERY_ACCOUNT,
        ),
    ),
)

ROLES_BY_KEY: dict[str, Role] = {role.key: role for role in ROLES}


def role_get(key_or_name: str) -> Role:
    """The role with this key ("account_team_member") or group name ("Account team members")."""
    for role in ROLES:
        if key_or_name in (role.key, role.name):
            return role
    raise KeyError(key_or_name)


# ------------------------------------------------------------------ keeping groups in step


def _permissions_by_name(names: set[str], using: str) -> dict[str, Permission]:
    app_labels = {name.partition(".")[0] for name in names}
    codenames = {name.partition(".")[2] for name in names}
    found = (
        Permission.objects.using(using)
        .filter(content_type__app_label__in=app_labels, codename__in=codenames)
        .select_related("content_type")
    )
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in found}
    missing = sorted(names - by_name.keys())
    if missing:
        raise ImproperlyConfigured(
            "cem_project/roles.py names permissions that do not exist: " + ", ".join(missing)
        )
    return by_name


@transaction.atomic
def roles_sync(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, Group]:
    """Each role's group, created if missing, holding exactly the role's permissions."""
    wanted = {name for role in ROLES for name in role.permissions}
    by_name = _permissions_by_name(wanted, using)
    groups = {}
    for role in ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role.name)
        group.permissions.set([by_name[name] for name in role.permissions])
        groups[role.key] = group
    return groups


def role_group(key: str) -> Group:
    """The group of a role, synchronised first if it does not exist yet."""
    role = ROLES_BY_KEY[key]
    group = Group.objects.filter(name=role.name).first()
    return group if group is not None else roles_sync()[key]


@transaction.atomic
def role_assign(*, user, role: str) -> Group:
    """Gives `user` the role (a staff user: roles are for staff)."""
    group = role_group(role)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)
    return group


def role_remove(*, user, role: str) -> None:
    user.groups.remove(role_group(role))


def groups_seeing_every_account() -> list[str]:
    """Names of the groups holding SEES_EVERY_ACCOUNT (for the check that only the analyst and
    executive roles do)."""
    app_label, _dot, codename = SEES_EVERY_ACCOUNT.partition(".")
    return sorted(
        Group.objects.filter(
            permissions__content_type__app_label=app_label, permissions__codename=codename
        ).values_list("name", flat=True)
    )


def roles_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: every app's permissions exist (created here if this runs before an app's
    own handler did), then the groups follow the table."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_sync(using=using)
