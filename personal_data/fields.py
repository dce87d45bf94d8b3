from django.db import models

from personal_data.encryption import decrypt, encrypt


class EncryptedTextField(models.TextField):
    """Text stored encrypted with AES-GCM (personal_data.encryption); the empty string stays empty.

    Encrypted values cannot be searched or ordered in SQL: look rows up by a keyed hash instead.
    """

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only)
        self.encryption_context = f"{cls._meta.label_lower}.{name}"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value, context=self.encryption_context)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value, context=self.encryption_context)
