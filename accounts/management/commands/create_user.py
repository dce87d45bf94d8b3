import json

from django.core.management.base import BaseCommand, CommandError, no_translations

from accounts.errors import AccountRefused
from accounts.services import user_create
from accounts.two_factor import otpauth_uri


class Command(BaseCommand):
    help = (
        "Create a user whose e-mail address counts as confirmed. Clerks (--clerk-of, repeatable) and "
        "operators (--operator) get a TOTP device. Prints one JSON object: id, email and otpauth_uri "
        "(null for others)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--full-name", default="", help="Shown to others, e.g. on a clerk's decisions.")
        parser.add_argument(
            "--clerk-of",
            action="append",
            default=[],
            metavar="TERYT",
            help="TERC code of a council whose clerk the user is; repeat for several councils.",
        )
        parser.add_argument("--operator", action="store_true", help="An operator of the platform (staff).")

    @no_translations  # operators' output and its error messages stay in English
    def handle(self, *args, email, password, full_name, clerk_of, operator, **options):
        try:
            user, device = user_create(
                email=email, password=password, full_name=full_name, clerk_of=clerk_of, operator=operator
            )
        except AccountRefused as error:
            raise CommandError(f"{error.message} Nothing was created.") from error
        self.stdout.write(
            json.dumps(
                {"id": user.pk, "email": user.email, "otpauth_uri": otpauth_uri(device) if device else None},
                ensure_ascii=False,
            )
        )
