"""Calls released at the same moment: the tests of what two people, or two workers, do at once."""

import threading

from django.db import connection


def at_once(*calls, timeout: float = 120) -> list:
    """Run each call in a thread of its own, released together; return what each returned or raised.

    Outcomes come in the order of the calls: a return value, or the exception the call raised (a thread's
    exception would otherwise be lost). Each thread closes its own database connection, as transactional
    tests need.
    """
    start = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index: int, call) -> None:
        try:
            start.wait(timeout=timeout)
            outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), f"a call did not end within {timeout} s"
    return outcomes


def failures(outcomes: list) -> list[Exception]:
    return [outcome for outcome in outcomes if isinstance(outcome, Exception)]
