from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from . import schedule
from .models import (
    Enrolment,
    Evidence,
    FundingClaim,
    FundingClaimLine,
    Pause,
    Programme,
    Review,
    ReviewWindowException,
)


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "length_months",
            "available_from",
            "review_points",
            "standards",
            "supervision_schedule",
            "caseload_expectation",
            "protected_hours_per_week",
            "funding_milestones",
            "later_milestones",
        ]


@extend_schema_serializer(component_name="EarlyCareerReview")  # the pathway has its own "Review"
class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = [
            "id",
            "point",
            "point_label",
            "held_on",
            "assessor",
            "judgements",
            "evidence_seen",
            "actions",
            "recommendation",
            "is_final",
            "returned_at",
        ]


class ProtectedTimeStatusSerializer(serializers.Serializer):
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1, source="per_week")
    weeks_worked = serializers.IntegerField(source="weeks")
    expected_hours = serializers.DecimalField(max_digits=7, decimal_places=1, source="expected")
    recorded_hours = serializers.DecimalField(max_digits=7, decimal_places=1, source="recorded")
    shortfall_hours = serializers.DecimalField(max_digits=7, decimal_places=1, source="shortfall")
    behind = serializers.BooleanField()


class SupervisionStatusSerializer(serializers.Serializer):
    last_held = serializers.DateField(allow_null=True)
    next_due = serializers.DateField()
    interval_days = serializers.IntegerField(source="interval", help_text="Pro rata for part-time work.")
    overdue = serializers.BooleanField()
    state = serializers.CharField()


class ReviewWindowExceptionSerializer(serializers.ModelSerializer):
    granted_by = serializers.CharField(source="granted_by.get_full_name", read_only=True)

    class Meta:
        model = ReviewWindowException
        fields = ["point", "reason", "granted_by", "granted_at"]


class EnrolmentSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)
    review_window_exceptions = ReviewWindowExceptionSerializer(source="window_exceptions", many=True, read_only=True)
    supervision_sessions_held = serializers.SerializerMethodField()
    supervision = serializers.SerializerMethodField()
    protected_time = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "programme",
            "participant",
            "registration_number",
            "participant_name",
            "employer",
            "employer_name",
            "cohort",
            "team",
            "fte",
            "start_date",
            "planned_end_date",
            "end_date",
            "supervisor",
            "assessor",
            "line_manager",
            "assessor_is_line_manager",
            "status",
            "outcome_on",
            "sampled_for_external",
            "annotation_added_on",
            "reviews",
            "review_window_exceptions",
            "supervision_sessions_held",
            "supervision",
            "protected_time",
        ]

    def get_supervision_sessions_held(self, obj) -> int:
        return len(obj.supervision_sessions.all())

    @extend_schema_field(SupervisionStatusSerializer)
    def get_supervision(self, obj) -> dict:
        status = schedule.supervision(obj, obj.supervision_sessions.all(), obj.pauses.all(), timezone.localdate())
        return SupervisionStatusSerializer(status).data

    @extend_schema_field(ProtectedTimeStatusSerializer)
    def get_protected_time(self, obj) -> dict:
        status = schedule.protected_time(obj, obj.protected_time.all(), obj.pauses.all(), timezone.localdate())
        return ProtectedTimeStatusSerializer(status).data


class EnrolInputSerializer(serializers.Serializer):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.filter(is_active=True))
    registration_number = serializers.CharField(max_length=12)
    employer = serializers.IntegerField(help_text="The organisation enrolling (you must co-ordinate there).")
    start_date = serializers.DateField()
    supervisor = serializers.IntegerField(help_text="User id of a registered social worker.")
    assessor = serializers.IntegerField(help_text="User id of a registered social worker.")
    line_manager = serializers.IntegerField(required=False, allow_null=True)
    team = serializers.CharField(max_length=200)
    fte = serializers.DecimalField(max_digits=3, decimal_places=2)
    cohort = serializers.CharField(max_length=100, required=False, allow_blank=True)


class SupervisionInputSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    minutes = serializers.IntegerField(min_value=1, max_value=480)
    themes = serializers.CharField()


class LearningAgreementInputSerializer(serializers.Serializer):
    agreed_on = serializers.DateField()
    development_needs = serializers.CharField()
    support = serializers.CharField()
    workload = serializers.CharField(required=False, allow_blank=True)


class ProtectedTimeInputSerializer(serializers.Serializer):
    week_starting = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    activity = serializers.CharField(max_length=255)


class CaseloadInputSerializer(serializers.Serializer):
    month = serializers.DateField()
    cases = serializers.IntegerField(min_value=0)
    experienced_caseload = serializers.IntegerField(min_value=1)


class EvidenceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Evidence.Kind.values)
    title = serializers.CharField(max_length=200)
    occurred_on = serializers.DateField()
    text = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(
        required=False,
        help_text="Optional (send as multipart/form-data): PDF, Word, Excel, PowerPoint, OpenDocument, JPG or PNG, "
        "checked by its content. Give text, a file or both.",
    )


class EvidenceSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField(help_text="Where to download the file, for those who may see it.")

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "title",
            "occurred_on",
            "text",
            "original_name",
            "detected_type",
            "size",
            "file_url",
            "added_by",
            "added_at",
        ]

    def get_file_url(self, obj) -> str | None:
        if not obj.file:
            return None
        return reverse("training-evidence-file", args=[obj.pk])


class PauseInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Pause.Kind.values)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    reason = serializers.CharField()


class ReviewInputSerializer(serializers.Serializer):
    point = serializers.CharField(max_length=40)
    held_on = serializers.DateField()
    judgements = serializers.DictField(child=serializers.ChoiceField(choices=Review.Judgement.values))
    evidence_seen = serializers.CharField()
    actions = serializers.CharField(required=False, allow_blank=True)
    recommendation = serializers.ChoiceField(choices=Review.Recommendation.choices, required=False, allow_blank=True)
    standard_evidence = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="The final assessment only: standard → the evidence for its judgement (met or not met).",
    )


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ReviewWindowExceptionInputSerializer(serializers.Serializer):
    point = serializers.CharField(help_text="The review point's key, for example 6_months (not the final assessment).")
    reason = serializers.CharField()


class InternalModerationInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["confirmed", "returned"])
    reason = serializers.CharField()


class ExternalModerationInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Review.Recommendation.choices)
    reason = serializers.CharField()


class FundingClaimLineSerializer(serializers.ModelSerializer):
    participant_name = serializers.CharField(source="enrolment.participant_name", read_only=True)

    class Meta:
        model = FundingClaimLine
        fields = ["enrolment", "participant_name", "milestone", "milestone_label", "reached_on", "amount"]


class FundingClaimSerializer(serializers.ModelSerializer):
    lines = FundingClaimLineSerializer(many=True, read_only=True)

    class Meta:
        model = FundingClaim
        fields = ["id", "employer", "period_start", "period_end", "total", "created_at", "lines"]
        read_only_fields = ["total", "created_at"]


class ClaimInputSerializer(serializers.Serializer):
    employer = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class FiguresRowSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    region = serializers.CharField(required=False)
    employer = serializers.CharField(required=False)
    employer_id = serializers.IntegerField(required=False)
    enrolled = serializers.IntegerField()
    completed = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    extended = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    completion_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class NationalFiguresSerializer(serializers.Serializer):
    employers = FiguresRowSerializer(many=True)
    regions = FiguresRowSerializer(many=True)
    years = FiguresRowSerializer(many=True)


class JourneyStepSerializer(serializers.Serializer):
    title = serializers.CharField()
    state = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField()
    source = serializers.CharField()
