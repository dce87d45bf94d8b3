from rest_framework import serializers


class SupporterSerializer(serializers.Serializer):
    """Shape only: which of these the council's rules require, and their checks, live in signatures.checks.

    Fields the rules do not ask for are refused there with a clear message, so they are accepted here.
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
        values = super().to_internal_value(data)
        # Keep only what the person sent: absent fields must stay absent for the rules check.
        return {name: value for name, value in values.items() if name in data}


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)
