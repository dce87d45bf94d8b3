"""How long personal data are kept: one home for each period, which the deletion runs enforce and the privacy
notices and paper sheets state (docs/privacy.md; art. 5 ust. 1 lit. e and art. 13 ust. 2 lit. a RODO).

- `personal_data_days()`: after an initiative ends, its supporters' and committee's personal data (and the
  pseudonymised fingerprints that tell supporters apart); after a supporter withdraws, that supporter's.
- `packet_file_days(unit)`: after an initiative ends, the packet's file, which lists every supporter: the
  council's own period where it set one, the platform's otherwise.
"""

from django.conf import settings


def personal_data_days() -> int:
    return settings.PERSONAL_DATA_RETENTION_DAYS


def packet_file_days(unit) -> int:
    """`unit` is the council's municipalities.Unit (its `packet_retention_days`, None for the default)."""
    days = unit.packet_retention_days
    return settings.PACKET_RETENTION_DAYS if days is None else days
