from django.apps import AppConfig


class InitiativeConfig(AppConfig):
    name = "initiative"
