"""allauth's forms with GOV.UK wording: labels in sentence case, hints in words, no placeholders.

Wired through ``ACCOUNT_FORMS`` and ``MFA_FORMS``; the page templates are in ``templates/account/`` and
``templates/mfa/``.
"""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.recovery_codes import forms as recovery_forms
from allauth.mfa.totp import forms as totp_forms

PASSWORD_RULES = (
    "Your password must be at least 10 characters. It cannot be only numbers, a commonly used password or too "  # nosec B105 # words shown to people, not a password
    "like your name or email address."
)


class GovUKWording:
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
    labels = {"login": "Email address", "password": "Password"}  # nosec B105 # words shown to people, not a password
    # The reset link is below the form, not inside the field's hint.
    hints = {"password": ""}  # nosec B105 # words shown to people, not a password
    required = {"login": "Enter your email address", "password": "Enter your password"}  # nosec B105 # words shown to people, not a password


class SignupForm(GovUKWording, account_forms.SignupForm):
    labels = {"email": "Email address", "password1": "Create a password", "password2": "Confirm your password"}
    hints = {"password1": PASSWORD_RULES}
    required = {
        "email": "Enter your email address",
        "password1": "Create a password",
        "password2": "Confirm your password",
    }


class AddEmailForm(GovUKWording, account_forms.AddEmailForm):
    labels = {"email": "Email address"}
    required = {"email": "Enter an email address"}


class ChangePasswordForm(GovUKWording, account_forms.ChangePasswordForm):
    labels = {"oldpassword": "Current password", "password1": "New password", "password2": "Confirm new password"}
    hints = {"oldpassword": "", "password1": PASSWORD_RULES}
    required = {
        "oldpassword": "Enter your current password",
        "password1": "Enter a new password",
        "password2": "Confirm your new password",
    }


class SetPasswordForm(GovUKWording, account_forms.SetPasswordForm):
    labels = {"password1": "Create a password", "password2": "Confirm your password"}
    hints = {"password1": PASSWORD_RULES}
    required = {"password1": "Create a password", "password2": "Confirm your password"}


class ResetPasswordForm(GovUKWording, account_forms.ResetPasswordForm):
    labels = {"email": "Email address"}
    required = {"email": "Enter your email address"}


class ResetPasswordKeyForm(GovUKWording, account_forms.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "Confirm new password"}
    hints = {"password1": PASSWORD_RULES}
    required = {"password1": "Enter a new password", "password2": "Confirm your new password"}


class ReauthenticateForm(GovUKWording, account_forms.ReauthenticateForm):
    labels = {"password": "Password"}  # nosec B105 # words shown to people, not a password
    hints = {"password": ""}  # nosec B105 # words shown to people, not a password
    required = {"password": "Enter your password"}  # nosec B105 # words shown to people, not a password


class AuthenticateForm(GovUKWording, mfa_forms.AuthenticateForm):
    labels = {"code": "Code"}
    hints = {"code": "The 6-digit code from your authenticator app, or one of your recovery codes."}
    required = {"code": "Enter the code from your authenticator app"}


class MFAReauthenticateForm(GovUKWording, mfa_forms.ReauthenticateForm):
    labels = {"code": "Code"}
    hints = {"code": "The 6-digit code from your authenticator app, or one of your recovery codes."}
    required = {"code": "Enter the code from your authenticator app"}


class ActivateTOTPForm(GovUKWording, totp_forms.ActivateTOTPForm):
    labels = {"code": "Code from your authenticator app"}
    hints = {"code": "The 6-digit code the app shows after you add this account."}
    required = {"code": "Enter the code from your authenticator app"}


class DeactivateTOTPForm(GovUKWording, totp_forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(GovUKWording, recovery_forms.GenerateRecoveryCodesForm):
    pass
