from rest_framework import serializers

from .models import Course


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
