"""Webhooks: the programme or a partner organisation registers an HTTPS endpoint for
events (``events.EVENTS``); each event is delivered by a Celery task, signed with the
endpoint's secret, retried with a growing delay and recorded in the delivery log
(``docs/api.md``, "Webhooks").

The apps above core report what happened with :func:`core.webhooks.events.event_emit`
(``reports.webhooks``, ``funding.services.visits``), in the transaction that made it so.
"""
