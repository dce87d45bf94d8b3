from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from documents.trusted_list import TrustedListRejected
from signatures.trust import trusted_list_import


class Command(BaseCommand):
    help = (
        "Load the EU trusted list of a member state (ETSI TS 119 612 XML, e.g. the Polish TSL as downloaded "
        "from the national supervisory body): its qualified certification services become roots for "
        "qualified electronic signatures. The list's signature is checked against --signer, the certificate "
        "the EU's list of trusted lists publishes for it. All or nothing; an older list is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--signer", type=Path, required=True, help="PEM certificate of the list's signer")
        parser.add_argument("--territory", default="PL", help="the list's territory (default: PL)")

    @no_translations  # operators' output and its error messages stay in English
    def handle(self, *args, file: Path, signer: Path, territory: str, **options):
        try:
            data, signer_pem = file.read_bytes(), signer.read_bytes()
        except OSError as error:
            raise CommandError(
                f"cannot read {error.filename}: {error.strerror}. Nothing was imported."
            ) from error
        try:
            imported = trusted_list_import(data, signer_pem=signer_pem, territory=territory.upper())
        except TrustedListRejected as error:
            raise CommandError(f"{file}: {error}. Nothing was imported.") from error
        self.stdout.write(
            f"{imported.territory} trusted list no. {imported.sequence_number}: "
            f"{imported.services} qualified certification services loaded"
        )
