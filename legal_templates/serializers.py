from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from legal_templates.fields import FIELD_TYPES, JUSTIFICATION_PARTS
from legal_templates.models import LegalTemplate
from legal_templates.selectors import version_in_force
from municipalities.levels import Level


# Plain strings in the schema, not enums: drf-spectacular names enums after the property, and ours would
# clash with the municipalities' "level" enum (two names for one choice set, one name for two sets).
@extend_schema_field(
    {"type": "array", "items": {"type": "string", "description": "gmina, powiat or wojewodztwo"}}
)
class LevelsField(serializers.ListField):
    child = serializers.ChoiceField(choices=Level.choices)


@extend_schema_field({"type": "string", "description": "error or warning"})
class FindingLevelField(serializers.CharField):
    pass


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class FieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField(
        help_text=(
            f"One of {', '.join(FIELD_TYPES)}; council_name, unit_name and executive_body come from the "
            "council, never typed."
        )
    )
    required = serializers.BooleanField()
    help = serializers.CharField(allow_blank=True)
    choices = ChoiceSerializer(many=True, required=False, allow_null=True, default=None)


class ProvisionSerializer(serializers.Serializer):
    act = serializers.CharField()
    journal = serializers.CharField()
    provisions = serializers.CharField()
    as_of = serializers.DateField()
    levels = LevelsField(required=False)


class TemplateSerializer(serializers.ModelSerializer):
    """A template with its version in force (the selector prefetches it)."""

    levels = LevelsField()
    version = serializers.SerializerMethodField()
    legal_basis = serializers.SerializerMethodField()
    fields = serializers.SerializerMethodField(method_name="fields_of")

    class Meta:
        model = LegalTemplate
        fields = [
            "slug",
            "title",
            "description",
            "levels",
            "is_local_law",
            "version",
            "legal_basis",
            "fields",
        ]

    def get_version(self, template: LegalTemplate) -> int:
        return version_in_force(template).version

    @extend_schema_field(ProvisionSerializer(many=True))
    def get_legal_basis(self, template: LegalTemplate) -> list[dict]:
        return version_in_force(template).legal_basis

    @extend_schema_field(FieldSerializer(many=True))
    def fields_of(self, template: LegalTemplate) -> list[dict]:
        return [
            {
                "name": field["name"],
                "label": field["label"],
                "type": field["type"],
                "required": field["required"],
                "help": field.get("help", ""),
                "choices": field.get("choices"),
            }
            for field in version_in_force(template).fields
        ]


class ExampleSerializer(serializers.Serializer):
    fields = serializers.DictField(help_text="Field name to value, valid for the version in force.")
    justification = serializers.DictField(child=serializers.CharField())


class TemplateDetailSerializer(TemplateSerializer):
    example = serializers.SerializerMethodField()

    class Meta(TemplateSerializer.Meta):
        fields = [*TemplateSerializer.Meta.fields, "example"]

    @extend_schema_field(ExampleSerializer)
    def get_example(self, template: LegalTemplate) -> dict:
        version = version_in_force(template)
        return {"fields": version.example, "justification": version.example_justification}


class TemplateFilterSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)


class PreviewInputSerializer(serializers.Serializer):
    """Shape only: the values themselves are checked against the template by the preview service."""

    municipality = serializers.RegexField(
        r"^(?:[0-9]{2}|[0-9]{4}|[0-9]{7})$", help_text="TERC code of the council's unit (2, 4 or 7 digits)."
    )
    fields = serializers.DictField(
        required=False, default=dict, help_text="The template's field names to values."
    )
    justification = serializers.DictField(
        required=False,
        default=dict,
        help_text=f"Parts of the justification, each text: {', '.join(JUSTIFICATION_PARTS)}.",
    )


class FindingSerializer(serializers.Serializer):
    level = FindingLevelField()
    code = serializers.CharField()
    message = serializers.CharField()


class PreviewSerializer(serializers.Serializer):
    template = serializers.CharField(help_text="The template's slug.")
    version = serializers.IntegerField(help_text="The template version the draft was rendered from.")
    title = serializers.CharField(help_text="The title, 'w sprawie …'.")
    text = serializers.CharField(help_text="The draft as plain text.")
    html = serializers.CharField(help_text="The draft as an HTML fragment, every value escaped.")
    formal_check = FindingSerializer(many=True)
