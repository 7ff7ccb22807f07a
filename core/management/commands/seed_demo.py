"""Fill the database with a living demo programme (idempotent: run it again safely).

Core creates offices and demo users for every role; then each app's ``demo.seed()``
adds its part, in layering order (refugees, projects, funding, reports).
"""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import demo as core_demo
from core.models import Office, PartnerOrganisation
from core.reference_data import load_reference_data
from core.roles import Role

APP_SEEDERS = ["refugees", "projects", "funding", "reports"]


class Command(BaseCommand):
    help = "Create demo offices, users for every role, and a demo programme."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiply the synthetic volume (benchmarks).")
        parser.add_argument("--quiet-accounts", action="store_true", help="Do not print the demo accounts.")

    def handle(self, *args, **options):
        # The demo accounts have a published password: never in production. A public demo
        # server runs SANAD_ENV=demo (production's protections, the demo allowed).
        if settings.PRODUCTION and not settings.DEMO:
            raise CommandError("seed_demo never runs with SANAD_ENV=production (a demo server uses SANAD_ENV=demo).")
        from core.models import City, PartnerOrganisation, Region

        load_reference_data(Region, City, PartnerOrganisation)
        users = core_demo.seed(stdout=self.stdout, options=options)
        seeded = []
        for label in APP_SEEDERS:
            try:
                module = import_module(f"{label}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{label}.demo":
                    raise
                continue
            module.seed(stdout=self.stdout, options=options)
            seeded.append(module)
        # An app may finish once every app has seeded (funding recomputes its running totals
        # over the ledger rows other apps' demos inserted in bulk).
        for module in seeded:
            if hasattr(module, "after_all_seeded"):
                module.after_all_seeded(stdout=self.stdout, options=options)
        if not options["quiet_accounts"]:
            self.print_accounts(users)

    def print_accounts(self, users) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nDemo accounts (password for all: {core_demo.DEMO_PASSWORD})"))
        # Offices and organisations as stored (their names, "Casablanca", "UNHCR"), not their codes.
        offices = dict(Office.objects.values_list("code", "name_fr"))
        partners = dict(PartnerOrganisation.objects.values_list("code", "acronym"))
        for spec in users:
            scope = (
                offices.get(spec.office, spec.office) if spec.office else partners.get(spec.partner, spec.partner or "")
            )
            self.stdout.write(f"  {spec.username:<20} {Role(spec.role).label!s:<20} {scope}")
        self.stdout.write("Open http://127.0.0.1:8000 and log in.\n")
