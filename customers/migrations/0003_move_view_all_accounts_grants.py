"""The see-everything permission is renamed from `view_all_accounts` (which every
`codename.startswith("view_")` rule picked up by accident) to `scope_all_accounts`. Existing
grants, to groups and to users, move to the new permission; the old one is deleted."""

from django.conf import settings
from django.db import migrations

OLD, NEW = "view_all_accounts", "scope_all_accounts"
NEW_NAME = "Sees every account"


def _move(apps, source: str, target: str, target_name: str) -> None:
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    old = Permission.objects.filter(content_type__app_label="customers", codename=source).first()
    if old is None:  # a fresh database: permissions are created after migrating
        return
    new, _created = Permission.objects.get_or_create(
        content_type=old.content_type, codename=target, defaults={"name": target_name}
    )
    for group in Group.objects.filter(permissions=old):
        group.permissions.add(new)
    for user in User.objects.filter(user_permissions=old):
        user.user_permissions.add(new)
    old.delete()


def forwards(apps, schema_editor) -> None:
    _move(apps, OLD, NEW, NEW_NAME)


def backwards(apps, schema_editor) -> None:
    _move(apps, NEW, OLD, "Can see every account's data")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_general_managers_scope_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
