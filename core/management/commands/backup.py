"""``manage.py backup --to DIR``: the database, the media folders and a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format, or the SQLite file), the public and private "
        "media folders, and a manifest with checksums and the migration state, into a new folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="A new (or empty) folder for this backup.")

    def handle(self, *args, **options):
        try:
            outcome = backup(options["to"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up {outcome.tables} tables ({outcome.rows} rows) and {outcome.files} files into {outcome.path}"
        )
