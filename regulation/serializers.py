from rest_framework import serializers

from accounts.models import Organisation

from .models import (
    Annotation,
    Application,
    CaseStage,
    Condition,
    CPDRecord,
    DirectWorkLog,
    Employment,
    EntryStatus,
    FitnessToPractiseCase,
    Order,
    RegisterEntry,
    StatusChange,
)


class PublicEntrySerializer(serializers.Serializer):
    registration_number = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    registered_on = serializers.DateField()
    qualification = serializers.CharField()
    employer_town = serializers.CharField()
    conditions = serializers.ListField(child=serializers.CharField())
    sanctions = serializers.ListField(child=serializers.DictField())
    annotations = serializers.ListField(child=serializers.CharField())


class BulkLookupSerializer(serializers.Serializer):
    numbers = serializers.ListField(child=serializers.CharField(max_length=20), allow_empty=False)


class StatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.StringRelatedField()
    reason = serializers.SerializerMethodField(help_text="Given to regulator staff only; empty for anyone else.")

    def get_reason(self, change) -> str:
        request = self.context.get("request")
        if request is not None and request.user.has_perm("regulation.view_statuschange_history_reasons", change):
            return change.reason
        return ""

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "reason", "changed_at", "changed_by"]


class ConditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Condition
        fields = ["id", "text", "starts_on", "ends_on", "case", "order", "revoked_at", "revoked_reason"]
        read_only_fields = ["order", "revoked_at", "revoked_reason"]
        # The service requires an end date; saying so here gives a 400 naming the field, not a 500.
        extra_kwargs = {"ends_on": {"required": True, "allow_null": False}}


class AnnotationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Annotation
        fields = ["id", "kind", "starts_on", "ends_on", "note"]


class OrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "case", "kind", "starts_on", "review_on", "expires_on", "status", "reason", "end_reason"]


class RegisterEntrySerializer(serializers.ModelSerializer):
    status_history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)
    current_employer = serializers.StringRelatedField()
    status = serializers.ChoiceField(
        source="status_today", choices=EntryStatus.choices, read_only=True, help_text="The status today."
    )

    class Meta:
        model = RegisterEntry
        fields = [
            "id",
            "registration_number",
            "first_name",
            "last_name",
            "status",
            "registered_on",
            "registered_until",
            "qualification",
            "qualified_on",
            "current_employer",
            "status_history",
        ]


class ApplicationSerializer(serializers.ModelSerializer):
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind__in=["local_authority", "other_employer"]),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "address",
            "qualification",
            "qualified_on",
            "employer",
            "status",
            "information_requested",
            "decision_reason",
            "entry",
        ]
        read_only_fields = ["status", "information_requested", "decision_reason", "entry"]


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "refuse", "more_information"])
    reason = serializers.CharField()


class CPDRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = CPDRecord
        fields = ["id", "title", "activity_date", "learning", "impact", "discussed_with_peer", "peer_name"]
        # The service needs an answer either way (the form asks yes or no), so the API asks for one too.
        extra_kwargs = {
            "discussed_with_peer": {
                "required": True,
                "error_messages": {"required": "Say whether you discussed this activity with a peer (true or false)."},
            }
        }


class DirectWorkSerializer(serializers.ModelSerializer):
    class Meta:
        model = DirectWorkLog
        fields = ["id", "worked_on", "hours", "description"]


class EmploymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employment
        fields = ["id", "employer", "role_title", "started_on", "ended_on", "fte", "contract", "confirmed_at"]
        read_only_fields = ["ended_on", "confirmed_at"]


class EndEmploymentSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    reason = serializers.CharField()


class CaseStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseStage
        fields = ["stage", "started_on", "note", "recorded_at"]


class CaseSerializer(serializers.ModelSerializer):
    stages = CaseStageSerializer(many=True, read_only=True)
    orders = OrderSerializer(many=True, read_only=True)

    class Meta:
        model = FitnessToPractiseCase
        fields = [
            "id",
            "entry",
            "concern",
            "source",
            "received_on",
            "stage",
            "outcome",
            "outcome_reason",
            "closed_on",
            "stages",
            "orders",
        ]
        read_only_fields = ["stage", "outcome", "outcome_reason", "closed_on"]


class StageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=[c for c in FitnessToPractiseCase.Stage.values if c != "closed"])
    note = serializers.CharField()


class InterimOrderSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(Order.INTERIM))
    starts_on = serializers.DateField()
    review_on = serializers.DateField()
    expires_on = serializers.DateField()
    reason = serializers.CharField()
    conditions = serializers.ListField(child=serializers.CharField(), required=False)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=FitnessToPractiseCase.Outcome.values)
    reason = serializers.CharField()
    starts_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    conditions = serializers.ListField(child=serializers.CharField(), required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ApplicantResponseSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=5000)


class EndAnnotationSerializer(serializers.Serializer):
    ends_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)
