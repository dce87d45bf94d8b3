"""The initiative API for committees and the public (docs/contract.md §Initiatives): one view per
operation."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from initiative import committee, services
from initiative.chair_notice import chair_notice_record
from initiative.contact import committee_contact, committee_contact_set
from initiative.errors import NotVisible
from initiative.filing.submit import initiative_submit
from initiative.models import Initiative
from initiative.selectors import initiative_visible, initiatives_public
from initiative.serializers import (
    CommitteeContactSerializer,
    DeclarationSerializer,
    FindingSerializer,
    InitiativeCreateSerializer,
    InitiativeFilterSerializer,
    InitiativeOutSerializer,
    InitiativeUpdateSerializer,
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    ReasonSerializer,
)
from legal_templates.models import LegalTemplate
from municipalities.models import Unit
from signatures.selectors import support_counts


def _output(initiative_id: int, user, findings=None, *, status_code=status.HTTP_200_OK) -> Response:
    initiative = initiative_visible(initiative_id, user)
    data = InitiativeOutSerializer(initiative).data
    if findings is not None:
        data["formal_check"] = FindingSerializer(findings, many=True).data
    return Response(data, status=status_code)


class InitiativeListApi(generics.ListCreateAPIView):
    """Public list of initiatives (all but drafts); signed-in people start a new one."""

    serializer_class = InitiativeOutSerializer

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    def get_queryset(self):
        filters = InitiativeFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return initiatives_public(**filters.validated_data)

    def get_serializer(self, *args, **kwargs):
        if args and not isinstance(args[0], Initiative):  # a page: read its counts in one query
            kwargs.setdefault("context", self.get_serializer_context())["support_counts"] = support_counts(
                args[0]
            )
        return super().get_serializer(*args, **kwargs)

    @extend_schema(request=InitiativeCreateSerializer, responses={201: InitiativeOutSerializer})
    def post(self, request):
        payload = InitiativeCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        errors = {}
        unit = Unit.objects.filter(teryt=data["municipality"]).first()
        template = LegalTemplate.objects.filter(slug=data["template"]).first()
        if unit is None:
            errors["municipality"] = ["No council with this TERC code."]
        if template is None:
            errors["template"] = ["No template with this slug."]
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        initiative, findings = services.initiative_create(
            author=request.user,
            unit=unit,
            template=template,
            fields=data["fields"],
            justification=data["justification"],
        )
        return _output(initiative.pk, request.user, findings, status_code=status.HTTP_201_CREATED)


class InitiativeDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=InitiativeOutSerializer)
    def get(self, request, initiative_id: int):
        if initiative_visible(initiative_id, request.user) is None:
            raise NotVisible
        return _output(initiative_id, request.user)

    @extend_schema(request=InitiativeUpdateSerializer, responses=InitiativeOutSerializer)
    def patch(self, request, initiative_id: int):
        if not request.user.is_authenticated:
            self.permission_denied(request)
        payload = InitiativeUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        _initiative, findings = services.initiative_update(
            initiative_id=initiative_id, actor=request.user, **payload.validated_data
        )
        return _output(initiative_id, request.user, findings)


class InitiativeOpenApi(APIView):
    @extend_schema(request=None, responses=InitiativeOutSerializer)
    def post(self, request, initiative_id: int):
        services.initiative_open(initiative_id=initiative_id, actor=request.user)
        return _output(initiative_id, request.user)


class InitiativeSubmitApi(APIView):
    """The committee files the initiative with the council once the threshold is reached (409 before)."""

    @extend_schema(request=None, responses=InitiativeOutSerializer)
    def post(self, request, initiative_id: int):
        initiative_submit(initiative_id=initiative_id, actor=request.user)
        return _output(initiative_id, request.user)


class InitiativeWithdrawApi(APIView):
    @extend_schema(request=ReasonSerializer, responses=InitiativeOutSerializer)
    def post(self, request, initiative_id: int):
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.initiative_withdraw(
            initiative_id=initiative_id, actor=request.user, **payload.validated_data
        )
        return _output(initiative_id, request.user)


class CommitteeInvitationCreateApi(APIView):
    @extend_schema(
        request=InvitationCreateSerializer,
        responses={
            201: inline_serializer(
                "InvitationOut",
                {
                    "id": serializers.IntegerField(),
                    "email": serializers.EmailField(),
                    "emailed": serializers.BooleanField(),
                },
            )
        },
    )
    def post(self, request, initiative_id: int):
        payload = InvitationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        asked_at = timezone.now()
        invitation = committee.committee_invite(
            initiative_id=initiative_id, actor=request.user, email=payload.validated_data["email"]
        )
        # `emailed` is false for a repeat within a day: the pending invitation stands, no second e-mail.
        return Response(
            {"id": invitation.pk, "email": invitation.email, "emailed": invitation.sent_at >= asked_at},
            status=status.HTTP_201_CREATED,
        )


class CommitteeAcceptApi(APIView):
    @extend_schema(request=InvitationAcceptSerializer, responses=InitiativeOutSerializer)
    def post(self, request):
        payload = InvitationAcceptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        seat = committee.committee_accept(user=request.user, **payload.validated_data)
        return _output(seat.initiative_id, request.user)


class CommitteeDeclarationApi(APIView):
    @extend_schema(request=DeclarationSerializer, responses=InitiativeOutSerializer)
    def post(self, request, initiative_id: int):
        payload = DeclarationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        committee.committee_declare(initiative_id=initiative_id, user=request.user, **payload.validated_data)
        return _output(initiative_id, request.user)


class CommitteeContactApi(APIView):
    """The committee's name, correspondence address and contact (initiative.contact): members only."""

    @extend_schema(responses=CommitteeContactSerializer)
    def get(self, request, initiative_id: int):
        initiative = committee.initiative_for_member(initiative_id, request.user)
        return Response(CommitteeContactSerializer(committee_contact(initiative)).data)

    @extend_schema(request=CommitteeContactSerializer, responses=CommitteeContactSerializer)
    def put(self, request, initiative_id: int):
        payload = CommitteeContactSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = committee_contact_set(
            initiative_id=initiative_id, actor=request.user, **payload.validated_data
        )
        return Response(CommitteeContactSerializer(contact).data)


class ChairNoticeSerializer(serializers.Serializer):
    notified_on = serializers.DateField()


class ChairNoticeApi(APIView):
    """The day the committee notified the council's chair, where the rules require it before collecting
    (initiative.chair_notice)."""

    @extend_schema(request=ChairNoticeSerializer, responses=InitiativeOutSerializer)
    def post(self, request, initiative_id: int):
        payload = ChairNoticeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        chair_notice_record(initiative_id=initiative_id, actor=request.user, **payload.validated_data)
        return _output(initiative_id, request.user)


class CommitteeLeaveApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, initiative_id: int):
        committee.committee_leave(initiative_id=initiative_id, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommitteeMemberRemoveApi(APIView):
    @extend_schema(request=None, responses=InitiativeOutSerializer)
    def post(self, request, initiative_id: int, member_id: int):
        committee.committee_remove(initiative_id=initiative_id, actor=request.user, member_id=member_id)
        return _output(initiative_id, request.user)
