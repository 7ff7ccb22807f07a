from celery import shared_task
from django.core.management import call_command


@shared_task(name="core.tasks.ping")
def ping() -> str:
    """Round-trip check used by the health test and operators."""
    return "pong"


@shared_task(name="core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    call_command("clearsessions")
