"""``make bench``: the production settings on the loopback interface, without API rate limits.

Production demands a SECRET_KEY and sends cookies over HTTPS only; the benchmark talks
plain HTTP to 127.0.0.1, so it gets defaults for both. Set the variables to override them.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key-for-loopback")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
# The benchmark measures what a request costs, not the rate limiter: wrk's eight clients
# would reach the production limits within seconds (the limiter's cache lookup stays in).
os.environ.setdefault("API_THROTTLE_USER", "1000000/minute")
os.environ.setdefault("API_THROTTLE_ANON", "1000000/minute")

from .production import *  # noqa: E402, F403
