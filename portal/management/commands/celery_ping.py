"""Send a task through the broker and wait for a worker's answer (smoke test and health check)."""

import uuid

from django.core.management.base import BaseCommand, CommandError

from portal.tasks import ping


class Command(BaseCommand):
    help = "Round-trip a task through the Celery broker and a worker."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args, timeout: float, **options):
        payload = uuid.uuid4().hex
        try:
            answer = ping.delay(payload).get(timeout=timeout)
        except Exception as error:
            raise CommandError(f"No worker answered within {timeout:g} s: {error}") from error
        if answer != f"pong:{payload}":
            raise CommandError(f"Unexpected answer from the worker: {answer!r}")
        self.stdout.write(self.style.SUCCESS("A worker answered through the broker."))
