"""The clerk's API for the support list (docs/contract.md §Clerks): list, verdicts, CSV out and in.

Every endpoint asks for a verified sign-in (a token got with a TOTP code, or a session that gave one) and
goes through initiative_for_clerk: clerks of other councils, committee members and everyone else get 404.
Each read of supporters' data is recorded in the access log (docs/law.md §Personal data) by the functions
that read it (initiative.clerk.verification), with the page and the filters as its detail, never the data.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsVerifiedWhenRequired
from initiative.clerk.csv_download import signatures_csv_response, uploaded_csv
from initiative.clerk.serializers import (
    SignatureFilterSerializer,
    SignatureRowSerializer,
    VerdictsFileInSerializer,
    VerdictsInSerializer,
    VerdictsOutSerializer,
)
from initiative.clerk.verification import SupportListPaginator, identifier_of, verdicts_set
from initiative.clerk.verification_csv import verdicts_import
from initiative.models import Initiative
from initiative.selectors import initiative_for_clerk


class SignaturePagination(PageNumberPagination):
    """The project's page format; programs may ask for up to 1,000 rows a page."""

    page_size_query_param = "page_size"
    max_page_size = 1000

    def support_list_page(self, request, initiative: Initiative, filters: dict) -> list:
        """One page of the support list with DRF's handling of the page (its size, "last", 404 past the end,
        the links), read by SupportListPaginator, which records the read in the access log."""

        def paginator(of: Initiative, page_size: int) -> SupportListPaginator:
            return SupportListPaginator(of, page_size, reader=request.user, size_in_log=True, **filters)

        self.django_paginator_class = paginator
        return self.paginate_queryset(initiative, request)


class ClerkSignatureListApi(APIView):
    permission_classes = [IsVerifiedWhenRequired]

    @extend_schema(
        parameters=[
            SignatureFilterSerializer,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="Rows per page, at most 1,000."),
        ],
        responses=SignatureRowSerializer(many=True),
    )
    def get(self, request, initiative_id: int):
        initiative = initiative_for_clerk(initiative_id, request.user)
        filters = SignatureFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        paginator = SignaturePagination()
        page = paginator.support_list_page(request, initiative, filters.validated_data)
        data = SignatureRowSerializer(page, many=True, context={"identifier": identifier_of(initiative)}).data
        return paginator.get_paginated_response(data)


class ClerkVerdictsSetApi(APIView):
    permission_classes = [IsVerifiedWhenRequired]

    @extend_schema(request=VerdictsInSerializer, responses=VerdictsOutSerializer)
    def post(self, request, initiative_id: int):
        verdicts = request.data.get("verdicts") if isinstance(request.data, dict) else None
        applied = verdicts_set(initiative_id=initiative_id, clerk=request.user, verdicts=verdicts)
        return Response(VerdictsOutSerializer(applied).data)


class ClerkSignaturesCsvApi(APIView):
    permission_classes = [IsVerifiedWhenRequired]

    def perform_content_negotiation(self, request, force=False):
        # The answer is CSV whatever the Accept header says; refusals still come as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, initiative_id: int):
        return signatures_csv_response(initiative_for_clerk(initiative_id, request.user), request.user)


class ClerkVerdictsImportApi(APIView):
    permission_classes = [IsVerifiedWhenRequired]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": VerdictsFileInSerializer}, responses=VerdictsOutSerializer)
    def post(self, request, initiative_id: int):
        initiative_for_clerk(initiative_id, request.user)  # 404 before anything is said about the file
        applied = verdicts_import(
            initiative_id=initiative_id, clerk=request.user, file_bytes=uploaded_csv(request.FILES)
        )
        return Response(VerdictsOutSerializer(applied).data)
