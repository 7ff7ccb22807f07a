from django.urls import path

from projects.views import applications, committee, sessions, workflow

app_name = "projects"

urlpatterns = [
    path("", applications.project_list, name="list"),
    path("new/", applications.project_create, name="create"),
    path("<int:pk>/", applications.project_detail, name="detail"),
    path("<int:pk>/edit/", applications.project_edit, name="edit"),
    path("<int:pk>/members/", applications.member_add, name="member_add"),
    path("<int:pk>/members/shares/", applications.member_shares, name="member_shares"),
    path("<int:pk>/members/pick/", applications.member_picker, name="member_picker"),
    path("<int:pk>/members/<int:member_pk>/remove/", applications.member_remove, name="member_remove"),
    path("<int:pk>/budget/", applications.budget_line_add, name="budget_line_add"),
    path("<int:pk>/budget/<int:line_pk>/remove/", applications.budget_line_remove, name="budget_line_remove"),
    path("<int:pk>/study/", applications.study_edit, name="study_edit"),
    path("<int:pk>/study/document/", applications.study_document, name="study_document"),
    path("<int:pk>/cooperative/", applications.cooperative_edit, name="cooperative_edit"),
    path("<int:pk>/submit/", workflow.project_submit, name="submit"),
    path("<int:pk>/close/", workflow.project_close, name="close"),
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/attendance/", sessions.attendance_register, name="attendance_register"),
    path("sessions/<int:pk>/attendance/add/", sessions.attendance_add, name="attendance_add"),
    path("sessions/<int:pk>/attendance/remove/", sessions.attendance_remove, name="attendance_remove"),
    path("committee/", committee.sitting_list, name="sitting_list"),
    path("committee/new/", committee.sitting_create, name="sitting_create"),
    path("committee/<int:pk>/", committee.sitting_detail, name="sitting_detail"),
    path("committee/<int:pk>/attendance/", committee.sitting_attendance, name="sitting_attendance"),
    path("committee/<int:pk>/agenda/pick/", committee.agenda_picker, name="agenda_picker"),
    path("committee/<int:pk>/close/", committee.sitting_close, name="sitting_close"),
    path("committee/<int:pk>/minutes/", committee.sitting_minutes, name="sitting_minutes"),
    path("committee/<int:pk>/minutes.pdf", committee.sitting_minutes_pdf, name="sitting_minutes_pdf"),
    path("committee/<int:pk>/items/<int:item_pk>/", committee.item_detail, name="item_detail"),
    path("committee/<int:pk>/items/<int:item_pk>/score/", committee.item_score, name="item_score"),
    path("committee/<int:pk>/items/<int:item_pk>/conflict/", committee.item_conflict, name="item_conflict"),
    path("committee/<int:pk>/items/<int:item_pk>/decision/", committee.item_decision, name="item_decision"),
]
