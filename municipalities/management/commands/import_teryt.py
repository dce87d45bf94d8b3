from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from municipalities.csv_files import ImportFileError
from municipalities.teryt_import import terc_import


class Command(BaseCommand):
    help = "Load the GUS TERC list (CSV with ';'): voivodeships, powiats and gminas. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    @no_translations  # operators' output and its error messages stay in English
    def handle(self, *args, file: Path, **options):
        try:
            report = terc_import(file)
        except ImportFileError as error:
            raise CommandError(f"{file}: {error}. Nothing was imported.") from error
        created = ", ".join(f"{count} {level}" for level, count in report.created.items())
        self.stdout.write(f"created: {created}; updated: {report.updated}; unchanged: {report.unchanged}")
        if report.not_in_file:
            self.stdout.write(f"kept, though not in this file: {', '.join(report.not_in_file)}")
