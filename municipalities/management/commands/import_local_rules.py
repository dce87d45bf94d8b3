import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from municipalities.local_rules import RulesImportError, local_rules_import


class Command(BaseCommand):
    help = (
        "Load councils' local rules (a JSON list of local-rules objects); each change becomes a new version."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    @no_translations  # operators' output and its error messages stay in English
    def handle(self, *args, file: Path, **options):
        try:
            objects = json.loads(file.read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise CommandError(f"{file}: cannot read: {error.strerror}") from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file}: not a JSON file: {error}") from error
        if not isinstance(objects, list):
            raise CommandError(f"{file}: expected a JSON list of local-rules objects")
        try:
            report = local_rules_import(objects)
        except RulesImportError as error:
            raise CommandError(f"{file}: nothing was imported:\n" + "\n".join(error.problems)) from error
        self.stdout.write(f"new versions: {report.created}; unchanged: {report.unchanged}")
