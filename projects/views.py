"""Screens for sessions, projects and the validation committee.

Every view starts with an access helper from ``projects.access``; writes go through
``projects.services``; a refused action shows its translated reason.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagination import paginate, querystring_without_page
from core.roles import Role, has_role
from core.storage import serve_private_file
from projects import access, selectors, services
from projects.forms import (
    AgendaAddForm,
    BudgetLineForm,
    CloseForm,
    ConflictForm,
    CooperativeForm,
    DecisionForm,
    MemberForm,
    ProjectForm,
    ScoreForm,
    SessionForm,
    SittingForm,
    StudyForm,
    TransitionForm,
)
from projects.models import (
    AgendaItem,
    Attendance,
    BusinessProject,
    CommitteeSitting,
    ConflictOfInterest,
    FeasibilityStudy,
    LegalForm,
    ProjectMember,
    ProjectStatus,
    Score,
    ScoringCriterion,
    Session,
)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _is_manager(user) -> bool:
    return has_role(user, Role.PROGRAMME_MANAGER, Role.ADMIN)


# --- Sessions ---------------------------------------------------------------------------


def session_list(request: HttpRequest) -> HttpResponse:
    qs = access.sessions_visible_to(request.user).select_related("city", "office", "partner")
    kind = request.GET.get("kind", "")
    if kind in Session.Kind.values:
        qs = qs.filter(kind=kind)
    qs = qs.annotate(registered=Count("attendance")).order_by("-date", "-pk")
    page = paginate(request, qs)
    return render(
        request,
        "projects/session_list.html",
        {"page": page, "kinds": Session.Kind.choices, "kind": kind, "qs": querystring_without_page(request)},
    )


def session_create(request: HttpRequest) -> HttpResponse:
    access.sessions_visible_to(request.user)  # role check
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.setdefault("office", request.user.office)
        if data["office"] is None:
            form.add_error(None, _("You have no office: ask an administrator."))
        else:
            try:
                session = services.session_create(by=request.user, **data)
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, _("Session recorded."))
                return redirect("projects:session_detail", pk=session.pk)
    return render(request, "projects/session_form.html", {"form": form})


def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.session_for_user(request.user, pk, write=True)
    form = SessionForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Session updated."))
            return redirect("projects:session_detail", pk=session.pk)
    return render(request, "projects/session_form.html", {"form": form, "session": session})


def _search_refugees(request: HttpRequest, session: Session):
    q = (request.GET.get("q") or "").strip()
    if len(q) < 2:
        return q, []
    qs = (
        access.refugees_pickable_by(request.user).filter(office=session.office)
        if not _is_manager(request.user)
        else access.refugees_pickable_by(request.user)
    )
    terms = Q()
    for word in q.split()[:4]:
        terms &= (
            Q(first_name_latin__icontains=word)
            | Q(last_name_latin__icontains=word)
            | Q(first_name_ar__icontains=word)
            | Q(last_name_ar__icontains=word)
            | Q(unhcr_individual_number__icontains=word)
        )
    results = list(qs.filter(terms).exclude(attendance__session=session).order_by("last_name_latin")[:20])
    return q, results


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.session_for_user(request.user, pk)
    q, results = _search_refugees(request, session)
    context = {"session": session, "q": q, "results": results}
    if request.headers.get("HX-Request"):
        return render(request, "projects/_attendance_search.html", context)
    context["attendance"] = session.attendance.select_related("refugee").order_by(
        "refugee__last_name_latin", "refugee__first_name_latin"
    )
    return render(request, "projects/session_detail.html", context)


@require_POST
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.session_for_user(request.user, pk, write=True)
    refugee = get_object_or_404(access.refugees_pickable_by(request.user), pk=request.POST.get("refugee") or 0)
    services.attendance_add(session=session, refugee=refugee, by=request.user)
    messages.success(request, _("%(name)s marked present.") % {"name": refugee.full_name_latin})
    return redirect("projects:session_detail", pk=session.pk)


@require_POST
def attendance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.session_for_user(request.user, pk, write=True)
    attendance = get_object_or_404(Attendance, session=session, refugee_id=request.POST.get("refugee") or 0)
    services.attendance_remove(session=session, refugee=attendance.refugee, by=request.user)
    messages.success(request, _("Attendance removed."))
    return redirect("projects:session_detail", pk=session.pk)


# --- Projects ---------------------------------------------------------------------------


def project_list(request: HttpRequest) -> HttpResponse:
    qs = access.projects_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in ProjectStatus.values:
        qs = qs.filter(status=status)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(title__icontains=q) | Q(activity__icontains=q))
    # Paginate the bare rows, then annotate only the page's (deep pages stay fast).
    page = paginate(request, qs.only("pk").order_by("-created_at", "-pk"))
    rows = selectors.project_list(BusinessProject.objects.filter(pk__in=[p.pk for p in page.object_list]))
    page.object_list = list(rows.order_by("-created_at", "-pk"))
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "statuses": ProjectStatus.choices,
            "status": status,
            "q": q,
            "qs": querystring_without_page(request),
            "can_create": access.can_edit_projects(request.user),
        },
    )


def project_create(request: HttpRequest) -> HttpResponse:
    if not access.can_edit_projects(request.user):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.setdefault("office", request.user.office)
        if data["office"] is None:
            form.add_error(None, _("You have no office: ask an administrator."))
        else:
            try:
                project = services.project_create(by=request.user, **data)
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, _("Project %(reference)s created.") % {"reference": project.reference})
                return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form})


def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Project updated."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


def _labelled(transitions) -> list:
    from projects.workflow import TRANSITIONS

    rows = list(transitions)
    for t in rows:
        known = TRANSITIONS.get(t.action)
        t.label = known.label if known else _("Legal form changed") if t.action == "change_legal_form" else t.action
    return rows


def _detail_context(request: HttpRequest, project: BusinessProject, **forms) -> dict:
    can_edit = access.can_edit_projects(request.user) and project.status == ProjectStatus.DRAFT
    members = project.members.select_related("refugee").order_by("-is_lead", "pk")
    study = FeasibilityStudy.objects.filter(project=project).first()
    context = {
        "project": project,
        "members": members,
        "lines": project.budget_lines.all(),
        "budget_total": selectors.budget_total(project),
        "requested": selectors.amount_requested(project),
        "study": study,
        "transitions": _labelled(project.transitions.select_related("by")),
        "decisions": [
            item
            for item in AgendaItem.objects.filter(project=project).select_related("sitting", "decision")
            if hasattr(item, "decision")
        ],
        "cooperative": getattr(project, "cooperative", None) if project.legal_form == LegalForm.COOPERATIVE else None,
        "is_cooperative": project.legal_form == LegalForm.COOPERATIVE,
        "can_edit": can_edit,
        "can_write": access.can_edit_projects(request.user),
        "problems": services.submission_problems(project) if can_edit else [],
    }
    if can_edit:
        context["member_form"] = forms.get("member_form") or MemberForm(
            refugees=access.refugees_pickable_by(request.user), project=project, initial={"share_percent": 100}
        )
        context["line_form"] = forms.get("line_form") or BudgetLineForm()
        context["submit_form"] = forms.get("submit_form") or TransitionForm(initial={"expected": project.status})
    if _is_manager(request.user) and project.status in (ProjectStatus.FUNDED, ProjectStatus.OPERATING):
        context["close_form"] = forms.get("close_form") or CloseForm(initial={"expected": project.status})
    return context


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk)
    return render(request, "projects/project_detail.html", _detail_context(request, project))


@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = MemberForm(request.POST, refugees=access.refugees_pickable_by(request.user), project=project)
    if form.is_valid():
        try:
            services.member_add(
                project=project,
                refugee=form.refugee,
                by=request.user,
                is_lead=form.cleaned_data["is_lead"],
                share_percent=form.cleaned_data["share_percent"],
            )
        except ValidationError as exc:
            form.add_error("unhcr_number", _error_text(exc))
        else:
            messages.success(request, _("Member added."))
            return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, member_form=form)
    return render(request, "projects/project_detail.html", context, status=400)


@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    member = get_object_or_404(ProjectMember, project=project, pk=member_pk)
    try:
        services.member_remove(member=member, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Member removed."))
    return redirect("projects:detail", pk=project.pk)


@require_POST
def budget_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = BudgetLineForm(request.POST)
    if form.is_valid():
        try:
            services.budget_line_add(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Budget line added."))
            return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, line_form=form)
    return render(request, "projects/project_detail.html", context, status=400)


@require_POST
def budget_line_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    line = get_object_or_404(project.budget_lines, pk=line_pk)
    try:
        services.budget_line_remove(line=line, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Budget line removed."))
    return redirect("projects:detail", pk=project.pk)


def study_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    study = FeasibilityStudy.objects.filter(project=project).first()
    form = StudyForm(request.POST or None, request.FILES or None, instance=study)
    if request.method == "POST" and form.is_valid():
        try:
            services.study_save(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Feasibility study saved."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/study_form.html", {"form": form, "project": project})


def study_document(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk)
    study = get_object_or_404(FeasibilityStudy, project=project)
    return serve_private_file(study.document, download_name=f"{project.reference}-study")


def cooperative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    coop = getattr(project, "cooperative", None)
    form = CooperativeForm(request.POST or None, instance=coop)
    if request.method == "POST" and form.is_valid():
        try:
            services.cooperative_save(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Cooperative steps saved."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/cooperative_form.html", {"form": form, "project": project})


@require_POST
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = TransitionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["expected"] != project.status:
        messages.error(request, _("This project changed while you were looking at it; check it and try again."))
        return redirect("projects:detail", pk=project.pk)
    try:
        services.project_submit(project=project, by=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Project submitted to the committee."))
    return redirect("projects:detail", pk=project.pk)


@require_POST
def project_close(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme manager closes a funded or operating project by hand, with its outcome."""
    project = access.project_for_user(request.user, pk, write=True)
    if not _is_manager(request.user):
        raise PermissionDenied
    form = CloseForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, project, close_form=form)
        return render(request, "projects/project_detail.html", context, status=400)
    if form.cleaned_data["expected"] != project.status:
        messages.error(request, _("This project changed while you were looking at it; check it and try again."))
        return redirect("projects:detail", pk=project.pk)
    try:
        services.project_close(
            project=project,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Project closed."))
    return redirect("projects:detail", pk=project.pk)


# --- The committee ----------------------------------------------------------------------


def sitting_list(request: HttpRequest) -> HttpResponse:
    qs = (
        access.sittings_visible_to(request.user)
        .select_related("chair")
        .annotate(agenda_count=Count("agenda", distinct=True), member_count=Count("members", distinct=True))
        .order_by("-date", "-pk")
    )
    return render(
        request,
        "projects/sitting_list.html",
        {"page": paginate(request, qs), "can_create": _is_manager(request.user)},
    )


def sitting_create(request: HttpRequest) -> HttpResponse:
    if not _is_manager(request.user):
        raise PermissionDenied
    form = SittingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sitting = services.sitting_create(
            by=request.user,
            date=data["date"],
            location=data["location"],
            quorum=data["quorum"],
            chair=data["chair"],
            members=data["members"],
        )
        messages.success(request, _("Sitting created."))
        return redirect("projects:sitting_detail", pk=sitting.pk)
    return render(request, "projects/sitting_form.html", {"form": form})


def _agenda_rows(sitting: CommitteeSitting) -> list:
    rows = list(selectors.agenda_with_scores(sitting))
    for row in rows:
        row.weighted = selectors.weighted_value(row.w_num, row.w_den)
    return rows


def sitting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = access.sitting_for_user(request.user, pk)
    agenda_form = None
    if _is_manager(request.user) and sitting.status != CommitteeSitting.Status.CLOSED:
        agenda_form = AgendaAddForm(request.POST or None, projects=access.projects_visible_to(request.user))
        if request.method == "POST" and agenda_form.is_valid():
            try:
                services.agenda_add(sitting=sitting, project=agenda_form.cleaned_data["project"], by=request.user)
            except ValidationError as exc:
                agenda_form.add_error("project", _error_text(exc))
            else:
                messages.success(request, _("Project put on the agenda."))
                return redirect("projects:sitting_detail", pk=sitting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "sitting": sitting,
        "members": sitting.members.order_by("last_name", "username"),
        "agenda": _agenda_rows(sitting),
        "agenda_form": agenda_form,
        "is_chair": request.user.pk == sitting.chair_id,
    }
    return render(request, "projects/sitting_detail.html", context)


def _item_for_user(request: HttpRequest, pk: int, item_pk: int) -> AgendaItem:
    sitting = access.sitting_for_user(request.user, pk)
    return get_object_or_404(AgendaItem.objects.select_related("sitting", "project"), sitting=sitting, pk=item_pk)


def item_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item_for_user(request, pk, item_pk)
    user = request.user
    criteria = ScoringCriterion.objects.filter(is_active=True)
    is_member = item.sitting.members.filter(pk=user.pk).exists() and has_role(user, Role.COMMITTEE_MEMBER)
    decided = getattr(item, "decision", None) if hasattr(item, "decision") else None
    my_scores = Score.objects.filter(item=item, member=user).select_related("criterion")
    conflicted = ConflictOfInterest.objects.filter(item=item, member=user).exists()
    open_for_me = is_member and decided is None and item.sitting.status != CommitteeSitting.Status.CLOSED
    score_form = conflict_form = decision_form = None
    requested = selectors.amount_requested(item.project)
    if open_for_me and not conflicted and not my_scores:
        score_form = ScoreForm(criteria=criteria)
        conflict_form = ConflictForm()
    if open_for_me and user.pk == item.sitting.chair_id:
        decision_form = DecisionForm(requested=requested, initial={"approved_amount": requested})
    forms = {"score_form": score_form, "conflict_form": conflict_form, "decision_form": decision_form}
    forms.update(getattr(request, "_bound_forms", {}))
    project = item.project
    context = {
        "item": item,
        "sitting": item.sitting,
        "project": project,
        "members": project.members.select_related("refugee").order_by("-is_lead", "pk"),
        "lines": project.budget_lines.all(),
        "budget_total": selectors.budget_total(project),
        "requested": requested,
        "study": FeasibilityStudy.objects.filter(project=project).first(),
        "weighted": selectors.item_weighted_score(item),
        "member_scores": selectors.member_scores(item),
        "conflicts": item.conflicts.select_related("member"),
        "my_scores": my_scores,
        "conflicted": conflicted,
        "decision": decided,
        "quorum_met": services.quorum_met(item),
        **forms,
    }
    return render(request, "projects/item_detail.html", context, status=getattr(request, "_status", 200))


def _rerender_item(request, pk, item_pk, **bound) -> HttpResponse:
    request._bound_forms = bound
    request._status = 400
    return item_detail(request, pk, item_pk)


@require_POST
def item_score(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item_for_user(request, pk, item_pk)
    form = ScoreForm(request.POST, criteria=ScoringCriterion.objects.filter(is_active=True))
    if form.is_valid():
        try:
            services.score_record(item=item, member=request.user, values=form.values())
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Your scores are recorded."))
            return redirect("projects:item_detail", pk=pk, item_pk=item.pk)
    return _rerender_item(request, pk, item_pk, score_form=form)


@require_POST
def item_conflict(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item_for_user(request, pk, item_pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(item=item, member=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Your conflict of interest is recorded: you will not score this project."))
    return redirect("projects:item_detail", pk=pk, item_pk=item.pk)


@require_POST
def item_decision(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item_for_user(request, pk, item_pk)
    if request.user.pk != item.sitting.chair_id:
        raise PermissionDenied
    form = DecisionForm(request.POST, requested=selectors.amount_requested(item.project))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_record(
                item=item,
                by=request.user,
                decision=data["decision"],
                approved_amount=data["approved_amount"],
                conditions=data["conditions"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("projects:item_detail", pk=pk, item_pk=item.pk)
    return _rerender_item(request, pk, item_pk, decision_form=form)


@require_POST
def sitting_close(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = access.sitting_for_user(request.user, pk)
    services.sitting_close(sitting=sitting, by=request.user)
    messages.success(request, _("Sitting closed."))
    return redirect("projects:sitting_detail", pk=sitting.pk)


def _minutes_context(sitting: CommitteeSitting) -> dict:
    agenda = _agenda_rows(sitting)
    items = (
        AgendaItem.objects.filter(sitting=sitting)
        .select_related("project", "decision", "decision__decided_by")
        .prefetch_related(Prefetch("conflicts", queryset=ConflictOfInterest.objects.select_related("member")))
    )
    by_pk = {i.pk: i for i in items}
    for row in agenda:
        row.full = by_pk[row.pk]
        row.member_scores = selectors.member_scores(row)
    return {
        "sitting": sitting,
        "members": sitting.members.order_by("last_name", "username"),
        "agenda": agenda,
        "lang": get_language(),
        "rtl": get_language_bidi(),
    }


def sitting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = access.sitting_for_user(request.user, pk)
    return render(request, "projects/minutes.html", _minutes_context(sitting))


def sitting_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from weasyprint import HTML

    sitting = access.sitting_for_user(request.user, pk)
    html = render_to_string("projects/minutes_print.html", _minutes_context(sitting), request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{sitting.date:%Y-%m-%d}-{get_language()}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
