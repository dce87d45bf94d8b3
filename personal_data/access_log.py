"""Recording who looked at personal data (docs/law.md §Personal data: every read of personal data by a person
is logged)."""

from personal_data.models import PersonalDataAccess


def record_access(*, user, initiative_id: int, what: str, records: int, detail: str = "") -> None:
    """Log one view. `detail` says which page or filter; it must never hold personal data itself."""
    PersonalDataAccess.objects.create(
        user=user, initiative_id=initiative_id, what=what, records=records, detail=detail[:200]
    )
