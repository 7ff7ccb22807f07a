"""Celery tasks of the registry: thin and idempotent."""

from celery import shared_task

from refugees import importing


@shared_task(name="refugees.tasks.discard_abandoned_imports")
def discard_abandoned_imports() -> int:
    """Delete the import files uploaded for a preview and never confirmed (see the setting
    REFUGEE_IMPORT_UPLOAD_MAX_AGE_HOURS). Running it twice deletes nothing more."""
    return importing.discard_abandoned_uploads()
