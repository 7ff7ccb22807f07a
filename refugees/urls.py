from django.urls import path

from refugees import views

app_name = "refugees"

urlpatterns = [
    path("", views.refugee_list, name="list"),
    path("new/", views.refugee_create, name="create"),
    path("import/", views.refugee_import, name="import"),
    path("import/confirm/", views.refugee_import_confirm, name="import_confirm"),
    path("exports/", views.partner_export_index, name="partner_exports"),
    path("exports/<slug:code>.csv", views.partner_export, name="partner_export"),
    path("<int:pk>/", views.refugee_detail, name="detail"),
    path("<int:pk>/edit/", views.refugee_edit, name="edit"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/consents/new/", views.consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/documents/<int:doc_pk>/delete/", views.document_delete, name="document_delete"),
    path("<int:pk>/export.json", views.subject_export, name="subject_export"),
    path("<int:pk>/print/", views.subject_print, name="subject_print"),
    path("<int:pk>/anonymise/", views.refugee_anonymise, name="anonymise"),
]
