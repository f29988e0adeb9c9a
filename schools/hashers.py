"""Password hashers tuned for a school server."""

import secrets

from django.contrib.auth.hashers import Argon2PasswordHasher, MD5PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's minimum parameters: 19 MiB, 2 iterations, 1 lane."""

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1


class SlipPasswordHasher(MD5PasswordHasher):
    """Deliberately fast hasher for the random, temporary passwords on login slips.

    A 10,000-student import would cost minutes to an hour of CPU with Argon2id or
    PBKDF2. Slip passwords are random (≥ 50 bits), shown once, and must be changed
    at first login, where the strong default hasher takes over; Django also
    upgrades the stored hash on the first successful login because this hasher is
    not the preferred one.
    """

    algorithm = "slip_md5"

    def salt(self):
        # 128 bits like Django's default salt, but one call instead of 22 per-character choices:
        # the default made salting most of a 10,000-student import's hashing time.
        return secrets.token_urlsafe(16)
