"""The roles as data: the table of cem_project/roles.py, the groups `migrate` and `roles_sync`
keep in step with it, the see-everything permission that no pattern can grant, and the
migration that moved its old grants."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from cem_project import roles
from cem_project.roles import ANALYST, EXECUTIVE, ROLES, ROLES_BY_KEY, roles_sync
from customers.models import Account
from customers.querysets import SEES_EVERY_ACCOUNT
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

APP_LABEL, CODENAME = SEES_EVERY_ACCOUNT.split(".")
DEFAULT_PREFIXES = ("add_", "change_", "delete_", "view_")


def _held(group: Group) -> set[str]:
    return {
        f"{app}.{code}"
        for app, code in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_migrate_leaves_every_role_as_a_group_with_exactly_its_permissions():
    # The test database was made by migrate: no sync has run in this test.
    for role in ROLES:
        group = Group.objects.get(name=role.name)
        assert _held(group) == set(role.permissions), role.key


def test_only_the_analyst_and_executive_roles_see_every_account():
    assert {r.key for r in ROLES if SEES_EVERY_ACCOUNT in r.permissions} == {ANALYST, EXECUTIVE}


def test_no_group_but_the_analysts_and_executives_holds_the_see_everything_permission():
    roles_sync()
    allowed = {ROLES_BY_KEY[ANALYST].name, ROLES_BY_KEY[EXECUTIVE].name}

    assert set(roles.groups_seeing_every_account()) == allowed


def test_the_see_everything_permission_matches_no_pattern_of_the_default_permissions():
    permission = Permission.objects.get(content_type__app_label=APP_LABEL, codename=CODENAME)

    assert not CODENAME.startswith(DEFAULT_PREFIXES)
    for prefix in DEFAULT_PREFIXES:
        assert permission not in Permission.objects.filter(codename__startswith=prefix)
    assert not Permission.objects.filter(codename="view_all_accounts").exists()
    # A seed granting "everything one may view" cannot make a team see every account.
    group = Group.objects.create(name="Everything viewable")
    group.permissions.set(Permission.objects.filter(codename__startswith="view_"))
    user = UserFactory(username="viewer")
    user.groups.add(group)
    mine, _theirs = AccountFactory(), AccountFactory()
    mine.account_team.add(user)
    assert list(Account.objects.visible_to(user)) == [mine]


def test_roles_sync_resets_a_role_to_its_table_and_runs_twice_alike():
    group = Group.objects.get(name=ROLES_BY_KEY["account_team_member"].name)
    group.permissions.add(Permission.objects.get(codename=CODENAME))

    roles_sync()
    first = {g.name: _held(g) for g in Group.objects.all()}
    roles_sync()

    assert SEES_EVERY_ACCOUNT not in _held(group)
    assert {g.name: _held(g) for g in Group.objects.all()} == first


def test_roles_sync_refuses_a_permission_that_does_not_exist(monkeypatch):
    typo = roles.Role("typo", "Typos", "-", "-", ("surveys.view_survay",))
    monkeypatch.setattr(roles, "ROLES", (*ROLES, typo))

    with pytest.raises(ImproperlyConfigured, match="surveys.view_survay"):
        roles.roles_sync()
    assert not Group.objects.filter(name="Typos").exists()


def test_the_command_gives_and_takes_a_role(capsys):
    user = UserFactory(username="bob", is_staff=False)

    call_command("roles_sync", "--assign", "bob", "analyst")
    out = capsys.readouterr().out
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["Analysts"]
    assert "bob" in out and "Executives" in out

    call_command("roles_sync", "--remove", "bob", "Analysts")
    assert not user.groups.exists()


@pytest.mark.parametrize(
    "args, message",
    [(["--assign", "bob", "boss"], "Unknown role"), (["--assign", "nobody", "analyst"], "No user")],
)
def test_the_command_names_an_unknown_role_or_user(args, message):
    UserFactory(username="bob")

    with pytest.raises(CommandError, match=message):
        call_command("roles_sync", *args)


def test_the_command_warns_about_another_group_seeing_every_account(capsys):
    Group.objects.create(name="Interns").permissions.add(Permission.objects.get(codename=CODENAME))

    call_command("roles_sync")

    assert "Interns" in capsys.readouterr().err


def _migration():
    return importlib.import_module("customers.migrations.0003_move_view_all_accounts_grants")


def test_the_migration_moves_grants_of_the_old_permission_and_deletes_it():
    content_type = ContentType.objects.get_for_model(Account)
    Permission.objects.filter(codename=CODENAME).delete()  # as before the migration
    old = Permission.objects.create(
        content_type=content_type, codename="view_all_accounts", name="Can see every account"
    )
    group = Group.objects.create(name="Old analysts")
    group.permissions.add(old)
    user = UserFactory(username="old-analyst")
    user.user_permissions.add(old)

    _migration().forwards(apps, schema_editor=None)

    new = Permission.objects.get(content_type=content_type, codename=CODENAME)
    assert list(group.permissions.all()) == [new]
    assert list(user.user_permissions.all()) == [new]
    assert not Permission.objects.filter(codename="view_all_accounts").exists()

    _migration().backwards(apps, schema_editor=None)
    assert group.permissions.get().codename == "view_all_accounts"
