"""`manage.py roles_sync`: the product's roles as groups with exactly their permissions
(cem_project/roles.py), and giving users a role. `migrate` runs the sync too; this command is
for giving roles and for checking what each role holds."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cem_project.roles import (
    ANALYST,
    EXECUTIVE,
    ROLES,
    groups_seeing_every_account,
    role_assign,
    role_get,
    role_remove,
    roles_sync,
)


class Command(BaseCommand):
    help = (
        "Creates or updates the product's roles (survey designer, analyst, account team member, "
        "specialist, general manager, executive, integration) as groups holding exactly their "
        "permissions, and gives or removes a user's role: --assign USERNAME ROLE."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--assign",
            nargs=2,
            action="append",
            default=[],
            metavar=("USERNAME", "ROLE"),
            help="Give USERNAME the role ROLE (its key, e.g. account_team_member, or group "
            "name); makes the user staff. Repeatable.",
        )
        parser.add_argument(
            "--remove",
            nargs=2,
            action="append",
            default=[],
            metavar=("USERNAME", "ROLE"),
            help="Take the role ROLE from USERNAME. Repeatable.",
        )

    def handle(self, *args, **options):
        groups = roles_sync()
        User = get_user_model()
        for verb, pairs in (("assign", options["assign"]), ("remove", options["remove"])):
            for username, role_name in pairs:
                try:
                    role = role_get(role_name)
                except KeyError:
                    keys = ", ".join(r.key for r in ROLES)
                    raise CommandError(f"Unknown role {role_name!r}; one of: {keys}") from None
                user = User.objects.filter(username=username).first()
                if user is None:
                    raise CommandError(f"No user {username!r}.")
                if verb == "assign":
                    role_assign(user=user, role=role.key)
                    self.stdout.write(f"{username}: now {role.name}")
                else:
                    role_remove(user=user, role=role.key)
                    self.stdout.write(f"{username}: no longer {role.name}")
        for role in ROLES:
            group = groups[role.key]
            members = ", ".join(
                group.user_set.order_by("username").values_list("username", flat=True)
            )
            self.stdout.write(
                f"{role.key:<20} {role.name:<22} {len(role.permissions):>3} permissions  "
                f"{members or '-'}"
            )
        allowed = {r.name for r in ROLES if r.key in (ANALYST, EXECUTIVE)}
        others = [name for name in groups_seeing_every_account() if name not in allowed]
        if others:
            self.stderr.write(
                self.style.WARNING(
                    "These groups see every account though they are not the analyst or "
                    f"executive role: {', '.join(others)}"
                )
            )
