from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from municipalities.levels import Level
from municipalities.local_rules import rules_in_force
from municipalities.models import IdentifierRule, RepresentativeRule, SignatureMethod, Unit


class LocalRulesInputSerializer(serializers.Serializer):
    """The shape of one local-rules object (docs/contract.md §Local rules); ranges are the model's
    constraints."""

    teryt = serializers.RegexField(r"^(?:[0-9]{2}|[0-9]{4}|[0-9]{7})$")
    resolution = serializers.CharField(max_length=100)
    adopted_on = serializers.DateField(input_formats=["iso-8601"])
    committee_min = serializers.IntegerField()
    representative = serializers.ChoiceField(choices=RepresentativeRule.choices)
    identifier = serializers.ChoiceField(choices=IdentifierRule.choices)
    signature_methods = serializers.ListField(child=serializers.ChoiceField(choices=SignatureMethod.choices))
    collection_days = serializers.IntegerField(allow_null=True, required=False, default=None)
    verification_days = serializers.IntegerField(allow_null=True, required=False, default=None)
    supplement_days = serializers.IntegerField(allow_null=True, required=False, default=None)
    # Optional: what the resolution itself states (municipalities.local_rules.OPTIONAL_DEFAULTS).
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    in_force_from = serializers.DateField(input_formats=["iso-8601"], required=False, allow_null=True)
    journal = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    annulled_on = serializers.DateField(input_formats=["iso-8601"], required=False, allow_null=True)
    annulment = serializers.CharField(max_length=300, required=False, allow_blank=True)
    chair_notice = serializers.BooleanField(required=False)
    filing_months_after_notice = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    esign_note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    filing = serializers.CharField(max_length=500, required=False, allow_blank=True)
    contact_required = serializers.BooleanField(required=False)

    def to_internal_value(self, data):
        unknown = set(data) - set(self.fields) if isinstance(data, dict) else set()
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
        return super().to_internal_value(data)


class LocalRulesSerializer(serializers.Serializer):
    teryt = serializers.CharField()
    resolution = serializers.CharField(allow_null=True)
    adopted_on = serializers.DateField(allow_null=True)
    committee_min = serializers.IntegerField()
    representative = serializers.ChoiceField(choices=RepresentativeRule.choices)
    identifier = serializers.ChoiceField(choices=IdentifierRule.choices)
    signature_methods = serializers.ListField(child=serializers.ChoiceField(choices=SignatureMethod.choices))
    collection_days = serializers.IntegerField(allow_null=True)
    verification_days = serializers.IntegerField(allow_null=True)
    supplement_days = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(
        allow_null=True, help_text="null: the defaults for units without rules"
    )
    title = serializers.CharField()
    in_force_from = serializers.DateField(allow_null=True)
    journal = serializers.CharField()
    source_url = serializers.CharField()
    annulled_on = serializers.DateField(allow_null=True)
    annulment = serializers.CharField()
    chair_notice = serializers.BooleanField()
    filing_months_after_notice = serializers.IntegerField(allow_null=True)
    esign_note = serializers.CharField()
    filing = serializers.CharField()
    contact_required = serializers.BooleanField()


class MunicipalitySerializer(serializers.ModelSerializer):
    signature_threshold = serializers.IntegerField(
        allow_null=True, read_only=True, help_text="null while the population is unknown"
    )
    rules = serializers.SerializerMethodField()
    parent = serializers.SlugRelatedField(
        slug_field="teryt", read_only=True, allow_null=True, help_text="null for a voivodeship"
    )

    class Meta:
        model = Unit
        fields = [
            "teryt",
            "name",
            "level",
            "kind",
            "parent",
            "population",
            "population_as_of",
            "population_source",
            "signature_threshold",
            "council_name",
            "rules",
        ]

    @extend_schema_field(LocalRulesSerializer)
    def get_rules(self, unit: Unit) -> dict:
        # Built directly: a nested serializer per row cost 40% of a list request (docs/PERFORMANCE.md).
        return rules_in_force(unit).as_contract_object()


class MunicipalityFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)
