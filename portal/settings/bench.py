"""``make bench``: the production settings, served on the loopback interface.

Production demands a SECRET_KEY and sends cookies over HTTPS only; the benchmark talks
plain HTTP to 127.0.0.1, so it gets defaults for both. Set the variables to override them.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key-for-loopback")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from .production import *  # noqa: E402, F403
