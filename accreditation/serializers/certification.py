"""API shapes for the decision and certificate stage. The public shapes carry only name, registration number,
level, dates and status."""

from rest_framework import serializers

from ..models import Accreditation, Candidate, Level
from ..services.credentials import verify_url

CHECK_STATUSES = [("valid", "valid"), ("revoked", "revoked"), ("suspended", "suspended"), ("failed", "failed")]


class DecisionCandidateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Candidate
        fields = ["id", "name", "registration_number", "level", "stage", "status", "organisation"]


class AccreditationSerializer(serializers.ModelSerializer):
    candidate = serializers.IntegerField(source="candidate_id", read_only=True)
    verify_url = serializers.SerializerMethodField()
    certificate_ready = serializers.SerializerMethodField()

    class Meta:
        model = Accreditation
        fields = [
            "id",
            "candidate",
            "name",
            "registration_number",
            "level",
            "awarded_on",
            "status",
            "code",
            "verify_url",
            "certificate_ready",
            "confirmed_at",
            "confirmed_by_rules",
            "revoked_at",
            "revoked_reason",
        ]

    def get_verify_url(self, obj) -> str:
        return verify_url(obj.code)

    def get_certificate_ready(self, obj) -> bool:
        return bool(obj.certificate) and not obj.is_revoked


# What a certificate's status can be to the public: as the published status lists say.
PUBLIC_STATUSES = [*Accreditation.Status.choices, ("suspended", "Holder suspended from the register")]


class PublicAccreditationSerializer(serializers.Serializer):
    name = serializers.CharField()
    registration_number = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    level_label = serializers.CharField()
    awarded_on = serializers.DateField()
    status = serializers.ChoiceField(choices=PUBLIC_STATUSES)
    revoked_on = serializers.DateField(allow_null=True)


class CredentialCheckRequestSerializer(serializers.Serializer):
    credential = serializers.JSONField(help_text="The signed credential, as the JSON object (or its text).")


class CredentialCheckResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CHECK_STATUSES)
    reasons = serializers.ListField(child=serializers.CharField())
    accreditation = PublicAccreditationSerializer(allow_null=True)


class BatchSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True, default="")
    awarded_from = serializers.DateField(required=False, allow_null=True, default=None)
    awarded_to = serializers.DateField(required=False, allow_null=True, default=None)
