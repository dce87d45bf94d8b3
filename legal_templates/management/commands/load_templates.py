from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from legal_templates.catalogue import CATALOGUE_DIR, CatalogueError
from legal_templates.services import templates_load


class Command(BaseCommand):
    help = (
        "Load the catalogue of legal templates; a template whose file changed gets a new version. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=CATALOGUE_DIR,
            help="Folder of *.toml files (default: the shipped one).",
        )

    @no_translations  # operators' output and its error messages stay in English
    def handle(self, *args, directory: Path, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory}: no such folder")
        try:
            report = templates_load(directory)
        except CatalogueError as error:
            raise CommandError("nothing was loaded:\n" + "\n".join(error.problems)) from error
        created = f" ({', '.join(report.created)})" if report.created else ""
        self.stdout.write(f"new versions: {len(report.created)}{created}; unchanged: {len(report.unchanged)}")
        if report.not_in_catalogue:
            self.stdout.write(f"kept, no longer in the catalogue: {', '.join(report.not_in_catalogue)}")
