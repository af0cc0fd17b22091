from rest_framework import serializers

from .models import Job, Membership, Organisation, User


class MembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.StringRelatedField()

    class Meta:
        model = Membership
        fields = ["organisation", "role", "started_on"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(source="active_memberships", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "memberships"]


class OrganisationSerializer(serializers.ModelSerializer):
    # Regulators, universities and other bodies have no region: the schema must say it can be null.
    region = serializers.StringRelatedField(allow_null=True)
    ons_code = serializers.CharField(source="current_ons_code", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "la_number", "ons_code", "region", "is_active"]


class JobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    waiting_for_broker = serializers.BooleanField(
        source="is_waiting_for_broker", read_only=True, help_text="Saved, and will start once the broker is back."
    )
    stalled = serializers.BooleanField(
        source="is_stalled", read_only=True, help_text="Its worker stopped; it will be restarted or marked failed."
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "progress",
            "message",
            "error",
            "created_at",
            "finished_at",
            "download_url",
            "waiting_for_broker",
            "stalled",
        ]

    def get_download_url(self, job) -> str | None:
        from django.urls import reverse

        return (
            reverse("job_download", args=[job.pk]) if job.status == Job.Status.SUCCEEDED and job.result_file else None
        )
