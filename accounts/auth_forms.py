"""allauth's forms with GOV.UK wording: labels in sentence case, hints in words, no placeholders.

Wired through ``ACCOUNT_FORMS`` and ``MFA_FORMS``; the page templates are in ``templates/account/`` and
``templates/mfa/``.
"""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.recovery_codes import forms as recovery_forms
from allauth.mfa.totp import forms as totp_forms
from django.utils.translation import gettext_lazy as _

from accounts.dates import NamedErrorsMixin

# Words shown to people are marked for translation, as allauth's own are; bandit then knows they are not passwords.
PASSWORD_RULES = _(
    "Your password must be at least 10 characters. It cannot be only numbers, a commonly used password or too "
    "like your name or email address."
)
# A field whose hint is left out (the reset link sits below the form instead).
NO_HINT = ""


class GovUKWording(NamedErrorsMixin):
    """Relabels the fields named in ``labels`` and sets ``hints``; every placeholder goes."""

    labels: dict[str, str] = {}
    hints: dict[str, str] = {}
    required: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.hints:
                field.help_text = self.hints[name]
            if name in self.required:
                field.error_messages["required"] = self.required[name]


class LoginForm(GovUKWording, account_forms.LoginForm):
    labels = {"login": _("Email address"), "password": _("Password")}
    hints = {"password": NO_HINT}
    required = {"login": _("Enter your email address"), "password": _("Enter your password")}


class SignupForm(GovUKWording, account_forms.SignupForm):
    labels = {"email": _("Email address"), "password1": _("Create a password"), "password2": _("Confirm your password")}
    hints = {"password1": PASSWORD_RULES}
    required = {
        "email": _("Enter your email address"),
        "password1": _("Create a password"),
        "password2": _("Confirm your password"),
    }


class AddEmailForm(GovUKWording, account_forms.AddEmailForm):
    labels = {"email": _("Email address")}
    required = {"email": _("Enter an email address")}


class ChangePasswordForm(GovUKWording, account_forms.ChangePasswordForm):
    labels = {
        "oldpassword": _("Current password"),
        "password1": _("New password"),
        "password2": _("Confirm new password"),
    }
    hints = {"oldpassword": NO_HINT, "password1": PASSWORD_RULES}
    required = {
        "oldpassword": _("Enter your current password"),
        "password1": _("Enter a new password"),
        "password2": _("Confirm your new password"),
    }


class SetPasswordForm(GovUKWording, account_forms.SetPasswordForm):
    labels = {"password1": _("Create a password"), "password2": _("Confirm your password")}
    hints = {"password1": PASSWORD_RULES}
    required = {"password1": _("Create a password"), "password2": _("Confirm your password")}


class ResetPasswordForm(GovUKWording, account_forms.ResetPasswordForm):
    labels = {"email": _("Email address")}
    required = {"email": _("Enter your email address")}


class ResetPasswordKeyForm(GovUKWording, account_forms.ResetPasswordKeyForm):
    labels = {"password1": _("New password"), "password2": _("Confirm new password")}
    hints = {"password1": PASSWORD_RULES}
    required = {"password1": _("Enter a new password"), "password2": _("Confirm your new password")}


class ReauthenticateForm(GovUKWording, account_forms.ReauthenticateForm):
    labels = {"password": _("Password")}
    hints = {"password": NO_HINT}
    required = {"password": _("Enter your password")}


class AuthenticateForm(GovUKWording, mfa_forms.AuthenticateForm):
    labels = {"code": _("Code")}
    hints = {"code": _("The 6-digit code from your authenticator app, or one of your recovery codes.")}
    required = {"code": _("Enter the code from your authenticator app")}


class MFAReauthenticateForm(GovUKWording, mfa_forms.ReauthenticateForm):
    labels = {"code": _("Code")}
    hints = {"code": _("The 6-digit code from your authenticator app, or one of your recovery codes.")}
    required = {"code": _("Enter the code from your authenticator app")}


class ActivateTOTPForm(GovUKWording, totp_forms.ActivateTOTPForm):
    labels = {"code": _("Code from your authenticator app")}
    hints = {"code": _("The 6-digit code the app shows after you add this account.")}
    required = {"code": _("Enter the code from your authenticator app")}


class DeactivateTOTPForm(GovUKWording, totp_forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(GovUKWording, recovery_forms.GenerateRecoveryCodesForm):
    pass
