"""Load the demo partnerships, users and every app's demo content. Safe to run again."""

from django.core.management.base import BaseCommand
from django.utils import translation

from portal.demo import logins
from portal.registry import app_modules


class Command(BaseCommand):
    help = "Create the demo partnerships with their users and content (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args, quiet_logins: bool = False, **options):
        context: dict = {}
        with translation.override("nl"):
            for module in app_modules("demo"):
                module.seed(context)
                self.stdout.write(f"Seeded {module.__name__}")
        if not quiet_logins:
            self.stdout.write(self.style.SUCCESS("\nDemo logins (password for all of them):"))
            for email, password, roles in logins():
                self.stdout.write(f"  {email:<28} {password}   {roles}")
