"""The token pages: the list (last used, uses), a new token (its secret shown once) and
revoking one. A programme manager handles the staff's tokens, an admin the partner
organisations'."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import get_or_404, require
from core.api.forms import TokenForm
from core.api.tokens import can_manage_tokens, token_create, token_revoke, tokens_visible_to
from core.forms import add_service_errors
from core.pagination import paginate
from core.security.mfa import step_up


@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, tokens_visible_to(request.user))
    return render(request, "core/api_tokens.html", {"page": page})


@step_up
def token_new(request: HttpRequest) -> HttpResponse:
    require(can_manage_tokens(request.user))
    form = TokenForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = token_create(
                by=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_on=form.cleaned_data["expires_on"],
                user=form.cleaned_data.get("user"),
                partner_organisation=form.cleaned_data.get("partner_organisation"),
                allowed_ips=form.addresses(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Shown once, in this response: never stored, never redirected to.
            return render(request, "core/api_token_secret.html", {"token": token, "secret": secret})
    return render(request, "core/api_token_form.html", {"form": form})


@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_or_404(tokens_visible_to(request.user), pk)
    token_revoke(token=token, by=request.user)
    messages.success(request, _("The token was revoked: it no longer opens the API."))
    return redirect("api_tokens")
