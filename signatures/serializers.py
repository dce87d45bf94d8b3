from collections.abc import Mapping

from django.utils.translation import gettext as _
from rest_framework import serializers


class SupporterSerializer(serializers.Serializer):
    """Shape only: which of these the council's rules require, and their checks, live in signatures.checks.

    A field that is none of these is refused here, by name, with the message signatures.checks gives
    (a serializer would otherwise drop it silently and the person would never learn it was not kept):
    data minimisation, art. 5 ust. 1 lit. c RODO. Fields listed here that the rules do not ask for (a
    PESEL where the rules name the date of birth) pass through to signatures.checks, which refuses them
    with the reason.
    """

    first_names = serializers.CharField(trim_whitespace=False, allow_blank=True)
    last_name = serializers.CharField(trim_whitespace=False, allow_blank=True)
    address = serializers.CharField(trim_whitespace=False, allow_blank=True)
    pesel = serializers.CharField(required=False, allow_blank=True)
    birth_date = serializers.CharField(required=False, allow_blank=True)
    citizenship = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    declaration = serializers.BooleanField(required=False, default=False)
    privacy_notice = serializers.BooleanField(required=False, default=False)

    def to_internal_value(self, data):
        unknown = (
            {str(name): [_("Unknown field.")] for name in data if name not in self.fields}
            if isinstance(data, Mapping)
            else {}
        )
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, Mapping):
                raise serializers.ValidationError({**error.detail, **unknown}) from error
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        # Keep only what the person sent: absent fields must stay absent for the rules check.
        return {name: value for name, value in values.items() if name in data}


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)
