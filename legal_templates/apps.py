from django.apps import AppConfig


class LegalTemplatesConfig(AppConfig):
    name = "legal_templates"
