"""A resident points the operators to a council's resolution on initiatives that the platform has not
recorded (docs/law.md §Local rules): until an operator records it, the statute's defaults apply, paper only.

Nothing about the sender is asked or kept: the report names the council and the resolution, and goes to the
operators by e-mail through the outbox. A rate limit per address keeps it from being a way to flood them.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from config.rate_limits import RateLimit
from municipalities.models import Unit
from outbox.services import email_enqueue

REFERENCE_MAX, NOTE_MAX = 300, 2000


class RulesReportPerAddress(RateLimit):
    scope = "rules_report"


def rules_report_send(unit: Unit, *, reference: str, note: str = "") -> int:
    """E-mail every active operator that `unit`'s resolution is `reference`; returns how many were told."""
    operators = get_user_model().objects.filter(is_staff=True, is_active=True).values_list("email", flat=True)
    subject = f"Uchwała w sprawie inicjatywy obywatelskiej: {unit.name} ({unit.teryt})"
    body = (
        "Zgłoszono uchwałę rady w sprawie zasad obywatelskiej inicjatywy uchwałodawczej, której serwis nie "
        "ma:\n\n"
        f"Jednostka: {unit.name}, kod TERC {unit.teryt}\n"
        f"Uchwała: {reference}\n"
        + (f"Uwagi: {note}\n" if note else "")
        + "\nSprawdź ją w dzienniku urzędowym województwa i zapisz poleceniem import_local_rules "
        "(docs/local-rules.md).\n"
    )
    with transaction.atomic():
        for address in operators:
            email_enqueue(kind="municipalities/rules_report", to=address, subject=subject, body=body)
    return len(operators)
