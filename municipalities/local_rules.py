"""The local rules in force for a unit, their defaults, and the import of new versions.

Art. 41a ust. 5 u.s.g. (art. 42a ust. 5 u.s.p., art. 89a ust. 5 u.s.w.) leaves the details to each council:
committee size, the representative, what identifies a supporter, accepted forms of signature, and windows.
"""

import dataclasses
import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from municipalities.models import IdentifierRule, LocalRules, RepresentativeRule, SignatureMethod, Unit

# The fields that make up one version; two versions with equal values are the same rules.
RULE_FIELDS = (
    "resolution",
    "adopted_on",
    "committee_min",
    "representative",
    "identifier",
    "signature_methods",
    "collection_days",
    "verification_days",
    "supplement_days",
)


@dataclasses.dataclass(frozen=True)
class RulesInForce:
    teryt: str
    resolution: str | None
    adopted_on: datetime.date | None
    committee_min: int
    representative: str
    identifier: str
    signature_methods: tuple[str, ...]
    collection_days: int | None
    verification_days: int | None
    supplement_days: int | None
    version: int | None

    @property
    def is_default(self) -> bool:
        return self.version is None

    def accepts(self, method: str) -> bool:
        return method in self.signature_methods

    def as_contract_object(self) -> dict:
        """The local-rules object of docs/contract.md §Local rules, with the version (None for the
        defaults)."""
        data = dataclasses.asdict(self)
        data["signature_methods"] = list(self.signature_methods)
        data["adopted_on"] = self.adopted_on.isoformat() if self.adopted_on else None
        return data


def default_rules(teryt: str) -> RulesInForce:
    """What applies where a council has adopted no rules of its own (or we have not recorded them)."""
    return RulesInForce(
        teryt=teryt,
        resolution=None,
        adopted_on=None,
        committee_min=5,
        representative=RepresentativeRule.OPTIONAL,
        identifier=IdentifierRule.BIRTH_DATE,
        signature_methods=(SignatureMethod.PAPER, SignatureMethod.QES, SignatureMethod.TRUSTED_PROFILE),
        collection_days=None,
        verification_days=None,
        supplement_days=None,
        version=None,
    )


def rules_from_version(unit: Unit, version: LocalRules | None) -> RulesInForce:
    if version is None:
        return default_rules(unit.teryt)
    return RulesInForce(
        teryt=unit.teryt,
        version=version.version,
        signature_methods=tuple(version.signature_methods),
        **{field: getattr(version, field) for field in RULE_FIELDS if field != "signature_methods"},
    )


def rules_in_force(unit: Unit) -> RulesInForce:
    """The newest version recorded for the unit, or the defaults.

    Uses `unit.newest_rules` when a selector has prefetched it (a list of zero or one version).
    """
    prefetched = getattr(unit, "newest_rules", None)
    if prefetched is not None:
        return rules_from_version(unit, prefetched[0] if prefetched else None)
    return rules_from_version(unit, unit.rules_versions.order_by("-version").first())


class RulesImportError(Exception):
    """A local-rules file that cannot be loaded; `problems` name each object and field."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclasses.dataclass
class RulesImportReport:
    created: int = 0
    unchanged: int = 0


def local_rules_import(objects: Iterable[Mapping]) -> RulesImportReport:
    """Record a new version for every object that differs from the unit's rules in force.

    All or nothing: every object is checked before anything is written. Each unit's row is locked while
    its next version number is chosen, so two imports at once cannot both write "version 3".
    """
    from municipalities.serializers import LocalRulesInputSerializer

    parsed: list[dict] = []
    problems: list[str] = []
    for index, obj in enumerate(objects, start=1):
        serializer = LocalRulesInputSerializer(data=obj)
        if not serializer.is_valid():
            problems.extend(_describe(index, obj, serializer.errors))
            continue
        parsed.append(serializer.validated_data)
    if problems:
        raise RulesImportError(problems)

    teryts = [item["teryt"] for item in parsed]
    if len(set(teryts)) != len(teryts):
        duplicated = sorted({teryt for teryt in teryts if teryts.count(teryt) > 1})
        raise RulesImportError([f"TERC {teryt}: more than one object in the file" for teryt in duplicated])

    report = RulesImportReport()
    with transaction.atomic():
        units = Unit.objects.select_for_update().in_bulk(teryts, field_name="teryt")
        missing = [teryt for teryt in teryts if teryt not in units]
        if missing:
            raise RulesImportError(
                [f"TERC {teryt}: no such unit; import the TERC list first" for teryt in missing]
            )
        for index, item in enumerate(parsed, start=1):
            unit = units[item["teryt"]]
            current = unit.rules_versions.order_by("-version").first()
            values = {field: item.get(field) for field in RULE_FIELDS}
            if current is not None and all(getattr(current, f) == v for f, v in values.items()):
                report.unchanged += 1
                continue
            version = LocalRules(unit=unit, version=(current.version + 1) if current else 1, **values)
            try:
                version.full_clean()
            except ValidationError as error:
                problems.extend(_describe(index, item, error.message_dict))
                continue
            version.save()
            report.created += 1
        if problems:
            raise RulesImportError(problems)  # leaving the atomic block by an exception undoes every write
    return report


def _describe(index: int, obj: Mapping, errors: Mapping) -> list[str]:
    teryt = obj.get("teryt", "?") if isinstance(obj, Mapping) else "?"
    return [
        f"object {index} (TERC {teryt}): {field}: {' '.join(str(m) for m in messages)}"
        for field, messages in errors.items()
    ]
