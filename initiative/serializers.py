from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from initiative.contact import NAME_MAX as CONTACT_NAME_MAX
from initiative.lifecycle import Status
from initiative.models import Initiative, PacketStatus, Role
from personal_data.person_text import ADDRESS_MAX, FULL_NAME_MAX


class MunicipalityRefSerializer(serializers.Serializer):
    teryt = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class TimelineEntrySerializer(serializers.Serializer):
    status = serializers.CharField(source="to_status")
    action = serializers.CharField()
    at = serializers.DateTimeField()
    # Public like the rest of the timeline: a withdrawal's or a rejection's reasons, a supplement's note.
    reason = serializers.CharField()


class CommitteeMemberOutSerializer(serializers.Serializer):
    """Public view of a member: name and role only; the address stays with the council (packet)."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    declared = serializers.SerializerMethodField()
    erased = serializers.SerializerMethodField(help_text="The name was deleted under the retention rules.")

    def get_declared(self, member) -> bool:
        return member.declared_at is not None

    def get_erased(self, member) -> bool:
        return member.erased_at is not None


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
        return self._count(initiative).reached

    def get_signature_threshold(self, initiative: Initiative) -> int | None:
        """Frozen at opening; before that, what the council's figure gives today (`Initiative.threshold`)."""
        return self._count(initiative).threshold

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
    """Shape only: the rules of names and addresses are personal_data.person_text's, through the service."""

    full_name = serializers.CharField(max_length=FULL_NAME_MAX)
    address = serializers.CharField(max_length=ADDRESS_MAX)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)


class CommitteeContactSerializer(serializers.Serializer):
    """Shape only: the rules are initiative.contact's, through the service."""

    name = serializers.CharField(max_length=CONTACT_NAME_MAX)
    address = serializers.CharField(max_length=ADDRESS_MAX)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    recorded = serializers.BooleanField(read_only=True)


class InvitationAcceptSerializer(DeclarationSerializer):
    token = serializers.CharField(max_length=500)


class PacketOutSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.CharField()
    sha256 = serializers.CharField()
    merkle_root = serializers.CharField()
    records = serializers.IntegerField(allow_null=True)
    size_bytes = serializers.IntegerField(allow_null=True)
    ready_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, packet) -> str | None:
        if packet.status != PacketStatus.READY or packet.file_deleted_at is not None:
            return None
        return reverse("api-packet-download", args=[packet.initiative_id]) + f"?version={packet.version}"


class VerificationCountsSerializer(serializers.Serializer):
    valid = serializers.IntegerField()
    invalid = serializers.IntegerField()
    unchecked = serializers.IntegerField()
    total = serializers.IntegerField()
    threshold = serializers.IntegerField()
    threshold_met = serializers.BooleanField()


class ClerkInitiativeOutSerializer(InitiativeOutSerializer):
    """What a clerk of the council sees: the public fields, the verification counts, the term and the
    packet versions. The context carries the clerk's views (`clerk_views`: id → ClerkView)."""

    days_left = serializers.SerializerMethodField()
    verification = serializers.SerializerMethodField()
    packet_status = serializers.SerializerMethodField()
    packets = serializers.SerializerMethodField()
    supplement_available = serializers.SerializerMethodField()

    class Meta(InitiativeOutSerializer.Meta):
        fields = [
            *InitiativeOutSerializer.Meta.fields,
            "days_left",
            "verification",
            "packet_status",
            "packets",
            "population_used",
            "population_as_of_used",
            "population_source_used",
            "supplement_requested_at",
            "supplement_available",
            "received_on",
            "verification_deadline",
            "originals_received_on",
            "originals_missing",
            "session_date",
            "outcome_resolution_number",
            "finished_at",
        ]

    def _view(self, initiative: Initiative):
        return self.context["clerk_views"][initiative.pk]

    def get_days_left(self, initiative: Initiative) -> int | None:
        return self._view(initiative).days_left

    @extend_schema_field(VerificationCountsSerializer)
    def get_verification(self, initiative: Initiative) -> dict:
        return VerificationCountsSerializer(self._view(initiative).counts).data

    def get_packet_status(self, initiative: Initiative) -> str | None:
        latest = self._view(initiative).latest_packet
        return latest.status if latest else None

    @extend_schema_field(PacketOutSerializer(many=True))
    def get_packets(self, initiative: Initiative) -> list[dict]:
        return PacketOutSerializer(self._view(initiative).packets, many=True).data

    def get_supplement_available(self, initiative: Initiative) -> bool:
        return self._view(initiative).supplement_available


class ClerkAcceptOutSerializer(ClerkInitiativeOutSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(ClerkInitiativeOutSerializer.Meta):
        fields = [*ClerkInitiativeOutSerializer.Meta.fields, "warnings"]


class ReceiveSerializer(serializers.Serializer):
    received_on = serializers.DateField(
        help_text="The day the council's office received the draft (YYYY-MM-DD): from its register or the "
        "ePUAP / e-Doręczenia receipt"
    )


class OriginalsSerializer(serializers.Serializer):
    received_on = serializers.DateField(help_text="The day the paper originals reached the office")
    missing_sheets = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=10_000,
        help_text="Numbers of the sheets whose originals did not arrive",
    )


class AcceptSerializer(serializers.Serializer):
    session_date = serializers.DateField(help_text="The day of the council's session (YYYY-MM-DD)")


class SupplementSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    reasons = serializers.CharField(required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text='"adopted" or "not_adopted"')
    resolution_number = serializers.CharField(required=False, allow_blank=True, default="")
