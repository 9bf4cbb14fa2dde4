"""`manage.py seed_demo`: every app's demo rows, driven by insights/demo.py. The command lives in
insights because that is the one app that may depend on all the others."""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from customers.demo import DEMO_PASSWORD_DEFAULT, EVENT_ACCOUNT
from insights.demo import demo_mail_location, demo_seed
from surveys.demo import READY_ACCOUNTS


class Command(BaseCommand):
    help = (
        "Seeds the HiTouch demo: four vertical markets, ~40 accounts with contacts, a corridor "
        "of touch points, one live survey of each kind and a year of answers. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo data first, then seed it anew."
        )
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT),
            help="Password of the demo staff users (default: $DEMO_PASSWORD or 'cem-demo').",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the demo creates a superuser with a known password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates a superuser with a known password and DEBUG is off; "
                "pass --force if this really is a demo or test database."
            )
        started = time.monotonic()
        summary = demo_seed(
            password=options["password"], reset=options["reset"], seed=options["seed"]
        )
        elapsed = time.monotonic() - started
        if summary.created_activity:
            self.stdout.write(self.style.SUCCESS(f"Demo data created in {elapsed:.1f} s:"))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data already present, nothing added ({elapsed:.1f} s):")
            )
        self.stdout.write(
            f"  {summary.verticals} vertical markets, {summary.accounts} accounts "
            f"({summary.customers} customers and {EVENT_ACCOUNT[0]} for the event below), "
            f"{summary.contacts} contacts, {summary.surveys} live surveys\n"
            f"  {summary.invitations} invitations, {summary.responses} responses, "
            f"{summary.answers} answers"
        )
        if summary.cases is not None:
            self.stdout.write(
                f"  {summary.cases.rules} alert rules; cases: {summary.cases.open} open "
                f"({summary.cases.overdue} overdue), {summary.cases.resolved} resolved, "
                f"{summary.cases.closed} closed "
                f"at {settings.SITE_URL}/cases/ (specialists: sp.installation, sp.callcenter)"
            )
        self.stdout.write(
            f"\nStaff login:  {settings.SITE_URL}/admin/\n"
            f"  user: admin     password: {summary.password}\n"
            f"  also gm.healthcare, am.olivia, analyst, executive, designer, ... (same password;\n"
            f"  each has one role and sees its accounts: README, Roles)\n"
            f"Survey mails: {demo_mail_location()}\n"
            "Accounts quiet for six weeks, whose contacts a send by hand invites at once:\n"
            f"  {', '.join(READY_ACCOUNTS)}\n"
            "  (most other contacts had a link within 30 days: the send page shows them skipped)\n"
            f"Action plans: {settings.SITE_URL}/action-plans/ ({summary.plans} published by this "
            "run; each key contact's link /p/<token>/ is mailed like the survey mails)"
        )
        if summary.event_contacts:
            self.stdout.write(
                "\nA touch-point event becomes an invitation mail at once (call-center survey):\n"
                f"  TOKEN=$(curl -s -d username=admin -d password={summary.password} "
                f"{settings.SITE_URL}/api/v1/auth/token/ | python3 -c "
                "'import json,sys; print(json.load(sys.stdin)[\"token\"])')\n"
                f'  curl -H "Authorization: Token $TOKEN" -H "Content-Type: application/json" '
                f'{settings.SITE_URL}/api/v1/events/ -d \'{{"contact": '
                f'"{summary.event_contacts[0]}", "account": "{EVENT_ACCOUNT[0]}", '
                '"touch_point": "call-center", "external_id": "CALL-1", '
                '"occurred_at": "\'"$(date -u +%FT%TZ)"\'", '
                '"attributes": {"agent": "Kim"}}\'\n'
                f"  (fresh contacts for this: {', '.join(summary.event_contacts)}; "
                "each gets at most one invitation per 7 days)"
            )
