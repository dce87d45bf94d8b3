from rest_framework import serializers

from initiative.lifecycle import Status
from initiative.models import Initiative, Role


class MunicipalityRefSerializer(serializers.Serializer):
    teryt = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class TimelineEntrySerializer(serializers.Serializer):
    status = serializers.CharField(source="to_status")
    action = serializers.CharField()
    at = serializers.DateTimeField()


class CommitteeMemberOutSerializer(serializers.Serializer):
    """Public view of a member: name and role only; the address stays with the council (packet)."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    declared = serializers.SerializerMethodField()

    def get_declared(self, member) -> bool:
        return member.declared_at is not None


class FindingSerializer(serializers.Serializer):
    level = serializers.CharField()
    message = serializers.CharField()


class InitiativeOutSerializer(serializers.ModelSerializer):
    municipality = MunicipalityRefSerializer()
    template = serializers.CharField(source="template_version.template.slug")
    signature_count = serializers.SerializerMethodField()
    signature_threshold = serializers.SerializerMethodField()
    threshold_reached = serializers.SerializerMethodField()
    timeline = TimelineEntrySerializer(source="status_changes", many=True)
    committee = serializers.SerializerMethodField()

    class Meta:
        model = Initiative
        fields = [
            "id",
            "title",
            "status",
            "municipality",
            "template",
            "signature_count",
            "signature_threshold",
            "threshold_reached",
            "opened_at",
            "collection_ends_at",
            "submitted_at",
            "consideration_deadline",
            "timeline",
            "committee",
        ]

    def _count(self, initiative: Initiative):
        # Counts come from the signatures layer, read for the whole page at once (see InitiativeListApi).
        counts = self.context.get("support_counts")
        if counts is None or initiative.pk not in counts:
            from signatures.selectors import support_count

            return support_count(initiative)
        return counts[initiative.pk]

    def get_signature_count(self, initiative: Initiative) -> int:
        return self._count(initiative).counted

    def get_threshold_reached(self, initiative: Initiative) -> bool:
        threshold = self.get_signature_threshold(initiative)
        return threshold is not None and self.get_signature_count(initiative) >= threshold

    def get_signature_threshold(self, initiative: Initiative) -> int | None:
        """Frozen at opening; before that, what the council's figure gives today."""
        if initiative.signature_threshold is not None:
            return initiative.signature_threshold
        return initiative.municipality.signature_threshold

    def get_committee(self, initiative: Initiative) -> list[dict]:
        members = getattr(initiative, "active_members", None)
        if members is None:
            members = initiative.committee_members.filter(left_at__isnull=True)
        return CommitteeMemberOutSerializer(members, many=True).data


class InitiativeCreateSerializer(serializers.Serializer):
    municipality = serializers.CharField(help_text="TERC code of the council")
    template = serializers.CharField(help_text="slug of a legal template")
    fields = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)
    justification = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


class InitiativeUpdateSerializer(serializers.Serializer):
    fields = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)
    justification = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


class InitiativeFilterSerializer(serializers.Serializer):
    municipality = serializers.RegexField(r"^(?:[0-9]{2}|[0-9]{4}|[0-9]{7})$", required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()


class DeclarationSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=300)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)


class InvitationAcceptSerializer(DeclarationSerializer):
    token = serializers.CharField(max_length=500)
