"""Practice observation in the API: sessions, bookings, scoresheets, moderation and calibration."""

from rest_framework import serializers

from ..models import AssessmentSession, Booking, DomainScore, Observation, Recommendation, Scoresheet


class SessionSerializer(serializers.ModelSerializer):
    venue = serializers.CharField(source="venue.name", read_only=True)
    places_free = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentSession
        fields = ["id", "kind", "venue", "address", "date", "slot", "capacity", "places_free"]

    def get_places_free(self, obj) -> int | None:
        taken = getattr(obj, "taken", None)
        return None if taken is None else obj.capacity - taken


class BookingSerializer(serializers.ModelSerializer):
    session = SessionSerializer(read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "candidate",
            "session",
            "status",
            "adjustments",
            "booked_at",
            "cancelled_at",
            "cancelled_reason",
        ]


class BookSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    adjustments = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class CancelReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class CheckInSerializer(serializers.Serializer):
    photo_id = serializers.BooleanField()
    registration_number = serializers.BooleanField()
    recording_consent = serializers.BooleanField()
    footage_for_training = serializers.BooleanField(required=False, default=False)


class DomainScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = DomainScore
        fields = ["domain_key", "score", "evidence"]


class ScoresheetSerializer(serializers.ModelSerializer):
    scores = DomainScoreSerializer(many=True, read_only=True)
    candidate = serializers.IntegerField(source="observation.candidate_id", read_only=True)

    class Meta:
        model = Scoresheet
        fields = [
            "id",
            "candidate",
            "marker",
            "status",
            "scores",
            "reflection_mark",
            "recommendation",
            "summary",
            "updated_at",
            "submitted_at",
        ]


class ScoreEntrySerializer(serializers.Serializer):
    domain_key = serializers.CharField(max_length=16)
    score = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class DraftSerializer(serializers.Serializer):
    scores = ScoreEntrySerializer(many=True, required=False)
    reflection_mark = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    recommendation = serializers.ChoiceField(choices=["", *Recommendation.values], required=False, default="")
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class ObservationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Observation
        fields = [
            "id",
            "candidate",
            "status",
            "outcome",
            "moderation_reasons",
            "moderation_reason",
            "moderated_at",
            "decided_at",
        ]


class ResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Observation.Outcome.PASSED, Observation.Outcome.NOT_PASSED])
    reason = serializers.CharField(max_length=4000)


class AgreementSerializer(serializers.Serializer):
    pairs = serializers.IntegerField()
    exact = serializers.IntegerField()
    within_one = serializers.IntegerField()
    exact_percent = serializers.IntegerField(allow_null=True)
    within_one_percent = serializers.IntegerField(allow_null=True)


class DomainAgreementSerializer(AgreementSerializer):
    key = serializers.CharField()


class QuarterAgreementSerializer(AgreementSerializer):
    quarter = serializers.CharField()


class CalibrationSerializer(serializers.Serializer):
    assessor_id = serializers.IntegerField()
    name = serializers.CharField()
    candidates = serializers.IntegerField()
    all = AgreementSerializer()
    domains = DomainAgreementSerializer(many=True)
    quarters = QuarterAgreementSerializer(many=True)
