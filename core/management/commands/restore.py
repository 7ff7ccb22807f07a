"""``manage.py restore --from DIR [--force]``: a backup made by ``manage.py backup``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured database and media folders: checksums verified first, an "
        "empty target required unless --force, migrations newer than the backup applied after."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, type=Path, help="The backup's folder.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database and media folders that are not empty."
        )

    def handle(self, *args, **options):
        try:
            outcome = restore(options["source"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {outcome.tables} tables ({outcome.rows} rows) and {outcome.files} files from {outcome.path}"
        )
        if outcome.migrated:
            self.stdout.write(f"Applied {len(outcome.migrated)} migrations newer than the backup.")
