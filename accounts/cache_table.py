"""The database cache's table (CACHES without CACHE_URL): made by `migrate`, so `make setup`, `make run`
and the tests need no extra command, and made again after a switch from Redis to the database.
`createcachetable` skips a table that exists, so running it after every `migrate` is cheap.
"""

from django.core.management import call_command


def cache_table_create(sender, using: str = "default", **kwargs) -> None:
    call_command("createcachetable", database=using, verbosity=0)
