"""Reads of signatures for the layers above (pages, API, filing): counts and lists."""

import dataclasses

from signatures.tally import counts_by_method


@dataclasses.dataclass(frozen=True)
class SupportCount:
    """The public count is of confirmed signatures in the forms the council's rules accept (DESIGN.md §4)."""

    by_method: dict[str, int]
    accepted_methods: tuple[str, ...]

    @property
    def counted(self) -> int:
        return sum(count for method, count in self.by_method.items() if method in self.accepted_methods)

    @property
    def unofficial(self) -> int:
        """Declarations in forms the rules do not accept (e-mail where not allowed): shown, not counted."""
        return sum(count for method, count in self.by_method.items() if method not in self.accepted_methods)


def _accepted(initiative) -> tuple[str, ...]:
    if initiative.rules:
        return tuple(initiative.rules["signature_methods"])
    from municipalities.local_rules import rules_in_force

    return rules_in_force(initiative.municipality).signature_methods


def support_counts(initiatives) -> dict[int, SupportCount]:
    initiatives = list(initiatives)
    counts = counts_by_method([initiative.pk for initiative in initiatives])
    return {
        initiative.pk: SupportCount(by_method=counts[initiative.pk], accepted_methods=_accepted(initiative))
        for initiative in initiatives
    }


def support_count(initiative) -> SupportCount:
    return support_counts([initiative])[initiative.pk]
