from django.core.management.base import BaseCommand

from initiative.demo import seed_initiatives
from municipalities.demo import seed_municipalities


class Command(BaseCommand):
    help = (
        "Load demo councils (population, local rules) and demo initiatives: demo data only; the shipped "
        "legal templates come with `migrate` (legal_templates/apps.py). Idempotent."
    )

    def handle(self, *args, **options):
        seed_municipalities()
        seed_initiatives()
        self.stdout.write("demo data loaded")
