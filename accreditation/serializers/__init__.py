"""API shapes for the pathway. A candidate's view of a question carries option ids and texts only: no
serializer a candidate can reach has a field for the key (``is_correct``) or an item's rationale."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Attempt, Candidate, Domain, Item, Level, LevelSettings, Option, StandardVersion


class DomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["key", "position", "title", "description"]


class StandardSerializer(serializers.ModelSerializer):
    domains = DomainSerializer(many=True, read_only=True)

    class Meta:
        model = StandardVersion
        fields = ["id", "level", "version", "title", "published_at", "change_note", "domains"]


class StandardRevisionSerializer(serializers.Serializer):
    domains = DomainSerializer(many=True)
    reason = serializers.CharField()


class SettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = LevelSettings
        fields = [
            "level",
            "general_items",
            "applied_items",
            "general_items_level",
            "minutes",
            "pass_mark_percent",
            "resit_wait_days",
            "attempt_limit",
        ]
        read_only_fields = ["level", "general_items_level"]


class SettingsChangeSerializer(SettingsSerializer):
    reason = serializers.CharField(write_only=True)

    class Meta(SettingsSerializer.Meta):
        fields = [*SettingsSerializer.Meta.fields, "reason"]


class CandidateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    standard_version = serializers.IntegerField(source="standard.version", read_only=True)
    paused = serializers.SerializerMethodField()
    mappings = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = [
            "id",
            "user",
            "name",
            "registration_number",
            "level",
            "standard_version",
            "organisation",
            "organisation_name",
            "stage",
            "status",
            "endorsement",
            "endorsement_reason",
            "endorsement_decided_at",
            "extra_minutes",
            "knowledge_passed_at",
            "started_at",
            "paused",
            "mappings",
        ]
        read_only_fields = fields

    def get_paused(self, obj) -> str:
        return getattr(obj, "paused", "")

    def get_mappings(self, obj) -> dict[str, str]:
        return {m.domain_key: m.statement for m in obj.mappings.all()}


class NominateSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="The social worker's user id.")
    level = serializers.ChoiceField(choices=Level.choices)
    organisation = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RequestSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices)
    organisation = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class MappingSerializer(serializers.Serializer):
    statements = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=2000))


class AccreditationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class AdjustmentSerializer(serializers.Serializer):
    extra_minutes = serializers.IntegerField(min_value=0, max_value=240)
    note = serializers.CharField(max_length=255)


class CandidateOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "text"]


class QuestionSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    kind = serializers.CharField(source="item.kind")
    domain = serializers.CharField(source="item.domain_key")
    applied = serializers.BooleanField(source="item.is_applied")
    question = serializers.CharField(source="item.stem")
    options = CandidateOptionSerializer(source="item.options", many=True)
    selected = serializers.ListField(child=serializers.IntegerField())


class ScenarioPassageSerializer(serializers.Serializer):
    title = serializers.CharField()
    passage = serializers.CharField()


class BreakdownSerializer(serializers.Serializer):
    domain = serializers.CharField()
    title = serializers.CharField()
    correct = serializers.IntegerField()
    total = serializers.IntegerField()


class AttemptSerializer(serializers.ModelSerializer):
    """The candidate's test: questions, saved answers and time left; after marking, the result."""

    level = serializers.CharField(source="candidate.level", read_only=True)
    seconds_left = serializers.SerializerMethodField()
    scenario = ScenarioPassageSerializer(read_only=True, allow_null=True)
    questions = serializers.SerializerMethodField()
    breakdown = BreakdownSerializer(many=True, read_only=True)

    class Meta:
        model = Attempt
        fields = [
            "id",
            "candidate",
            "level",
            "number",
            "status",
            "started_at",
            "deadline",
            "seconds_left",
            "submitted_at",
            "ended_by_deadline",
            "pass_mark_percent",
            "score",
            "max_score",
            "passed",
            "breakdown",
            "scenario",
            "questions",
        ]
        read_only_fields = fields

    def get_seconds_left(self, obj) -> int:
        return obj.seconds_left() if obj.status == Attempt.Status.IN_PROGRESS else 0

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, obj):
        if obj.status != Attempt.Status.IN_PROGRESS:
            return []
        return QuestionSerializer(obj.items.all(), many=True).data


class AnswerSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=1)
    options = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


class SavedAnswerSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    selected = serializers.ListField(child=serializers.IntegerField())
    answered_at = serializers.DateTimeField()
    seconds_left = serializers.IntegerField()


class AuthorOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "position", "text", "is_correct"]


class ItemSerializer(serializers.ModelSerializer):
    """For regulator staff only (the bank), so it carries the key."""

    options = AuthorOptionSerializer(many=True, read_only=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "level",
            "domain_key",
            "kind",
            "scenario",
            "stem",
            "rationale",
            "status",
            "version",
            "previous",
            "author",
            "reviewed_by",
            "reviewed_at",
            "retired_reason",
            "options",
        ]
        read_only_fields = fields


class NewOptionSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    correct = serializers.BooleanField(default=False)


class ItemWriteSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices)
    domain_key = serializers.CharField(max_length=16)
    kind = serializers.ChoiceField(choices=Item.Kind.choices)
    scenario = serializers.IntegerField(required=False, allow_null=True, default=None)
    stem = serializers.CharField()
    rationale = serializers.CharField(required=False, allow_blank=True, default="")
    options = NewOptionSerializer(many=True)


class ItemRevisionSerializer(serializers.Serializer):
    stem = serializers.CharField()
    rationale = serializers.CharField(required=False, allow_blank=True, default="")
    options = NewOptionSerializer(many=True)


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField()


class ItemStatSerializer(serializers.Serializer):
    item_id = serializers.IntegerField()
    stem = serializers.CharField()
    responses = serializers.IntegerField()
    facility = serializers.FloatField()
    discrimination = serializers.FloatField(allow_null=True)


class FormStatSerializer(serializers.Serializer):
    attempt_id = serializers.IntegerField()
    score = serializers.IntegerField()
    max_score = serializers.IntegerField()
    mean_facility = serializers.FloatField(allow_null=True)


class FormStatPageSerializer(serializers.Serializer):
    """One page of forms (``?page=``), paged as every list in the API is."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FormStatSerializer(many=True)


class StatisticsSerializer(serializers.Serializer):
    items = ItemStatSerializer(many=True)
    forms = FormStatPageSerializer()


class PipelineRowSerializer(serializers.Serializer):
    level = serializers.CharField()
    label = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField())
    sat = serializers.IntegerField()
    passed = serializers.IntegerField()
    pass_rate = serializers.IntegerField(allow_null=True)


class PipelineSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    rows = PipelineRowSerializer(many=True)


class PathwayStageSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    state = serializers.CharField()


class PathwayLevelSerializer(serializers.Serializer):
    level = serializers.CharField()
    label = serializers.CharField()
    accredited = serializers.BooleanField()
    candidate = serializers.SerializerMethodField()
    stages = PathwayStageSerializer(many=True)
    next = serializers.CharField()
    resit_from = serializers.DateTimeField(allow_null=True)
    attempts_left = serializers.IntegerField()
    attempts = serializers.SerializerMethodField()

    def get_candidate(self, obj) -> int | None:
        return obj["candidate"].pk if obj["candidate"] else None

    def get_attempts(self, obj) -> list[int]:
        return [a.pk for a in obj["attempts"]]
