"""Caseworker screens of the registry. Every view starts with the access check."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import require
from core.forms import service_error_text
from core.models import PartnerOrganisation
from core.pagination import querystring_without_page
from core.registry import timeline
from core.roles import is_manager
from core.security.mfa import step_up
from core.storage import serve_private_file
from refugees import importing, services
from refugees.access import (
    can_export_for_partners,
    can_import,
    can_manage_subject_rights,
    can_register_refugee,
    refugee_for_user,
    refugees_visible_to,
)
from refugees.exports import partner_csv, refugee_subject_data, refugee_subject_readable
from refugees.forms import (
    AnonymiseForm,
    ConfirmImportForm,
    ConsentForm,
    ConsentWithdrawForm,
    DocumentForm,
    ImportUploadForm,
    NoteForm,
    RefugeeForm,
)
from refugees.models import Refugee
from refugees.selectors import CANDIDATES_SHOWN, duplicate_candidates, refugee_list_page, refugees_sharing_with
from refugees.timeline import profile_consents, refugee_changes, related_changes, share_queries
from refugees.viewlog import What, log_shown


def refugee_list(request: HttpRequest) -> HttpResponse:
    filterset, page = refugee_list_page(user=request.user, params=request.GET, per_page=settings.PAGINATE_BY)
    log_shown(request, page, what=What.LIST)
    return render(
        request,
        "refugees/list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "querystring": querystring_without_page(request),
            "manager": is_manager(request.user),
        },
    )


def refugee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    refugee = refugee_for_user(request.user, pk)
    log_shown(request, refugee, what=What.PROFILE)
    manager = is_manager(request.user)
    # The cards and the timeline providers (this app's, projects', funding's) fetch the
    # consents, the history and the person's projects once for the whole page.
    share_queries(refugee)
    context = {
        "refugee": refugee,
        "events": timeline.events_for(refugee, request.user),
        "consents": profile_consents(refugee),
        "documents": refugee.documents.select_related("uploaded_by"),
        "note_form": NoteForm(),
        "manager": manager,
        "history": refugee_changes(refugee) if manager else [],
        "related_history": related_changes(refugee) if manager else [],
        "anonymised": refugee.anonymised_at is not None,
        "today": timezone.localdate(),
    }
    return render(request, "refugees/detail.html", context)


def _profile_form(request: HttpRequest, refugee: Refugee | None) -> HttpResponse:
    initial = {"region": request.GET["region"]} if "region" in request.GET else None  # the city chooser
    form = RefugeeForm(request.POST or None, instance=refugee, user=request.user, initial=initial)
    candidates: list[dict] = []
    if request.method == "POST":
        valid = form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})  # an empty POST leaves the form unbound
        # The duplicate check runs with the other checks: a form refused for another reason
        # still shows the probable duplicates of the names and birth date it has (the
        # fields that passed), so the user fixes everything in one go.
        candidates = duplicate_candidates(request.user, data=cleaned, refugee=refugee)
        ids = {c["refugee"].pk for c in candidates}
        confirmed = cleaned.get("confirm_different") and ids <= set(cleaned.get("duplicate_ids", []))
        if valid and (not candidates or confirmed):
            if refugee is None:
                refugee = services.refugee_register(
                    by=request.user, data=form.profile_data(), confirmed_duplicate_ids=ids
                )
                messages.success(request, _("The profile was created."))
            else:
                services.refugee_update(
                    refugee=refugee, by=request.user, data=form.profile_data(), confirmed_duplicate_ids=ids
                )
                messages.success(request, _("The profile was saved."))
            return redirect("refugees:detail", pk=refugee.pk)
        if candidates:
            form.data = form.data.copy()
            form.data["duplicate_ids"] = ",".join(str(i) for i in sorted(ids))
    log_shown(request, refugee, what=What.FORM)
    # The page names the first candidates and counts the rest: only those named are logged.
    shown = candidates[:CANDIDATES_SHOWN]
    log_shown(request, [c["refugee"] for c in shown if c["visible"]], what=What.LIST)
    return render(
        request,
        "refugees/form.html",
        {
            "form": form,
            "refugee": refugee,
            "candidates": candidates,
            "candidates_shown": shown,
            "candidates_more": len(candidates) - len(shown),
            "new_candidate": form.cleaned_data if candidates else None,
        },
        status=200,
    )


def refugee_create(request: HttpRequest) -> HttpResponse:
    require(can_register_refugee(request.user))
    return _profile_form(request, None)


def refugee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    refugee = refugee_for_user(request.user, pk, write=True)
    return _profile_form(request, refugee)


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    refugee = refugee_for_user(request.user, pk, write=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note_add(refugee=refugee, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("The note was added."))
    else:
        for error in form.errors.get("text", []):
            messages.error(request, error)
    return redirect("refugees:detail", pk=refugee.pk)


def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    refugee = refugee_for_user(request.user, pk, write=True)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.consent_record(
            refugee=refugee,
            by=request.user,
            purpose=data["purpose"],
            partner=data.get("partner"),
            given_on=data["given_on"],
            notes=data.get("notes", ""),
        )
        messages.success(request, _("The consent was recorded."))
        return redirect("refugees:detail", pk=refugee.pk)
    log_shown(request, refugee, what=What.FORM)
    return render(request, "refugees/consent_form.html", {"form": form, "refugee": refugee})


def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    refugee = refugee_for_user(request.user, pk, write=True)
    consent = get_object_or_404(refugee.consents, pk=consent_pk, withdrawn_on__isnull=True)
    form = ConsentWithdrawForm(request.POST or None, consent=consent)
    if request.method == "POST" and form.is_valid():
        services.consent_withdraw(consent=consent, by=request.user, on=form.cleaned_data["withdrawn_on"])
        messages.success(request, _("The withdrawal was recorded."))
        return redirect("refugees:detail", pk=refugee.pk)
    log_shown(request, refugee, what=What.FORM)
    return render(request, "refugees/consent_withdraw.html", {"form": form, "refugee": refugee, "consent": consent})


def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    refugee = refugee_for_user(request.user, pk, write=True)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from core.files import sniff_mime

        upload = form.cleaned_data["file"]
        services.document_upload(
            refugee=refugee,
            by=request.user,
            kind=form.cleaned_data["kind"],
            upload=upload,
            content_type=sniff_mime(upload) or "application/octet-stream",
        )
        messages.success(request, _("The document was added."))
        return redirect("refugees:detail", pk=refugee.pk)
    log_shown(request, refugee, what=What.FORM)
    return render(request, "refugees/document_form.html", {"form": form, "refugee": refugee})


def document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    refugee = refugee_for_user(request.user, pk)
    document = get_object_or_404(refugee.documents, pk=doc_pk)
    log_shown(request, refugee, what=What.DOCUMENT)
    return serve_private_file(document.file, download_name=document.original_name)


@require_POST
def document_delete(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    refugee = refugee_for_user(request.user, pk, write=True)
    document = get_object_or_404(refugee.documents, pk=doc_pk)
    services.document_delete(document=document, by=request.user)
    messages.success(request, _("The document was deleted."))
    return redirect("refugees:detail", pk=refugee.pk)


# --- import -----------------------------------------------------------------------------
def refugee_import(request: HttpRequest) -> HttpResponse:
    require(can_import(request.user))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "columns": importing.COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        ext = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
        upload.seek(0)
        result = importing.validate_import(user=request.user, content=upload.file, ext=ext)
        context["result"] = result
        log_shown(request, result.people_named(), what=What.LIST)
        if result.valid:
            token = importing.store_upload(user=request.user, upload=upload, result=result)
            context["confirm_form"] = ConfirmImportForm(initial={"token": token})
        result.discard()
    return render(request, "refugees/import.html", context)


@require_POST
def refugee_import_confirm(request: HttpRequest) -> HttpResponse:
    refugees_visible_to(request.user)  # role check (403)
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        raise Http404
    token = form.cleaned_data["token"]
    # The preview's result, kept with the file: the file is not checked again.
    result = importing.load_result(user=request.user, token=token)
    if result is None:
        messages.error(request, _("This import has expired or was already done. Upload the file again."))
        return redirect("refugees:import")
    try:
        created = importing.import_commit(
            user=request.user, result=result, confirm_different=form.cleaned_data["confirm_different"]
        )
    except ValidationError as exc:
        context = {"form": ImportUploadForm(), "columns": importing.COLUMNS, "result": result}
        if exc.code in ("registry_changed", "unhcr_exists"):
            context["upload_again"] = True  # the file must be checked again
        else:
            context["confirm_form"] = ConfirmImportForm(initial={"token": token})
        context["commit_error"] = service_error_text(exc)
        log_shown(request, result.people_named(), what=What.LIST)
        return render(request, "refugees/import.html", context)
    finally:
        result.discard()
    importing.discard_stored(user=request.user, token=token)
    messages.success(request, _("%(count)s people were imported.") % {"count": created})
    return redirect("refugees:list")


# --- subject rights ---------------------------------------------------------------------
def _subject_rights_refugee(request: HttpRequest, pk: int) -> Refugee:
    refugee = refugee_for_user(request.user, pk)
    require(can_manage_subject_rights(request.user, refugee))
    return refugee


def subject_export(request: HttpRequest, pk: int) -> HttpResponse:
    refugee = _subject_rights_refugee(request, pk)
    log_shown(request, refugee, what=What.EXPORT)
    data = refugee_subject_data(refugee)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="refugee-{refugee.pk}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


def subject_print(request: HttpRequest, pk: int) -> HttpResponse:
    refugee = _subject_rights_refugee(request, pk)
    log_shown(request, refugee, what=What.EXPORT)
    # Printed for the person: in the language they read (?language=ar|fr|en), labels and values.
    language = request.GET.get("language") if request.GET.get("language") in dict(settings.LANGUAGES) else None
    with translation.override(language or translation.get_language()):
        context = {"refugee": refugee, "data": refugee_subject_readable(refugee), "print_language": language}
        return render(request, "refugees/subject_print.html", context)


@step_up
def refugee_anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    refugee = _subject_rights_refugee(request, pk)
    require(refugee.anonymised_at is None)
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.refugee_anonymise(refugee=refugee, by=request.user)
        messages.success(request, _("The profile was anonymised."))
        return redirect("refugees:detail", pk=refugee.pk)
    log_shown(request, refugee, what=What.FORM)
    return render(request, "refugees/anonymise.html", {"form": form, "refugee": refugee})


@step_up
def partner_export(request: HttpRequest, code: str) -> HttpResponse:
    """Identifiable list for a named partner: only people whose sharing consent is active."""
    refugees_visible_to(request.user)
    require(can_export_for_partners(request.user))
    partner = get_object_or_404(PartnerOrganisation, code=code)
    sharing = refugees_sharing_with(partner)
    log_shown(request, sharing.values_list("pk", flat=True), what=What.EXPORT)
    response = HttpResponse(partner_csv(sharing), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sanad-{partner.code}-consenting.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def partner_export_index(request: HttpRequest) -> HttpResponse:
    refugees_visible_to(request.user)
    require(can_export_for_partners(request.user))
    return render(request, "refugees/partner_exports.html", {"partners": PartnerOrganisation.objects.order_by("code")})
