"""The clerk's API for the support list (docs/contract.md §Clerks): list, verdicts, CSV out and in.

Every endpoint asks for a verified sign-in (a token got with a TOTP code, or a session that gave one) and
goes through initiative_for_clerk: clerks of other councils, committee members and everyone else get 404.
Each read of supporters' data is recorded in the access log (docs/law.md §Personal data), with the page and
the filters as its detail, never the data.
"""

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsVerifiedWhenRequired
from initiative.clerk.serializers import (
    SignatureFilterSerializer,
    SignatureRowSerializer,
    VerdictsFileInSerializer,
    VerdictsInSerializer,
    VerdictsOutSerializer,
)
from initiative.clerk.verification import identifier_of, signatures_for_verification, verdicts_set
from initiative.clerk.verification_csv import IMPORT_MAX_BYTES, signatures_csv, verdicts_import
from initiative.errors import InvalidInput
from initiative.models import Initiative
from initiative.selectors import initiative_for_clerk
from personal_data.access_log import record_access


def signatures_csv_response(initiative: Initiative, user) -> StreamingHttpResponse:
    """The support list as a CSV download, streamed; it holds personal data, so no cache keeps it."""
    response = StreamingHttpResponse(signatures_csv(initiative, user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lista-poparcia-{initiative.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def uploaded_csv(files) -> bytes:
    upload = files.get("file")
    if upload is None:
        raise InvalidInput({"file": [_("Choose the CSV file with the verdicts.")]})
    if upload.size > IMPORT_MAX_BYTES:
        raise InvalidInput(
            {"file": [_("The file is larger than %(size)d MiB.") % {"size": IMPORT_MAX_BYTES // 2**20}]}
        )
    return upload.read()


class SignaturePagination(PageNumberPagination):
    """The project's page format; programs may ask for up to 1,000 rows a page."""

    page_size_query_param = "page_size"
    max_page_size = 1000


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
        rows = signatures_for_verification(initiative, **filters.validated_data)
        paginator = SignaturePagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        data = SignatureRowSerializer(page, many=True, context={"identifier": identifier_of(initiative)}).data
        record_access(
            user=request.user,
            initiative_id=initiative.pk,
            what="signature_list",
            records=len(page),
            detail="page={} size={} verdict={} method={}".format(
                paginator.page.number,
                paginator.get_page_size(request),
                filters.validated_data.get("verdict", "all"),
                filters.validated_data.get("method", "all"),
            ),
        )
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
