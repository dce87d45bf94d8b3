from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("check-email/", views.check_email, name="check-email"),
    path("confirm/resend/", views.confirm_email_resend, name="confirm-email-resend"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm-email"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("two-step/enable/", views.two_factor_enable, name="two-factor-enable"),
    path("two-step/confirm/", views.two_factor_confirm, name="two-factor-confirm"),
    path("two-step/disable/", views.two_factor_disable, name="two-factor-disable"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
