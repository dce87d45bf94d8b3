from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from municipalities.csv_files import ImportFileError
from municipalities.population_import import population_import


class Command(BaseCommand):
    help = "Load population figures from a CSV file with the header teryt,population,as_of. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source",
            help="Where the figures come from, shown to clerks (default: the file's name), "
            "e.g. 'GUS, Ludność. Stan i struktura, 31.12.2019'.",
        )

    @no_translations  # operators' output and its error messages stay in English
    def handle(self, *args, file: Path, source: str | None, **options):
        try:
            report = population_import(file, source=source or file.name)
        except ImportFileError as error:
            raise CommandError(f"{file}: {error}. Nothing was imported.") from error
        self.stdout.write(
            f"updated: {report.updated}; unchanged: {report.unchanged}; "
            f"skipped as older than the recorded figure: {report.older_than_recorded}"
        )
