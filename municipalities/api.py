from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny

from municipalities.selectors import unit_by_teryt, unit_search
from municipalities.serializers import MunicipalityFilterSerializer, MunicipalitySerializer


@extend_schema(
    parameters=[
        OpenApiParameter("search", str, description="Name prefix (accents ignored) or TERC code prefix."),
        OpenApiParameter("level", str, enum=["gmina", "powiat", "wojewodztwo"]),
    ]
)
class MunicipalityListApi(generics.ListAPIView):
    """Councils of all three levels, with their thresholds and local rules in force."""

    permission_classes = [AllowAny]
    serializer_class = MunicipalitySerializer

    def get_queryset(self):
        filters = MunicipalityFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return unit_search(**filters.validated_data)


class MunicipalityDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = MunicipalitySerializer

    def get_object(self):
        unit = unit_by_teryt(self.kwargs["teryt"])
        if unit is None:
            raise Http404
        return unit
