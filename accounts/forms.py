"""Forms check shape only (a well-formed address, two equal passwords, six digits); services decide."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts.emails import mail_allowed
from accounts.models import User
from accounts.two_factor import CODE_PATTERN, code_normalize
from outbox.services import email_enqueue


class EmailField(forms.EmailField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("E-mail address"))
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
        self.widget.attrs.update(autocomplete="email", spellcheck="false", autocapitalize="none")

    def clean(self, value):
        return super().clean(value).lower()


class SignUpForm(forms.Form):
    email = EmailField()
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("Committees show it to the council office."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        help_text=_("Type the same password again, to be sure there is no typing mistake."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(password_validation.password_validators_help_texts())

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ. Type the same password twice."))
        if password1:
            # The user does not exist yet (or must not be revealed): validators see the typed data only.
            candidate = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class SignInForm(forms.Form):
    email = EmailField()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=16,
        help_text=_("Open your authenticator app and type the code it shows now for Inicjatywa."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self):
        code = code_normalize(self.cleaned_data["code"])
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError(_("Type the 6 digits your app shows, for example 123456."))
        return code


class EmailOnlyForm(forms.Form):
    """Asking for the confirmation link again."""

    email = forms.EmailField(max_length=254, widget=forms.HiddenInput)


class AccountPasswordResetForm(PasswordResetForm):
    email = EmailField()

    def get_users(self, email):
        # At most one reset mail per person per minute, so that the form cannot flood an inbox.
        return (user for user in super().get_users(email) if mail_allowed(user, "password_reset"))

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Through the outbox like every e-mail: Django's own logs a failure and drops the link, this retries.
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        html = render_to_string(html_email_template_name, context) if html_email_template_name else ""
        email_enqueue(kind="accounts/password_reset", to=to_email, subject=subject, body=body, html_body=html)


class AccountSetPasswordForm(SetPasswordForm):
    """Django's own form, with our labels and the validators' help next to the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )
        self.fields["new_password2"].label = _("New password again")

    def validate_password_for_user(self, user, *args, **kwargs):
        # The validators' messages go next to the first field, whose hint lists the rules.
        if "new_password2" not in self.errors:
            super().validate_password_for_user(user, password_field_name="new_password1")
