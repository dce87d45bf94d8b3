"""The committee signs its filing: the sealed packet with the representative's electronic signature added
after the platform's seal (docs/law.md §The packet).

The platform's seal proves what the platform built; the office also needs the committee's own signature on
what it files, as on any letter (the paper route is a cover letter signed by hand and delivered with the
originals). The committee downloads the sealed packet, signs it in its signing application (a qualified
signature, or podpis osobisty), and uploads it here. It is accepted when:

- the sealed packet is there byte for byte, ahead of the signature (an incremental update, as every PAdES
  application makes), and the seal still holds (`validate_seal`: nothing but signing after it);
- the new signature is intact and sound, and its certificate leads to a certificate trusted for people's
  signatures (signatures.trust: the EU trusted list and SIGNATURE_TRUST_ROOTS);
- it is qualified or podpis osobisty, as signatures.trust tells them apart;
- its signer is named as the committee's representative or deputy in their declarations, or, where the
  committee named no representative (art. 41a ust. 4 u.s.g. allows it), as any member who declared.

That file is then the version the office receives: the packet's download gives it (storage.packet_file_read
_for). It is kept encrypted, like the packet, and deleted with it.
"""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.bounded_reader import upload_budget
from documents.pades import PdfRejected, validate_seal
from initiative.committee import initiative_for_member
from initiative.errors import InvalidInput, TransitionRefused
from initiative.filing.packet.storage import packet_file_read, signed_packet_store
from initiative.lifecycle import AWAITING_DECISION_STATES
from initiative.models import Packet, PacketStatus, Role, SignedPacket, SignedPacketMethod
from personal_data.person_text import same_person_named
from signatures.trust import PERSONAL, QUALIFIED, signature_kind, signature_trust_roots_pem

# A signature with its certificates and revocation data adds tens or hundreds of kilobytes; more than this
# on top of the sealed packet is not a signature.
SIGNATURE_ALLOWANCE_BYTES = 4 * 1024 * 1024


def _refused(message: str) -> InvalidInput:
    return InvalidInput({"file": [message]})


def _packet_to_sign(initiative) -> Packet:
    """The version filed last; refused (409) while it is being prepared (an earlier version is superseded)."""
    if initiative.status not in AWAITING_DECISION_STATES:
        raise TransitionRefused(
            _("The filing can be signed after it is filed and before the office decides.")
        )
    packet = initiative.packets.order_by("-version").first()
    if packet is None or packet.status != PacketStatus.READY or packet.file_deleted_at is not None:
        raise TransitionRefused(_("The packet is still being prepared; sign it once it is ready."))
    return packet


def _signers(initiative) -> list[tuple[str, str]]:
    """(declared full name, role) of those who may sign for the committee."""
    declared = list(initiative.committee_members.filter(left_at__isnull=True, declared_at__isnull=False))
    named = [member for member in declared if member.role in {Role.REPRESENTATIVE, Role.DEPUTY}]
    return [(member.full_name, member.role) for member in (named or declared)]


def _method(later) -> str:
    """Qualified or podpis osobisty, as signatures.trust tells them apart."""
    kind = signature_kind(
        qualified=later.qualified,
        anchor_sha256=later.trust_anchor_sha256,
        serial_number=later.signer.serial_number,
    )
    if kind == QUALIFIED:
        return SignedPacketMethod.QUALIFIED
    if kind == PERSONAL:
        return SignedPacketMethod.PERSONAL
    raise _refused(
        _(
            "This signature is neither qualified nor podpis osobisty. Sign with a qualified signature or "
            "with the e-ID card (podpis osobisty), or sign the cover letter by hand."
        )
    )


def signed_packet_upload(*, initiative_id: int, actor, file: bytes) -> SignedPacket:
    """Check and keep the committee's signed packet (see the module's docstring); 400 with the reason for
    anything wrong with the file, 409 before filing, before the packet is ready or after the decision."""
    with transaction.atomic():
        initiative = initiative_for_member(initiative_id, actor, lock=True)
        packet = _packet_to_sign(initiative)
        sealed = packet_file_read(packet)
        if len(file) > len(sealed) + SIGNATURE_ALLOWANCE_BYTES:
            raise _refused(_("The file is much larger than the packet with a signature could be."))
        if len(file) <= len(sealed) or file[: len(sealed)] != sealed:
            raise _refused(
                _(
                    "This is not version %(version)d of the packet as the platform sealed it, with a "
                    "signature added: download the packet again, sign it without changing it, and upload "
                    "the signed file."
                )
                % {"version": packet.version}
            )
        try:
            seal = validate_seal(
                file, budget=upload_budget(len(file)), signature_roots_pem=signature_trust_roots_pem()
            )
        except PdfRejected as rejected:
            raise _refused(_("The file could not be read as a signed PDF.")) from rejected
        if not seal.accepted:
            raise _refused(
                _("The platform's seal no longer holds: the file was changed after it was sealed.")
            )
        if not seal.later_signatures:
            raise _refused(_("The file carries no signature besides the platform's seal."))
        later = seal.later_signatures[-1]
        if not (later.intact and later.valid):
            raise _refused(_("The signature is damaged or not valid."))
        if not later.trusted:
            raise _refused(
                _(
                    "The signature's certificate does not lead to a certification authority the platform "
                    "trusts."
                )
            )
        method = _method(later)
        role = next(
            (
                role
                for full_name, role in _signers(initiative)
                if same_person_named(full_name, later.signer.given_name, later.signer.surname)
            ),
            None,
        )
        if role is None:
            raise _refused(
                _(
                    "The signature is not that of the committee's representative or deputy as named in their "
                    "declarations."
                )
            )
        row = SignedPacket.objects.select_for_update().filter(packet=packet).first() or SignedPacket(
            packet=packet
        )
        old_name = row.file.name
        row.signer_role, row.method, row.uploaded_by = role, method, actor
        row.issuer, row.signing_time, row.uploaded_at = later.issuer, later.signing_time, timezone.now()
        row.sha256, row.size_bytes = hashlib.sha256(file).hexdigest(), len(file)
        signed_packet_store(row, file)
        row.save()
        if old_name and old_name != row.file.name:
            transaction.on_commit(lambda: row.file.storage.delete(old_name))
    return row


def signed_packets_of(initiative):
    """The committee's signed packets, newest version first."""
    return (
        SignedPacket.objects.filter(packet__initiative=initiative, file_deleted_at__isnull=True)
        .select_related("packet")
        .order_by("-packet__version")
    )
