"""The sharded counters of confirmed signatures (see SignatureTally)."""

import random

from django.db import connection

from signatures.models import SignatureTally

TABLE = SignatureTally._meta.db_table


def tally_add(*, initiative_id: int, method: str, delta: int) -> None:
    """Add `delta` to one random shard; call inside the transaction that changes the signature."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (initiative_id, method, shard, count) VALUES (%s, %s, %s, %s) "  # noqa: S608
            "ON CONFLICT (initiative_id, method, shard) "
            f"DO UPDATE SET count = {TABLE}.count + EXCLUDED.count",
            [initiative_id, method, random.randrange(SignatureTally.SHARDS), delta],  # noqa: S311
        )


def counts_by_method(initiative_ids: list[int]) -> dict[int, dict[str, int]]:
    """Confirmed, not withdrawn signatures per initiative and form: a sum over a few rows each."""
    result: dict[int, dict[str, int]] = {initiative_id: {} for initiative_id in initiative_ids}
    if not initiative_ids:
        return result
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT initiative_id, method, SUM(count) FROM {TABLE} "  # noqa: S608
            "WHERE initiative_id = ANY(%s) GROUP BY initiative_id, method",
            [list(initiative_ids)],
        )
        for initiative_id, method, total in cursor.fetchall():
            result[initiative_id][method] = int(total)
    return result
