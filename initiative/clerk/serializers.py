"""Shapes of the clerk's signature endpoints (docs/contract.md §Clerks); rules live in
initiative.clerk.verification."""

from rest_framework import serializers

from initiative.clerk.verification import sheet_number
from initiative.serializers import VerificationCountsSerializer
from municipalities.models import SignatureMethod
from signatures.models import InvalidReason, Verdict
from signatures.selectors import electronic_kind


class SignatureFilterSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False)
    method = serializers.ChoiceField(choices=SignatureMethod.choices, required=False)


class SignatureRowSerializer(serializers.Serializer):
    """One row of the support list. It carries `pesel` or `birth_date`, whichever the council's rules put
    on the list (the view passes it as `identifier` in the context); the other is left out."""

    id = serializers.IntegerField()
    first_names = serializers.CharField()
    last_name = serializers.CharField()
    address = serializers.CharField()
    pesel = serializers.CharField(required=False, help_text="Where the rules ask for PESEL.")
    birth_date = serializers.CharField(required=False, help_text="YYYY-MM-DD, where the rules ask for it.")
    citizenship = serializers.CharField()
    # A plain string in the schema: the same choices are already named SignatureMethodsEnum there.
    method = serializers.CharField(help_text="paper, qes, trusted_profile or email.")
    signed_on = serializers.DateField()
    signature_kind = serializers.SerializerMethodField(
        help_text='For an electronic signature: "qualified" or "personal" (podpis osobisty); else "".'
    )
    sheet_number = serializers.SerializerMethodField(help_text="The paper sheet of a paper row, else null.")
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    reason = serializers.CharField(source="verdict_reason", help_text="Why invalid; empty otherwise.")

    def get_signature_kind(self, signature) -> str:
        return electronic_kind(signature.evidence)

    def get_sheet_number(self, signature) -> int | None:
        return sheet_number(signature)

    def get_fields(self):
        fields = super().get_fields()
        identifier = self.context.get("identifier")
        if identifier:  # the field the rules do not name is not read at all (it was not loaded)
            fields.pop("birth_date" if identifier == "pesel" else "pesel")
        return fields


class VerdictItemSerializer(serializers.Serializer):
    signature = serializers.IntegerField(help_text="The signature's id, as in the list.")
    valid = serializers.BooleanField()
    reason = serializers.ChoiceField(
        choices=InvalidReason.choices, required=False, allow_blank=True, help_text="Required when not valid."
    )


class VerdictsInSerializer(serializers.Serializer):
    """Documents the body; initiative.clerk.verification checks every item and names the wrong ones."""

    verdicts = VerdictItemSerializer(many=True)


class VerdictsFileInSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV as exported, or lines of id;verdict;reason.")


class _UpdatedSerializer(serializers.Serializer):
    updated = serializers.IntegerField()


# How many verdicts were saved, then the counts after them (the same as an initiative's `verification`).
# `updated` comes first because DRF puts the fields of the first base first; no docstring, as it would
# become the schema's description.
class VerdictsOutSerializer(_UpdatedSerializer, VerificationCountsSerializer):
    pass
