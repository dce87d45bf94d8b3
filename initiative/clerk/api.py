"""The clerk's API (docs/contract.md §Clerks): their councils' initiatives and the council's decisions.

Every view reads through `initiative.selectors` (via initiative.clerk.inbox): another council's
initiative, or any initiative for a person who is not its council's clerk, is 404. Anonymous calls get 401;
a clerk's session without the second factor gets 403 (IsVerifiedWhenRequired).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsVerifiedWhenRequired
from initiative.clerk import decisions, originals
from initiative.clerk.inbox import clerk_initiatives, clerk_view, clerk_views
from initiative.serializers import (
    AcceptSerializer,
    ClerkAcceptOutSerializer,
    ClerkInitiativeOutSerializer,
    OriginalsSerializer,
    OutcomeSerializer,
    ReceiveSerializer,
    RejectSerializer,
    SupplementSerializer,
)
from signatures.selectors import support_counts


def _output(initiative_id: int, user, *, warnings: list[str] | None = None) -> Response:
    view = clerk_view(initiative_id, user)
    context = {"clerk_views": {initiative_id: view}, "support_counts": support_counts([view.initiative])}
    if warnings is None:
        return Response(ClerkInitiativeOutSerializer(view.initiative, context=context).data)
    view.initiative.warnings = warnings
    return Response(ClerkAcceptOutSerializer(view.initiative, context=context).data)


def _decide(request, initiative_id: int, payload_serializer, decide):
    """Check the body's shape with `payload_serializer`, then hand its fields to the decision service."""
    payload = payload_serializer(data=request.data)
    payload.is_valid(raise_exception=True)
    return decide(initiative_id=initiative_id, clerk=request.user, **payload.validated_data)


class ClerkInitiativeListApi(generics.ListAPIView):
    """The initiatives filed with the clerk's councils: open ones first, nearest deadline first."""

    permission_classes = [IsVerifiedWhenRequired]
    serializer_class = ClerkInitiativeOutSerializer

    def get_queryset(self):
        return clerk_initiatives(self.request.user)

    def get_serializer(self, *args, **kwargs):
        if args:  # a page: its counts in one pass
            page = list(args[0])
            context = kwargs.setdefault("context", self.get_serializer_context())
            context["clerk_views"] = {view.initiative.pk: view for view in clerk_views(page)}
            context["support_counts"] = support_counts(page)
            args = (page, *args[1:])
        return super().get_serializer(*args, **kwargs)


class ClerkInitiativeDetailApi(APIView):
    permission_classes = [IsVerifiedWhenRequired]

    @extend_schema(responses=ClerkInitiativeOutSerializer)
    def get(self, request, initiative_id: int):
        return _output(initiative_id, request.user)


class ClerkInitiativeReceiveApi(APIView):
    """The day the office received the filing: the council's term runs from it (400 for a day in the future
    or before the filing, 409 once verification has started)."""

    permission_classes = [IsVerifiedWhenRequired]

    @extend_schema(request=ReceiveSerializer, responses=ClerkInitiativeOutSerializer)
    def post(self, request, initiative_id: int):
        _decide(request, initiative_id, ReceiveSerializer, decisions.initiative_receive)
        return _output(initiative_id, request.user)


class ClerkInitiativeOriginalsApi(APIView):
    """The day the paper originals reached the office and the sheets that did not: verdicts on paper rows
    wait for it, and rows of missing sheets become invalid (initiative.clerk.originals)."""

    permission_classes = [IsVerifiedWhenRequired]

    @extend_schema(request=OriginalsSerializer, responses=ClerkInitiativeOutSerializer)
    def post(self, request, initiative_id: int):
        _decide(request, initiative_id, OriginalsSerializer, originals.originals_record)
        return _output(initiative_id, request.user)


class ClerkInitiativeStartVerificationApi(APIView):
    permission_classes = [IsVerifiedWhenRequired]

    @extend_schema(request=None, responses=ClerkInitiativeOutSerializer)
    def post(self, request, initiative_id: int):
        decisions.initiative_start_verification(initiative_id=initiative_id, clerk=request.user)
        return _output(initiative_id, request.user)


class ClerkInitiativeAcceptApi(APIView):
    permission_classes = [IsVerifiedWhenRequired]

    @extend_schema(request=AcceptSerializer, responses=ClerkAcceptOutSerializer)
    def post(self, request, initiative_id: int):
        _initiative, warnings = _decide(request, initiative_id, AcceptSerializer, decisions.initiative_accept)
        return _output(initiative_id, request.user, warnings=warnings)


class ClerkInitiativeRequestSupplementApi(APIView):
    permission_classes = [IsVerifiedWhenRequired]

    @extend_schema(request=SupplementSerializer, responses=ClerkInitiativeOutSerializer)
    def post(self, request, initiative_id: int):
        _decide(request, initiative_id, SupplementSerializer, decisions.initiative_request_supplement)
        return _output(initiative_id, request.user)


class ClerkInitiativeRejectApi(APIView):
    permission_classes = [IsVerifiedWhenRequired]

    @extend_schema(request=RejectSerializer, responses=ClerkInitiativeOutSerializer)
    def post(self, request, initiative_id: int):
        _decide(request, initiative_id, RejectSerializer, decisions.initiative_reject)
        return _output(initiative_id, request.user)


class ClerkInitiativeRecordOutcomeApi(APIView):
    permission_classes = [IsVerifiedWhenRequired]

    @extend_schema(request=OutcomeSerializer, responses=ClerkInitiativeOutSerializer)
    def post(self, request, initiative_id: int):
        _decide(request, initiative_id, OutcomeSerializer, decisions.initiative_record_outcome)
        return _output(initiative_id, request.user)
