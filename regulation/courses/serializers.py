from rest_framework import serializers

from .models import Course, CourseApplication, InspectionExemption


class PublicCourseSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.name", read_only=True)
    region = serializers.CharField(source="provider.region.name", read_only=True, default="")
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    mode_label = serializers.CharField(source="get_mode_display", read_only=True)
    public_status = serializers.CharField(read_only=True)
    approval_ended_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "provider",
            "region",
            "title",
            "award",
            "level",
            "level_label",
            "mode",
            "mode_label",
            "site",
            "annual_places",
            "status",
            "public_status",
            "approved_on",
            "approval_ended_on",
        ]


class WithdrawApplicationSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class InspectionExemptionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text="Why the course need not be inspected.")


class InspectionExemptionSerializer(serializers.ModelSerializer):
    granted_by = serializers.CharField(source="granted_by.get_full_name", read_only=True)

    class Meta:
        model = InspectionExemption
        fields = ["application", "reason", "granted_by", "granted_at"]
        read_only_fields = fields


class CourseApplicationStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseApplication
        fields = ["id", "course", "kind", "status", "withdrawn_at", "withdrawal_reason"]
        read_only_fields = fields


class MatchCourseSerializer(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.filter(approved_on__isnull=False))
    reason = serializers.CharField(max_length=5000)


class UnmatchedApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    qualification = serializers.CharField(read_only=True, help_text="The course as the applicant named it.")
    qualified_on = serializers.DateField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True)
    course = serializers.IntegerField(source="course_id", read_only=True, allow_null=True)
    course_matched_at = serializers.DateTimeField(read_only=True)
    course_match_reason = serializers.CharField(read_only=True)
