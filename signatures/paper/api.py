"""Paper through the API: a committee member types one row of a returned sheet (docs/contract.md
§Signatures, `paper-signatures`): the supporter's fields, with `signed_on` (the date written in the row,
YYYY-MM-DD; required) and `sheet_number` (the number printed on the sheet; optional)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from initiative.committee import initiative_for_member
from initiative.errors import InvalidInput
from signatures.api import StatusOut
from signatures.paper.services import MAX_SHEET_NUMBER, paper_row_enter
from signatures.serializers import SupporterSerializer


class PaperRowSerializer(SupporterSerializer):
    signed_on = serializers.DateField()
    sheet_number = serializers.IntegerField(required=False, min_value=1, max_value=MAX_SHEET_NUMBER)


class PaperSignatureCreateApi(APIView):
    """A committee member types one row of a returned paper sheet; it goes through the same checks."""

    @extend_schema(request=PaperRowSerializer, responses={201: StatusOut})
    def post(self, request, initiative_id: int):
        initiative_for_member(initiative_id, request.user)  # NotVisible (404) unless on its committee
        payload = PaperRowSerializer(data=request.data)
        if not payload.is_valid():
            raise InvalidInput(payload.errors)
        row = dict(payload.validated_data)
        signed_on, sheet_number = row.pop("signed_on"), row.pop("sheet_number", None)
        paper_row_enter(
            initiative_id=initiative_id,
            actor=request.user,
            data=row,
            sheet_number=sheet_number,
            signed_on=signed_on,
        )
        return Response({"status": "recorded"}, status=status.HTTP_201_CREATED)
