"""Paper through the API: a committee member types one row of a returned sheet."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from initiative.committee import initiative_for_member
from municipalities.models import SignatureMethod
from signatures.api import StatusOut, supporter_from
from signatures.serializers import SupporterSerializer
from signatures.services import signature_submit


class PaperSignatureCreateApi(APIView):
    """A committee member types one row of a returned paper sheet; it goes through the same checks."""

    @extend_schema(request=SupporterSerializer, responses={201: StatusOut})
    def post(self, request, initiative_id: int):
        initiative_for_member(initiative_id, request.user)  # NotVisible (404) unless on its committee
        signature_submit(
            initiative_id=initiative_id,
            data=supporter_from(request),
            method=SignatureMethod.PAPER,
            entered_by=request.user,
        )
        return Response({"status": "recorded"}, status=status.HTTP_201_CREATED)
