"""The committee's use cases: invitations, declarations, leaving and removal (all while in draft).

Art. 41a ust. 5 u.s.g. leaves the committee's form to the council's local rules: its minimum size and
whether a representative (and a deputy) must be named. These rules are checked again when collection opens.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from initiative.emails import send_committee_invitation
from initiative.errors import InvalidInput, NotVisible, TransitionRefused
from initiative.invitations import invitation_issue
from initiative.models import CommitteeInvitation, CommitteeMember, Initiative, Role
from initiative.tokens import invitation_id_from_token
from personal_data.person_text import FULL_NAME_MAX, address_clean, person_name_clean


def _active_seats(initiative_id: int, user):
    if not getattr(user, "is_authenticated", False):
        return CommitteeMember.objects.none()
    return CommitteeMember.objects.filter(initiative_id=initiative_id, user=user, left_at__isnull=True)


def active_seat(initiative: Initiative, user) -> CommitteeMember | None:
    return _active_seats(initiative.pk, user).first()


def sits_on_committee(initiative_id: int, user) -> bool:
    """Whether `user` holds a seat on the committee: one indexed query, no member's data decrypted."""
    return _active_seats(initiative_id, user).exists()


def initiative_for_member(initiative_id: int, user, *, lock: bool = False) -> Initiative:
    """The committee gate: the initiative if `user` sits on its committee; NotVisible (404) for everybody
    else, as if there were no initiative, so nobody learns that a draft exists.

    Every page, endpoint and service of the committee passes through here. `lock=True` takes the row FOR
    UPDATE (call inside a transaction): two members changing the initiative at once then queue up, and a
    seat cannot be given up under a change the member is still making.
    """
    initiatives = Initiative.objects.select_related("municipality")
    if lock:
        initiatives = initiatives.select_for_update(of=("self",))
    initiative = initiatives.filter(pk=initiative_id).first()
    if initiative is None or not sits_on_committee(initiative_id, user):
        raise NotVisible
    return initiative


def _locked_seat(initiative_id: int, user) -> tuple[Initiative, CommitteeMember]:
    """Through the gate, locked, with the member's own seat: for the committee's changes to itself.
    Seats change only under this lock, so the seat the gate saw is still there."""
    initiative = initiative_for_member(initiative_id, user, lock=True)
    return initiative, active_seat(initiative, user)


def _require_editable(initiative: Initiative) -> None:
    if not initiative.committee_editable:
        raise TransitionRefused(_("The committee can change only while the initiative is a draft."))


def committee_invite(*, initiative_id: int, actor, email: str) -> CommitteeInvitation:
    """Invite an address to the committee; a repeat within a day sends nothing (initiative.invitations).

    `sent_at` on the answer tells whether this call sent the e-mail.
    """
    with transaction.atomic():
        initiative = initiative_for_member(initiative_id, actor, lock=True)
        _require_editable(initiative)
        email = email.strip().lower()
        if initiative.committee_members.filter(user__email__iexact=email, left_at__isnull=True).exists():
            raise InvalidInput({"email": [_("This person is already a member of the committee.")]})
        invitation, due = invitation_issue(initiative=initiative, email=email, actor=actor)
        if not due:
            return invitation
        send_committee_invitation(invitation)  # queued with the invitation: sent if and only if it commits
    return invitation


def _typed(raw) -> bool:
    return isinstance(raw, str) and bool(raw.strip())


def _declaration(full_name, address, role: str) -> tuple[dict, dict[str, list[str]]]:
    """The declaration as it is kept, and what is wrong with it. Names and addresses follow the rules every
    supporter's do (personal_data.person_text): the sealed packet the council gets prints them."""
    errors: dict[str, list[str]] = {}
    values = {"role": role}
    values["full_name"], problem = person_name_clean(full_name, maximum=FULL_NAME_MAX)
    if problem:
        missing = _("Give your full name, as on the declaration.")
        errors["full_name"] = [problem if _typed(full_name) else missing]
    values["address"], problem = address_clean(address)
    if problem:
        errors["address"] = [problem if _typed(address) else _("Give your address of residence.")]
    if role not in Role.values:
        errors["role"] = [_("Choose member, representative or deputy.")]
    return values, errors


def _save_declaration(seat: CommitteeMember, *, full_name: str, address: str, role: str) -> CommitteeMember:
    seat.full_name, seat.address, seat.role = full_name, address, role
    seat.declared_at = timezone.now()
    try:
        with transaction.atomic():
            seat.save(update_fields=["full_name", "address", "role", "declared_at"])
    except IntegrityError as error:
        # The partial unique index allows one representative and one deputy at a time.
        raise InvalidInput({"role": [_("The committee already has someone in this role.")]}) from error
    return seat


def committee_accept(*, token: str, user, full_name: str, address: str, role: str) -> CommitteeMember:
    """Join the committee through an invitation, with the member's declaration."""
    declaration, errors = _declaration(full_name, address, role)
    invitation_id = invitation_id_from_token(token)
    if invitation_id is None:
        errors["token"] = [_("This invitation link is not valid or has expired.")]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        invitation = CommitteeInvitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None:
            raise InvalidInput({"token": [_("This invitation link is not valid or has expired.")]})
        initiative = Initiative.objects.select_for_update().get(pk=invitation.initiative_id)
        seat = active_seat(initiative, user)
        if invitation.accepted_at and invitation.accepted_by_id == user.pk and seat is not None:
            return seat  # the same person pressing "accept" twice
        if invitation.accepted_at:
            raise InvalidInput({"token": [_("This invitation has already been used.")]})
        _require_editable(initiative)
        if seat is not None:
            raise InvalidInput({"token": [_("You are already a member of this committee.")]})
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        seat = CommitteeMember.objects.create(initiative=initiative, user=user)
        return _save_declaration(seat, **declaration)


def committee_declare(
    *, initiative_id: int, user, full_name: str, address: str, role: str
) -> CommitteeMember:
    """A member (the author first of all) gives or corrects their own declaration."""
    declaration, errors = _declaration(full_name, address, role)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        initiative, seat = _locked_seat(initiative_id, user)
        _require_editable(initiative)
        return _save_declaration(seat, **declaration)


def committee_leave(*, initiative_id: int, user) -> None:
    with transaction.atomic():
        initiative, seat = _locked_seat(initiative_id, user)
        _require_editable(initiative)
        if initiative.committee_members.filter(left_at__isnull=True).count() == 1:
            raise TransitionRefused(_("The last member cannot leave; withdraw the initiative instead."))
        seat.left_at = timezone.now()
        seat.save(update_fields=["left_at"])


def committee_remove(*, initiative_id: int, actor, member_id: int) -> None:
    """The author or the representative removes another member."""
    with transaction.atomic():
        initiative, seat = _locked_seat(initiative_id, actor)
        _require_editable(initiative)
        if seat.role != Role.REPRESENTATIVE and initiative.created_by_id != actor.pk:
            raise TransitionRefused(_("Only the author or the representative can remove members."))
        member = initiative.committee_members.filter(pk=member_id, left_at__isnull=True).first()
        if member is None or member.pk == seat.pk:
            raise InvalidInput({"member": [_("No such member to remove.")]})
        member.left_at = timezone.now()
        member.save(update_fields=["left_at"])


def committee_shortfalls(initiative: Initiative, rules) -> list[str]:
    """Why the committee is not yet complete under the local rules; empty when it is."""
    declared = list(initiative.committee_members.filter(left_at__isnull=True, declared_at__isnull=False))
    problems = []
    if len(declared) < rules.committee_min:
        problems.append(
            _("The committee needs at least %(min)d members with signed declarations; it has %(count)d.")
            % {"min": rules.committee_min, "count": len(declared)}
        )
    roles = {member.role for member in declared}
    if rules.representative in {"required", "required_with_deputy"} and Role.REPRESENTATIVE not in roles:
        problems.append(_("The council's rules require the committee to name a representative."))
    if rules.representative == "required_with_deputy" and Role.DEPUTY not in roles:
        problems.append(_("The council's rules require the committee to name a deputy representative."))
    undeclared = initiative.committee_members.filter(left_at__isnull=True, declared_at__isnull=True).count()
    if undeclared:
        problems.append(
            _("%(count)d member(s) have not signed their declaration yet.") % {"count": undeclared}
        )
    return problems
