from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from legal_templates.rendering import render_draft_html
from legal_templates.selectors import template_by_slug, template_list
from legal_templates.serializers import (
    PreviewInputSerializer,
    PreviewSerializer,
    TemplateDetailSerializer,
    TemplateFilterSerializer,
    TemplateSerializer,
)
from legal_templates.services import draft_preview
from municipalities.selectors import unit_by_teryt


@extend_schema(parameters=[OpenApiParameter("level", str, enum=["gmina", "powiat", "wojewodztwo"])])
class TemplateListApi(generics.ListAPIView):
    """Templates of draft resolutions, each with its version in force, fields and legal basis."""

    permission_classes = [AllowAny]
    serializer_class = TemplateSerializer

    def get_queryset(self):
        filters = TemplateFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return template_list(level=filters.validated_data.get("level", ""))


class TemplateDetailApi(generics.RetrieveAPIView):
    """One template, with example values."""

    permission_classes = [AllowAny]
    serializer_class = TemplateDetailSerializer

    def get_object(self):
        template = template_by_slug(self.kwargs["slug"])
        if template is None:
            raise Http404
        return template


class TemplatePreviewApi(APIView):
    """The draft a committee would file, rendered for a council, with the formal check. Nothing is stored."""

    permission_classes = [AllowAny]
    # Public and stateless: no session, hence no CSRF token needed from pages that call it.
    authentication_classes: list = []

    @extend_schema(
        request=PreviewInputSerializer,
        responses={
            200: PreviewSerializer,
            400: OpenApiResponse(
                description="Map of field name to messages (nested for fields, justification)."
            ),
            404: OpenApiResponse(description="No such template."),
        },
    )
    def post(self, request, slug: str):
        if template_by_slug(slug) is None:
            raise Http404
        payload = PreviewInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        draft, errors, findings = draft_preview(
            template_slug=slug,
            unit=unit_by_teryt(data["municipality"]),
            values=data["fields"],
            justification=data["justification"],
        )
        if draft is None:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        answer = {
            "template": draft.template_slug,
            "version": draft.template_version,
            "title": draft.title,
            "text": draft.as_text(),
            "html": render_draft_html(draft),
            "formal_check": [finding.as_dict() for finding in findings],
        }
        return Response(PreviewSerializer(answer).data)
