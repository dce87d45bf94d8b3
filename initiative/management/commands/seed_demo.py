from django.core.management.base import BaseCommand

from municipalities.demo import seed_municipalities


class Command(BaseCommand):
    help = "Load demo councils with their population figures and local rules. Idempotent."

    def handle(self, *args, **options):
        seed_municipalities()
        self.stdout.write("demo data loaded")
