"""A password hasher for the test of guesses sent at once: Django's MD5 hasher that takes a fifth of a second
to check a password (as the real one takes about that long on purpose) and counts the checks."""

import threading
import time

from django.contrib.auth.hashers import MD5PasswordHasher

checks = {"count": 0}
_lock = threading.Lock()


class SlowCountingHasher(MD5PasswordHasher):
    algorithm = "slow_counting_md5"

    def verify(self, password, encoded):
        with _lock:
            checks["count"] += 1
        time.sleep(0.2)
        return super().verify(password, encoded)
