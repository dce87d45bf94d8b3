"""Check a packet anyone holds: is its seal the platform's and whole, does its integrity appendix hold,
and is it a packet the platform issued (docs/law.md §The packet: "anyone can check a packet").

Three questions, each answered on its own so that one broken part does not hide the others:
1. the seal (documents.pades.validate_seal): intact, valid, trusted, nothing changed after it but, at most,
   a committee representative's signature;
2. the integrity appendix, the attached `integrity.json`: its own Merkle root over the records' hashes
   (initiative.filing.packet.integrity), and the SHA-256 of every other attached file (paper sheets' scans,
   e-signature evidence) against its "files" map; an attached file it does not list is a problem too;
3. the record: a Packet whose SHA-256 is this file's, or, when the file differs (a signature was added
   after the seal), one whose Merkle root is the appendix's.

The file is untrusted and may be anything: `packet_verify` never raises on its bytes. Every failure is a
`Problem` with a code (for programs) and a message (for people, through gettext, in the language active
when it is read). Nothing is stored; names of attached files are shown cut short, as given.
"""

import dataclasses
import datetime
import hashlib
import logging

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from documents.bounded_reader import DecodeBudget, DecodeRefused, upload_budget
from documents.pades import PdfRejected, SealValidation, attachment_digests, read_attachment, validate_seal
from initiative.filing.packet import integrity
from initiative.models import Packet, PacketStatus

logger = logging.getLogger(__name__)

# How many names of attached files a problem quotes; the count covers the rest.
NAMES_SHOWN = 10
NAME_LENGTH = 80

MESSAGES = {
    "empty": gettext_lazy("The file is empty."),
    "not_pdf": gettext_lazy("The file is not a PDF, or it is damaged or cut short."),
    "encrypted": gettext_lazy("The file is encrypted; the platform never encrypts a packet."),
    "unsigned": gettext_lazy("The file has no seal."),
    "unreadable_signature": gettext_lazy("The seal cannot be read: the file is damaged."),
    "over_budget": gettext_lazy(
        "Reading the file would decode far more data than any packet holds (a compression bomb?): it was "
        "not read further."
    ),
    "seal_changed": gettext_lazy("The sealed content has been changed since it was sealed."),
    "seal_invalid": gettext_lazy("The seal's signature, or its timestamp, is not cryptographically valid."),
    "seal_untrusted": gettext_lazy(
        "The seal is not the platform's: its certificate, or its timestamp's, does not lead to a root "
        "the platform trusts."
    ),
    "changed_after_seal": gettext_lazy(
        "The document was changed after it was sealed (more than a signature was added)."
    ),
    "later_signature_broken": gettext_lazy("A signature added after the seal is damaged or not valid."),
    "appendix_unreadable": gettext_lazy("The integrity appendix cannot be read from the file."),
    "appendix_missing": gettext_lazy("The file has no integrity appendix (the attached integrity.json)."),
    "appendix_not_json": gettext_lazy("The integrity appendix is not a JSON document."),
    "appendix_too_large": gettext_lazy(
        "The integrity appendix is larger, or nested deeper, than any packet's: it was not read."
    ),
    "appendix_invalid": gettext_lazy("The integrity appendix does not hold: %(detail)s."),
    "files_unreadable": gettext_lazy("The attached files cannot be read, so their hashes cannot be checked."),
    "file_missing": gettext_lazy("Attached files listed in the integrity appendix are missing: %(names)s."),
    "file_changed": gettext_lazy(
        "Attached files differ from their hashes in the integrity appendix: %(names)s."
    ),
    "file_unlisted": gettext_lazy("Attached files are not listed in the integrity appendix: %(names)s."),
}
# What documents.pades.PdfRejected's reasons mean for a packet.
SEAL_REJECTIONS = {"not_pdf", "encrypted", "unsigned", "unreadable_signature", "over_budget"}


@dataclasses.dataclass(frozen=True)
class Problem:
    code: str
    detail: str = ""  # untranslated text from a check (the appendix's own finding)
    names: tuple[str, ...] = ()  # attached files concerned
    count: int = 0  # how many in all, when more than the names shown

    @property
    def message(self) -> str:
        names = ", ".join(self.names)
        if self.count > len(self.names):
            more = self.count - len(self.names)
            names += " " + ngettext("and %(more)d more", "and %(more)d more", more) % {"more": more}
        return str(MESSAGES[self.code]) % {"detail": self.detail, "names": names}

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclasses.dataclass(frozen=True)
class IntegrityFindings:
    present: bool  # an integrity.json was found and read as JSON
    holds: bool  # its Merkle root matches its records, and every attached file its hash
    records: int | None
    merkle_root: str
    initiative: int | None  # as the appendix says
    version: int | None
    files_checked: int  # attached files whose hashes match the appendix

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class PacketMatch:
    initiative_id: int
    version: int
    title: str
    exact: bool  # this very file was issued; otherwise only its appendix matches one that was

    def as_dict(self) -> dict:
        return {
            "initiative": self.initiative_id,
            "version": self.version,
            "title": self.title,
            "exact": self.exact,
        }


@dataclasses.dataclass(frozen=True)
class PacketReport:
    valid: bool  # the seal is accepted and the integrity appendix holds
    sha256: str
    size: int
    seal: SealValidation | None  # None when the file could not be checked for a seal at all
    integrity: IntegrityFindings
    packet: PacketMatch | None
    problems: tuple[Problem, ...]

    def findings(self) -> list[tuple[bool | None, str]]:
        """The report for people, line by line: (True a check that holds, False a problem, None facts)."""
        rows: list[tuple[bool | None, str]] = [
            (
                self.valid,
                _("The packet is valid: its seal and its integrity appendix hold.")
                if self.valid
                else _("The packet is NOT valid."),
            ),
            (
                None,
                _("SHA-256 of this file: %(sha256)s (%(size)s bytes).")
                % {"sha256": self.sha256, "size": self.size},
            ),
        ]
        rows += [(True, text) for text in self._seal_lines()]
        rows += [(True, text) for text in self._integrity_lines()]
        rows += self._packet_lines()
        rows += [(False, problem.message) for problem in self.problems]
        return rows

    def lines(self) -> list[str]:
        marks = {True: "[ok] ", False: "[!!] ", None: ""}
        return [marks[ok] + text for ok, text in self.findings()]

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "sha256": self.sha256,
            "size": self.size,
            "seal": _seal_dict(self.seal) if self.seal is not None else None,
            "integrity": self.integrity.as_dict(),
            "packet": self.packet.as_dict() if self.packet is not None else None,
            "problems": [problem.as_dict() for problem in self.problems],
            "report": self.lines(),
        }

    def _seal_lines(self) -> list[str]:
        seal = self.seal
        if seal is None or not (seal.intact and seal.valid):  # nothing it says can be relied on
            return []
        lines = [_("The seal's signature is valid and the sealed content is unchanged.")]
        if seal.trusted:
            lines.append(
                _("Sealed by %(sealed_by)s (issuer: %(issuer)s).")
                % {"sealed_by": seal.sealed_by, "issuer": seal.issuer}
            )
        if seal.covers_whole_document:
            lines.append(_("Nothing was changed after sealing."))
        if seal.signing_time is not None:
            when = _when(seal.signing_time)
            lines.append(
                _("Sealed at %(when)s, as certified by a timestamp authority.") % {"when": when}
                if seal.timestamped
                else _("Sealed at %(when)s, by the platform's own clock (no timestamp).") % {"when": when}
            )
        if seal.revocation_data:
            lines.append(_("The seal carries the revocation data of its certificates (PAdES B-LT)."))
        for later in seal.later_signatures:
            if later.intact and later.valid:
                lines.append(
                    _(
                        "A signature was added after the seal "
                        "(issuer: %(issuer)s; %(qualified)s; %(trusted)s)."
                    )
                    % {
                        "issuer": later.issuer,
                        "qualified": _("qualified certificate")
                        if later.qualified
                        else _("certificate not qualified"),
                        "trusted": _("trusted issuer")
                        if later.trusted
                        else _("issuer not on the trusted list"),
                    }
                )
        return lines

    def _integrity_lines(self) -> list[str]:
        found = self.integrity
        if not found.holds:
            return []
        return [
            ngettext(
                "The integrity appendix holds: %(records)d signature record, Merkle root %(root)s.",
                "The integrity appendix holds: %(records)d signature records, Merkle root %(root)s.",
                found.records or 0,
            )
            % {"records": found.records or 0, "root": found.merkle_root},
            ngettext(
                "%(files)d attached file matches its hash in the appendix.",
                "%(files)d attached files match their hashes in the appendix.",
                found.files_checked,
            )
            % {"files": found.files_checked},
        ]

    def _packet_lines(self) -> list[tuple[bool | None, str]]:
        match = self.packet
        if match is None:
            return [(None, _("No packet on the platform's record has this file's checksum."))]
        values = {"version": match.version, "initiative": match.initiative_id, "title": match.title}
        if match.exact:
            return [
                (
                    True,
                    _(
                        "This file is version %(version)s of the packet of initiative %(initiative)s, "
                        "“%(title)s”, as the platform issued it."
                    )
                    % values,
                )
            ]
        return [
            (
                None,
                _(
                    "Its integrity appendix is that of version %(version)s of the packet of initiative "
                    "%(initiative)s, “%(title)s”, but the file differs from the one issued (for "
                    "example, a signature was added after the seal)."
                )
                % values,
            )
        ]


def packet_verify(data: bytes) -> PacketReport:
    """Check the bytes of a packet; never raises on them (only on a configuration mistake).

    Everything decoded from the file, by every check, counts against one budget
    (documents.bounded_reader): a compression bomb ends in an "over_budget" problem, within seconds.
    """
    data = bytes(data or b"")
    problems: list[Problem] = []
    budget = upload_budget(len(data))
    if not data:
        problems.append(Problem("empty"))
    seal = _check_seal(data, problems, budget) if data else None
    found, manifest = _check_integrity(data, problems, budget) if data else (_NO_INTEGRITY, None)
    sha256 = hashlib.sha256(data).hexdigest()
    return PacketReport(
        valid=not problems and seal is not None and seal.accepted and found.holds,
        sha256=sha256,
        size=len(data),
        seal=seal,
        integrity=found,
        packet=_on_record(sha256, manifest),
        problems=tuple(problems),
    )


_NO_INTEGRITY = IntegrityFindings(
    present=False, holds=False, records=None, merkle_root="", initiative=None, version=None, files_checked=0
)


def _check_seal(data: bytes, problems: list[Problem], budget: DecodeBudget) -> SealValidation | None:
    try:
        seal = validate_seal(data, budget=budget)
    except PdfRejected as rejected:
        problems.append(
            Problem(rejected.reason if rejected.reason in SEAL_REJECTIONS else "unreadable_signature")
        )
        return None
    if not seal.intact:
        problems.append(Problem("seal_changed"))
    if seal.intact and not seal.valid:  # changed bytes make the signature fail too: said above
        problems.append(Problem("seal_invalid"))
    if seal.intact and seal.valid and not seal.trusted:  # a broken seal is not trusted either: say why once
        problems.append(Problem("seal_untrusted"))
    if not seal.covers_whole_document:
        problems.append(Problem("changed_after_seal"))
    if not all(later.intact and later.valid for later in seal.later_signatures):
        problems.append(Problem("later_signature_broken"))
    return seal


def _check_integrity(
    data: bytes, problems: list[Problem], budget: DecodeBudget
) -> tuple[IntegrityFindings, dict | None]:
    try:
        raw = read_attachment(
            data, integrity.ATTACHMENT_NAME, budget=budget, max_bytes=integrity.MAX_MANIFEST_BYTES
        )
    except PdfRejected as rejected:
        if rejected.reason == "over_budget":
            _add_once(problems, Problem("over_budget"))
        elif rejected.reason not in ("not_pdf", "encrypted"):  # said once, by the seal's check
            problems.append(Problem("appendix_unreadable"))
        else:
            problems.append(Problem("appendix_missing"))
        return _NO_INTEGRITY, None
    if raw is None:
        problems.append(Problem("appendix_missing"))
        return _NO_INTEGRITY, None
    try:
        manifest = integrity.manifest_read(raw)
    except DecodeRefused as refused:
        code = "appendix_not_json" if refused.reason == "not_json" else "appendix_too_large"
        problems.append(Problem(code))
        return _NO_INTEGRITY, None
    if not isinstance(manifest, dict):
        problems.append(Problem("appendix_not_json"))
        return _NO_INTEGRITY, None

    own = integrity.manifest_problems(manifest)
    problems.extend(Problem("appendix_invalid", detail=text) for text in own)
    files_checked, files_hold = (0, False) if own else _check_files(data, manifest["files"], problems, budget)
    records = manifest.get("records")
    found = IntegrityFindings(
        present=True,
        holds=not own and files_hold,
        records=len(records) if isinstance(records, list) else None,
        merkle_root=manifest.get("merkle_root") if isinstance(manifest.get("merkle_root"), str) else "",
        initiative=_int_or_none(manifest.get("initiative")),
        version=_int_or_none(manifest.get("version")),
        files_checked=files_checked,
    )
    return found, (manifest if not own else None)


def _check_files(
    data: bytes, listed: dict, problems: list[Problem], budget: DecodeBudget
) -> tuple[int, bool]:
    """Compare every attached file but the appendix itself with the appendix's "files" map."""
    try:
        attached = attachment_digests(data, budget=budget)
    except PdfRejected as rejected:
        logger.info("attached files could not be read: %s", rejected.reason)
        code = "over_budget" if rejected.reason == "over_budget" else "files_unreadable"
        _add_once(problems, Problem(code))
        return 0, False
    attached.pop(integrity.ATTACHMENT_NAME, None)
    missing = sorted(name for name in listed if name not in attached)
    changed = sorted(name for name in listed if name in attached and attached[name] != listed[name].lower())
    unlisted = sorted(name for name in attached if name not in listed)
    for code, names in (("file_missing", missing), ("file_changed", changed), ("file_unlisted", unlisted)):
        if names:
            shown = tuple(_short(name) for name in names[:NAMES_SHOWN])
            problems.append(Problem(code, names=shown, count=len(names)))
    matching = len(listed) - len(missing) - len(changed)
    return matching, not (missing or changed or unlisted)


def _add_once(problems: list[Problem], problem: Problem) -> None:
    if problem not in problems:
        problems.append(problem)


def _on_record(sha256: str, manifest: dict | None) -> PacketMatch | None:
    issued = (
        Packet.objects.select_related("initiative").filter(sha256=sha256, status=PacketStatus.READY).first()
    )
    if issued is not None:
        return _match(issued, exact=True)
    if manifest is None:
        return None
    initiative, version = _int_or_none(manifest.get("initiative")), _int_or_none(manifest.get("version"))
    if initiative is None or version is None:
        return None
    issued = (
        Packet.objects.select_related("initiative")
        .filter(
            initiative_id=initiative,
            version=version,
            merkle_root=manifest["merkle_root"],
            status=PacketStatus.READY,
        )
        .first()
    )
    return _match(issued, exact=False) if issued is not None else None


def _match(packet: Packet, *, exact: bool) -> PacketMatch:
    return PacketMatch(
        initiative_id=packet.initiative_id, version=packet.version, title=packet.initiative.title, exact=exact
    )


def _seal_dict(seal: SealValidation) -> dict:
    return {
        "intact": seal.intact,
        "valid": seal.valid,
        "trusted": seal.trusted,
        "whole_document": seal.covers_whole_document,
        "certified": seal.certified,
        "timestamped": seal.timestamped,
        "signing_time": seal.signing_time.isoformat() if seal.signing_time is not None else None,
        "sealed_by": seal.sealed_by,
        "issuer": seal.issuer,
        "revocation_data": seal.revocation_data,
        "later_signatures": [
            {
                "intact": later.intact,
                "valid": later.valid,
                "trusted": later.trusted,
                "qualified": later.qualified,
                "issuer": later.issuer,
                "signing_time": later.signing_time.isoformat() if later.signing_time is not None else None,
            }
            for later in seal.later_signatures
        ],
    }


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(moment.astimezone(datetime.UTC), "Y-m-d H:i:s") + " UTC"


def _int_or_none(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63 else None


def _short(name: str) -> str:
    name = "".join(ch if ch.isprintable() else "?" for ch in str(name))
    return name if len(name) <= NAME_LENGTH else name[: NAME_LENGTH - 1] + "…"
