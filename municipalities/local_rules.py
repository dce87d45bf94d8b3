"""The local rules in force for a unit, their defaults, and the import of new versions.

Art. 41a ust. 5 u.s.g. (art. 42a ust. 5 u.s.p., art. 89a ust. 5 u.s.w.) leaves the details to each council:
committee size, the representative, what identifies a supporter, accepted forms of signature, and windows.
"""

import dataclasses
import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef

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
    # What the resolution itself states; optional (docs/contract.md §Local rules).
    "title",
    "in_force_from",
    "journal",
    "source_url",
    "annulled_on",
    "annulment",
    "chair_notice",
    "filing_months_after_notice",
    "esign_note",
    "filing",
    "contact_required",
)
DATE_FIELDS = ("adopted_on", "in_force_from", "annulled_on")
# The optional fields' values when a file leaves them out.
OPTIONAL_DEFAULTS = {
    "title": "",
    "in_force_from": None,
    "journal": "",
    "source_url": "",
    "annulled_on": None,
    "annulment": "",
    "chair_notice": False,
    "filing_months_after_notice": None,
    "esign_note": "",
    "filing": "",
    "contact_required": False,
}


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
    title: str = ""
    in_force_from: datetime.date | None = None
    journal: str = ""
    source_url: str = ""
    annulled_on: datetime.date | None = None
    annulment: str = ""
    chair_notice: bool = False
    filing_months_after_notice: int | None = None
    esign_note: str = ""
    filing: str = ""
    contact_required: bool = False

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
        for field in DATE_FIELDS:
            data[field] = data[field].isoformat() if data[field] else None
        return data


def default_rules(teryt: str) -> RulesInForce:
    """What applies where a council has adopted no rules of its own (or we have not recorded them): the
    statute alone. It knows no electronic support, so only paper (docs/contract.md §Local rules); the
    committee is told the rules are not recorded (`RulesInForce.is_default`)."""
    return RulesInForce(
        teryt=teryt,
        resolution=None,
        adopted_on=None,
        committee_min=5,
        representative=RepresentativeRule.OPTIONAL,
        identifier=IdentifierRule.BIRTH_DATE,
        signature_methods=(SignatureMethod.PAPER,),
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


# The version in force: the resolution adopted last that the voivode has not annulled (a later version of
# the same resolution, recorded to correct it, before an earlier one); the statute's defaults when none is.
IN_FORCE_ORDER = ("-adopted_on", "-version")


def not_annulled(versions):
    """`versions` (a LocalRules queryset) without those of an annulled resolution: an annulment may be
    recorded as a later version of the same resolution, and it ends every version of it."""
    annulled = LocalRules.objects.filter(
        unit_id=OuterRef("unit_id"),
        resolution=OuterRef("resolution"),
        adopted_on=OuterRef("adopted_on"),
        annulled_on__isnull=False,
    )
    return versions.exclude(Exists(annulled))


def versions_in_force(versions):
    """`versions` without the annulled ones, the one in force first."""
    return not_annulled(versions).order_by(*IN_FORCE_ORDER)


def rules_in_force(unit: Unit) -> RulesInForce:
    """The version in force (IN_FORCE_ORDER), or the defaults.

    Uses `unit.newest_rules` when a selector has prefetched it (a list of zero or one version).
    """
    prefetched = getattr(unit, "newest_rules", None)
    if prefetched is not None:
        return rules_from_version(unit, prefetched[0] if prefetched else None)
    return rules_from_version(unit, versions_in_force(unit.rules_versions.all()).first())


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

    problems.extend(_history_problems(parsed))
    if problems:
        raise RulesImportError(problems)

    teryts = sorted({item["teryt"] for item in parsed})
    report = RulesImportReport()
    with transaction.atomic():
        units = Unit.objects.select_for_update().in_bulk(teryts, field_name="teryt")
        missing = [teryt for teryt in teryts if teryt not in units]
        if missing:
            raise RulesImportError(
                [f"TERC {teryt}: no such unit; import the TERC list first" for teryt in missing]
            )
        # A unit's history in the order it was adopted, so that version numbers follow it.
        ordered = sorted(
            enumerate(parsed, start=1), key=lambda pair: (pair[1]["teryt"], pair[1]["adopted_on"])
        )
        for index, item in ordered:
            unit = units[item["teryt"]]
            values = {field: item.get(field, OPTIONAL_DEFAULTS.get(field)) for field in RULE_FIELDS}
            recorded = list(unit.rules_versions.order_by("-version"))
            if any(all(getattr(version, f) == v for f, v in values.items()) for version in recorded):
                report.unchanged += 1  # this version is recorded already: importing a file again is a no-op
                continue
            version = LocalRules(unit=unit, version=(recorded[0].version + 1) if recorded else 1, **values)
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


def _history_problems(parsed: list[dict]) -> list[str]:
    """What makes a file's history of one unit ambiguous or impossible: dates out of order, a date in the
    future, and two different objects for the same resolution of the same day."""
    today = datetime.date.today()
    problems = []
    seen: dict[tuple, dict] = {}
    for index, item in enumerate(parsed, start=1):
        where = f"object {index} (TERC {item['teryt']})"
        for field in DATE_FIELDS:
            day = item.get(field)
            if day is not None and day > today and field != "in_force_from":
                problems.append(f"{where}: {field}: {day.isoformat()} is in the future")
        for field in ("in_force_from", "annulled_on"):
            if item.get(field) is not None and item[field] < item["adopted_on"]:
                problems.append(f"{where}: {field}: before adopted_on")
        if item.get("annulled_on") and not item.get("annulment"):
            problems.append(f"{where}: annulment: name the voivode's decision that annulled it")
        key = (item["teryt"], item["resolution"], item["adopted_on"])
        other = seen.setdefault(key, item)
        if other is not item and other != item:
            problems.append(
                f"{where}: another object gives resolution {item['resolution']} of the same day otherwise"
            )
    return problems


def _describe(index: int, obj: Mapping, errors: Mapping) -> list[str]:
    teryt = obj.get("teryt", "?") if isinstance(obj, Mapping) else "?"
    return [
        f"object {index} (TERC {teryt}): {field}: {' '.join(str(m) for m in messages)}"
        for field, messages in errors.items()
    ]
