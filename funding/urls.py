from django.urls import path

from funding import views

app_name = "funding"

urlpatterns = [
    path("grants/", views.grant_list, name="grant_list"),
    path("grants/new/", views.grant_create, name="grant_create"),
    path("grants/new/pick/", views.project_picker, name="project_picker"),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/pay/", views.disbursement_create, name="disbursement_create"),
    path("ledger/<int:pk>/reverse/", views.disbursement_reverse, name="disbursement_reverse"),
    path("ledger/<int:pk>/approve/", views.disbursement_approve, name="disbursement_approve"),
    path("ledger/<int:pk>/reject/", views.disbursement_reject, name="disbursement_reject"),
    path("ledger/<int:pk>/receipt/", views.disbursement_receipt, name="disbursement_receipt"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("visits/due/", views.visits_due, name="visits_due"),
    path("visits/<int:pk>/", views.visit_edit, name="visit_edit"),
    path("projects/<int:pk>/extra-visit/", views.visit_add_extra, name="visit_add_extra"),
    path("photos/<int:pk>/", views.visit_photo, name="visit_photo"),
    path("agreements/", views.agreement_list, name="agreement_list"),
]
