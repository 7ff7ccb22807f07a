from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/budget/", views.budget_line_add, name="budget_line_add"),
    path("<int:pk>/budget/<int:line_pk>/remove/", views.budget_line_remove, name="budget_line_remove"),
    path("<int:pk>/study/", views.study_edit, name="study_edit"),
    path("<int:pk>/study/document/", views.study_document, name="study_document"),
    path("<int:pk>/cooperative/", views.cooperative_edit, name="cooperative_edit"),
    path("<int:pk>/submit/", views.project_submit, name="submit"),
    path("<int:pk>/close/", views.project_close, name="close"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/attendance/add/", views.attendance_add, name="attendance_add"),
    path("sessions/<int:pk>/attendance/remove/", views.attendance_remove, name="attendance_remove"),
    path("committee/", views.sitting_list, name="sitting_list"),
    path("committee/new/", views.sitting_create, name="sitting_create"),
    path("committee/<int:pk>/", views.sitting_detail, name="sitting_detail"),
    path("committee/<int:pk>/close/", views.sitting_close, name="sitting_close"),
    path("committee/<int:pk>/minutes/", views.sitting_minutes, name="sitting_minutes"),
    path("committee/<int:pk>/minutes.pdf", views.sitting_minutes_pdf, name="sitting_minutes_pdf"),
    path("committee/<int:pk>/items/<int:item_pk>/", views.item_detail, name="item_detail"),
    path("committee/<int:pk>/items/<int:item_pk>/score/", views.item_score, name="item_score"),
    path("committee/<int:pk>/items/<int:item_pk>/conflict/", views.item_conflict, name="item_conflict"),
    path("committee/<int:pk>/items/<int:item_pk>/decision/", views.item_decision, name="item_decision"),
]
