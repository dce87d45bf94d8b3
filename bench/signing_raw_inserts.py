"""Bare PostgreSQL for comparison: rows as wide as a signature inserted into a copy of the table, alone and
in a transaction shaped like the app's, with and without its row lock (signatures_load.py)."""

import itertools
import secrets
import threading
import time

import psycopg
from measuring import summary


def raw_inserts(url: str, target: dict, levels: list[int], count: int, deadline: float) -> list[dict]:
    """Rows as wide as a real e-mail declaration into a copy of the table (its checks and indexes, not its
    foreign keys), one transaction each, from `level` connections; then the same with the statements the
    signing transaction sends, with and without its row lock, to show what round trips and lock cost."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_raw_signature")
        connection.execute("CREATE TABLE bench_raw_signature (LIKE signatures_signature INCLUDING ALL)")
        cursor = connection.execute(
            "SELECT * FROM signatures_signature WHERE initiative_id = %s AND method = 'email' LIMIT 1",
            [target["initiative_id"]],
        )
        template = dict(zip([column.name for column in cursor.description], cursor.fetchone(), strict=True))
    del template["id"]
    columns = list(template)
    insert = (
        f"INSERT INTO bench_raw_signature ({', '.join(columns)}) "  # our own column names
        f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING id"
    )
    # The signing transaction's own statement: the partial unique index of live signatures decides.
    insert_once = insert.replace(
        " RETURNING id",
        " ON CONFLICT (initiative_id, identity_hash) WHERE status IN ('pending', 'confirmed') DO NOTHING"
        " RETURNING id",
    )
    hash_at = columns.index("identity_hash")

    def values() -> list:
        row = list(template.values())
        row[hash_at] = secrets.token_hex(32)
        return row

    def bare(connection) -> None:
        connection.execute(insert, values())

    def app_shaped(connection) -> None:
        # What signature_submit sends for an e-mail declaration, minus Django: lock the initiative row
        # FOR SHARE, insert unless the person has a live signature, commit.
        with connection.transaction():
            connection.execute(
                "SELECT id FROM initiative_initiative WHERE id = %s FOR SHARE", [target["initiative_id"]]
            )
            connection.execute(insert_once, values())

    def unlocked(connection) -> None:
        # The same with a plain SELECT: what locking one row by every signer costs, round trips aside.
        with connection.transaction():
            connection.execute(
                "SELECT id FROM initiative_initiative WHERE id = %s", [target["initiative_id"]]
            )
            connection.execute(insert_once, values())

    results = []
    kinds = (
        ("insert", bare),
        ("transaction like the app's", app_shaped),
        ("same without FOR SHARE", unlocked),
    )
    for kind, statement in kinds:
        for level in levels:
            print(f"bare PostgreSQL: {kind}, concurrency {level}…", flush=True)
            results.append({"kind": kind, **insert_phase(url, statement, level, count, deadline)})
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE bench_raw_signature")
    return results


def insert_phase(url: str, statement, concurrency: int, total: int, deadline: float) -> dict:
    latencies: list[float] = []
    failures: list[str] = []
    next_index = itertools.count()

    def worker() -> None:
        mine = []
        with psycopg.connect(url, autocommit=True) as connection:
            while next(next_index) < total and time.monotonic() < deadline:
                start = time.perf_counter()
                try:
                    statement(connection)
                except psycopg.Error as error:
                    failures.append(str(error))
                mine.append(time.perf_counter() - start)
        latencies.extend(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {
        "concurrency": concurrency,
        "rows": len(latencies),
        "errors": len(failures),
        "wall_seconds": round(wall, 3),
        "rows_per_second": round(len(latencies) / wall, 1) if wall else None,
        **summary(latencies),
    }
