from django.core.management.base import BaseCommand, CommandError

from insights import rollup


class Command(BaseCommand):
    help = (
        "Extend the daily metric rollup (PostgreSQL) to the start of today; run daily. "
        "--rebuild recomputes it from every answer and response."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args, rebuild: bool = False, **options):
        if not rollup.enabled():
            raise CommandError("The metric rollup needs PostgreSQL.")
        through, rebuilt = rollup.refresh(rebuild=rebuild)
        verb = "Rebuilt" if rebuilt else "Extended"
        self.stdout.write(f"{verb} the metric rollup through {through.isoformat()}.")
