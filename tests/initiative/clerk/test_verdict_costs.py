"""What the clerk's verdicts cost: a batch takes the same few queries whatever its size, and 10,000 verdicts
are quick."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiative.clerk.verification import verdicts_set, verification_counts
from tests.initiative.clerk.conftest import invalid, paper_ids, valid
from tests.signatures.conftest import add_signatures


def test_a_batch_costs_the_same_few_queries_whatever_its_size(verifying_initiative, clerk_of_gliwice):
    ids = paper_ids(verifying_initiative) + add_signatures(verifying_initiative, 1000)
    small, large = ids[:3], ids[3:]

    with CaptureQueriesContext(connection) as few:
        verdicts_set(
            initiative_id=verifying_initiative.pk,
            clerk=clerk_of_gliwice,
            verdicts=[valid(pk) for pk in small],
        )
    with CaptureQueriesContext(connection) as many:
        verdicts_set(
            initiative_id=verifying_initiative.pk,
            clerk=clerk_of_gliwice,
            verdicts=[invalid(pk) for pk in large],
        )

    assert len(many) == len(few) <= 8
    assert verification_counts(verifying_initiative).invalid == len(large)


def test_ten_thousand_verdicts_in_one_batch_are_quick(verifying_initiative, clerk_of_gliwice):
    ids = add_signatures(verifying_initiative, 10_000)
    started = time.perf_counter()

    applied = verdicts_set(
        initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, verdicts=[valid(pk) for pk in ids]
    )

    elapsed = time.perf_counter() - started
    assert (applied.updated, applied.valid) == (10_000, 10_000)
    assert elapsed < 5, f"10,000 verdicts took {elapsed:.1f} s"
