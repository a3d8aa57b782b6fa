"""Make the shared fixtures of tests/conftest.py available to every app's tests too."""

from tests.conftest import *  # noqa: F403
