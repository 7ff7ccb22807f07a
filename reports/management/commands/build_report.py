"""Build a partner report from the command line, with the same code as the Celery task.

python manage.py build_report programme --start 2018-02-01 --end 2020-01-31 --format json
"""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from reports.generators import reports
from reports.rendering import FORMATS
from reports.services import build_report_bytes


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Build a report (programme, unhcr, ministry, anapec, donor) for a period and print or save it."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--start", required=True)
        parser.add_argument("--end", required=True)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--lang", choices=("ar", "fr", "en"), default=None)
        parser.add_argument("--output", default=None, help="File to write (default: standard output).")
        parser.add_argument("--partner", default=None, help="Partner code (required for the donor report).")

    def handle(self, *args, **options):
        if options["code"] not in reports:
            raise CommandError(f"unknown report {options['code']}; one of {', '.join(g.code for g in reports.all())}")
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError("--end is before --start")
        try:
            content = build_report_bytes(
                code=options["code"],
                start=start,
                end=end,
                fmt=options["format"],
                lang=options["lang"],
                partner=options["partner"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["output"]:
            with open(options["output"], "wb") as fh:
                fh.write(content)
            self.stdout.write(f"wrote {options['output']} ({len(content)} bytes)")
        elif options["format"] in ("json", "csv"):
            self.stdout.write(content.decode().lstrip("\ufeff"))
        else:
            sys.stdout.buffer.write(content)
