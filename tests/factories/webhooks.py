"""Webhook endpoints made through the service (its secret returned with it)."""

from core.webhooks.services import endpoint_create


def endpoint(by, url: str, events: list[str], partner=None):
    """``(endpoint, secret)``: ``by`` must be allowed to register it."""
    return endpoint_create(by=by, partner=partner, url=url, events=events)
