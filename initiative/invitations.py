"""Invitations to the committee as a channel of e-mail to strangers: one per address, a few a day.

Anybody may open a draft and invite addresses, so without bounds the platform would mail whoever an
attacker names, as often as asked. Three rules keep it to what a committee needs:
- one pending invitation per address and initiative (a partial unique index): inviting the address again
  renews that invitation and its link instead of adding another;
- a renewal within RESEND_AFTER sends nothing: the e-mail already sent still holds;
- at most COMMITTEE_INVITATIONS_PER_INITIATIVE_PER_DAY e-mails for one initiative and
  COMMITTEE_INVITATIONS_PER_PERSON_PER_DAY by one inviting person in any 24 hours (off with RATE_LIMITS=off).
Each invitation mails at most once in RESEND_AFTER, which is 24 hours, so the invitations whose `sent_at`
falls in the last 24 hours are exactly the e-mails sent in them: the rows count them, no other record.
"""

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from initiative.errors import TransitionRefused
from initiative.models import CommitteeInvitation, Initiative

RESEND_AFTER = datetime.timedelta(hours=24)
DAY = datetime.timedelta(hours=24)
# An arbitrary advisory-lock key, unique to invitations; the inviting person's id is the second half.
INVITER_LOCK = 0x7E2F


def invitation_issue(*, initiative: Initiative, email: str, actor) -> tuple[CommitteeInvitation, bool]:
    """The pending invitation of `email` to `initiative`, new or renewed, and whether to e-mail it now.

    The caller holds the initiative's row FOR UPDATE (initiative.committee), so invitations to one
    initiative take turns; `email` is normalised (lower case).
    """
    now = timezone.now()
    pending = CommitteeInvitation.objects.filter(
        initiative=initiative, email__iexact=email, accepted_at__isnull=True
    ).first()
    if pending is not None and pending.sent_at > now - RESEND_AFTER:
        return pending, False
    if settings.RATE_LIMITS:
        _check_daily_limits(initiative, actor, since=now - DAY)
    if pending is None:
        return CommitteeInvitation.objects.create(
            initiative=initiative, email=email, invited_by=actor, created_at=now, sent_at=now
        ), True
    # A renewal: a new e-mail with a new link (valid for INVITATION_MAX_AGE from now); the old link
    # names the same row and keeps working while it is valid.
    pending.invited_by, pending.sent_at = actor, now
    pending.save(update_fields=["invited_by", "sent_at"])
    return pending, True


def _check_daily_limits(initiative: Initiative, actor, *, since: datetime.datetime) -> None:
    _refuse_at_limit(
        CommitteeInvitation.objects.filter(initiative=initiative, sent_at__gt=since).count(),
        settings.COMMITTEE_INVITATIONS_PER_INITIATIVE_PER_DAY,
        _(
            "This initiative has sent %(count)d invitations in the last 24 hours, the most allowed. "
            "Invite more people tomorrow."
        ),
    )
    # One person inviting to several drafts at once: their invitations take turns too, or each would
    # count the others' as not yet sent.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [INVITER_LOCK, actor.pk % 2**31])
    _refuse_at_limit(
        CommitteeInvitation.objects.filter(invited_by=actor, sent_at__gt=since).count(),
        settings.COMMITTEE_INVITATIONS_PER_PERSON_PER_DAY,
        _(
            "You have sent %(count)d invitations in the last 24 hours, the most one person may. "
            "Invite more people tomorrow."
        ),
    )


def _refuse_at_limit(sent: int, limit: int, message: str) -> None:
    """Refuse once `sent` invitations reached `limit`; `message` says so with %(count)d."""
    if sent >= limit:
        raise TransitionRefused(message % {"count": sent})
