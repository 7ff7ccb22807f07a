from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/download/", views.run_download, name="run_download"),
    path("runs/<int:pk>/sign-off/", views.run_sign_off, name="run_sign_off"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("disclosure/", views.disclosure, name="disclosure"),
]
