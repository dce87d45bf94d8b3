"""`verify_packet FILE`: check a packet's seal and integrity appendix (docs/contract.md §Management commands).
Exit 0 valid, 1 not."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from initiative.filing.packet.verify import packet_verify


class Command(BaseCommand):
    help = "Check a packet (PDF): its seal, its integrity appendix, and whether the platform issued it."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the packet, a PDF file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                f"cannot read {path}: {error.strerror or type(error).__name__}", returncode=1
            ) from error
        report = packet_verify(data)
        for line in report.lines():
            self.stdout.write(line)
        if not report.valid:
            sys.exit(1)
