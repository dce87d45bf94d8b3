from django.core.management.base import BaseCommand

from initiative.demo import seed_initiatives
from legal_templates.services import templates_load
from municipalities.demo import seed_municipalities


class Command(BaseCommand):
    help = (
        "Load demo councils (population, local rules), the legal templates and demo initiatives. Idempotent."
    )

    def handle(self, *args, **options):
        seed_municipalities()
        templates_load()
        seed_initiatives()
        self.stdout.write("demo data loaded")
