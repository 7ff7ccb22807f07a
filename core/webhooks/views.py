"""The webhooks' pages: the endpoints a user manages, register / change / delete one, its
secret (shown once), and its delivery log with a manual retry. Access first
(``access.endpoint_for_user``: 403 for a role without webhooks, 404 for another owner's),
then a service or a read, then render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import require
from core.forms import add_service_errors, service_error_text
from core.pagination import paginate
from core.webhooks import access, services
from core.webhooks.events import EVENTS
from core.webhooks.forms import EndpointForm
from core.webhooks.models import WebhookAttempt

SECRET_SESSION_KEY = "sanad_webhook_secret_{pk}"  # noqa: S105 (a session key name)


def _show_secret_once(request, endpoint, secret: str) -> HttpResponse:
    request.session[SECRET_SESSION_KEY.format(pk=endpoint.pk)] = secret
    return redirect("webhooks:endpoint_detail", pk=endpoint.pk)


@require_GET
def endpoint_list(request: HttpRequest) -> HttpResponse:
    endpoints = access.endpoints_visible_to(request.user).order_by("partner__acronym", "pk")
    return render(
        request,
        "core/webhooks/endpoint_list.html",
        {"page": paginate(request, endpoints), "can_create": bool(access.owners_for(request.user))},
    )


def endpoint_create(request: HttpRequest) -> HttpResponse:
    require(access.may_use_webhooks(request.user))
    owners = access.owners_for(request.user)
    require(bool(owners))
    form = EndpointForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(
                by=request.user,
                partner=form.partner,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Endpoint registered."))
            return _show_secret_once(request, endpoint, secret)
    return render(
        request,
        "core/webhooks/endpoint_form.html",
        {"form": form, "endpoint": None},
        status=400 if form.errors else 200,
    )


@require_GET
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The endpoint and its delivery log, newest first (each delivery with its attempts)."""
    endpoint = access.endpoint_for_user(request.user, pk)
    deliveries = endpoint.deliveries.select_related("event").prefetch_related(
        Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number", "pk"))
    )
    secret = request.session.pop(SECRET_SESSION_KEY.format(pk=endpoint.pk), None)
    context = {
        "endpoint": endpoint,
        "events": [EVENTS[name] for name in endpoint.events if name in EVENTS],
        "page": paginate(request, deliveries),
        "secret": secret,
        "can_manage": access.can_manage_endpoint(request.user, endpoint),
    }
    return render(request, "core/webhooks/endpoint_detail.html", context)


def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = access.endpoint_for_user(request.user, pk)
    form = EndpointForm(request.POST or None, endpoint=endpoint)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(endpoint=endpoint, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Endpoint saved."))
            return redirect("webhooks:endpoint_detail", pk=endpoint.pk)
    return render(
        request,
        "core/webhooks/endpoint_form.html",
        {"form": form, "endpoint": endpoint},
        status=400 if form.errors else 200,
    )


@require_POST
def endpoint_secret(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = access.endpoint_for_user(request.user, pk)
    secret = services.endpoint_rotate_secret(endpoint=endpoint, by=request.user)
    messages.success(request, _("A new secret was made: the old one no longer signs."))
    return _show_secret_once(request, endpoint, secret)


def endpoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = access.endpoint_for_user(request.user, pk)
    if request.method == "POST":
        services.endpoint_delete(endpoint=endpoint, by=request.user)
        messages.success(request, _("Endpoint deleted."))
        return redirect("webhooks:endpoint_list")
    return render(request, "core/webhooks/endpoint_delete.html", {"endpoint": endpoint})


@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = access.delivery_for_user(request.user, pk)
    try:
        services.delivery_retry(delivery=delivery, by=request.user)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The delivery will be sent again."))
    return redirect("webhooks:endpoint_detail", pk=delivery.endpoint_id)
