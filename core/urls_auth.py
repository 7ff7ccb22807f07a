"""Login, logout, password change and reset. Login and reset pages are public
(Django marks these auth views ``login_not_required``)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from core.forms import LoginForm
from core.security import passkeys
from core.security import views as security

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", security.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        security.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("two-step/", security.mfa_manage, name="mfa_manage"),
    path("two-step/setup/", security.mfa_setup, name="mfa_setup"),
    path("two-step/verify/", security.mfa_verify, name="mfa_verify"),
    path("two-step/recovery-codes/", security.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("two-step/passkeys/<int:pk>/", security.mfa_passkey_name, name="mfa_passkey_name"),
    path("two-step/passkeys/<int:pk>/remove/", security.mfa_passkey_remove, name="mfa_passkey_remove"),
    # The passkey ceremonies (JSON, POST only; the package's script calls them).
    path("two-step/passkeys/register/begin/", passkeys.register_begin, name="passkey_register_begin"),
    path("two-step/passkeys/register/complete/", passkeys.register_complete, name="passkey_register_complete"),
    path("two-step/passkeys/verify/begin/", passkeys.auth_begin, name="passkey_auth_begin"),
    path("two-step/passkeys/verify/complete/", passkeys.auth_complete, name="passkey_auth_complete"),
    path("security-log/", security.security_log, name="security_log"),
]
