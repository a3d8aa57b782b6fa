"""Load the scale data of ``make bench``: one large tenant at the sizes the performance goals
name, and small tenants beside it. Same ``--seed``, same data; safe to run again.

Each installed app's ``scale.py`` seeds its own tables (see ``portal/scale.py``). A size the
goals name but no app seeds yet is accepted and reported, so the benchmark can ask for the
full sizes before every feature exists.
"""

from __future__ import annotations

import math
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from portal import scale
from portal.registry import app_modules

# The sizes the performance goals name for the large tenant. Apps' ``SIZES`` add more.
GOAL_SIZES = {
    "organisations": 20_000,
    "interactions": 200_000,
    "opportunities": 50_000,
    "actions": 2_000,
    "measurements": 100_000,
}
DEFAULT_SEED = 2026
DEFAULT_SMALL_TENANTS = 20
DEFAULT_SMALL_FRACTION = 0.005


def size_defaults() -> dict[str, int]:
    """Every size the command accepts, with its default: the goals' and each app's ``SIZES``."""
    sizes = dict(GOAL_SIZES)
    for module in app_modules("scale"):
        sizes.update(getattr(module, "SIZES", {}))
    return sizes


def option_name(size: str) -> str:
    return "--" + size.replace("_", "-")


class Command(BaseCommand):
    help = (
        "Load the scale tenants for the benchmark (schaal-groot and schaal-klein-NN). "
        "Skips the load when the same sizes are already there; --force reloads."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")
        parser.add_argument(
            "--small-tenants",
            type=int,
            default=DEFAULT_SMALL_TENANTS,
            help=f"Small tenants beside the large one (default {DEFAULT_SMALL_TENANTS}).",
        )
        parser.add_argument(
            "--small-fraction",
            type=float,
            default=DEFAULT_SMALL_FRACTION,
            help="Each small tenant's share of every size (default %(default)s).",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every default size (0.01 for a quick run); explicit sizes win.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Delete the scale tenants and load again."
        )
        for size, default in size_defaults().items():
            parser.add_argument(
                option_name(size),
                dest=size,
                type=int,
                default=None,
                metavar="N",
                help=f"{size.replace('_', ' ')} in the large tenant (default {default}).",
            )

    def handle(self, *args, **options):
        started = time.monotonic()
        modules = app_modules("scale")
        if not modules or modules[0] is not scale:
            raise CommandError("portal.scale must be the first scale module (it makes tenants).")
        sizes = self._sizes(options)
        seeded = {name for module in modules for name in getattr(module, "SIZES", {})}
        for name, value in sizes.items():
            if name not in seeded and value > 0:
                self.stdout.write(f"no module seeds {name} yet (asked for {value})")
        marker = {
            "seed": options["seed"],
            "small_tenants": options["small_tenants"],
            "small_fraction": options["small_fraction"],
            "sizes": {name: value for name, value in sizes.items() if name in seeded},
            "modules": {module.__name__: getattr(module, "VERSION", 1) for module in modules},
        }
        existing = scale.marker_read()
        if existing == marker and not options["force"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Scale data is already loaded with these sizes ({scale.LARGE_TENANT_SLUG}); "
                    "nothing to do. --force reloads it."
                )
            )
            return
        if existing is not None or self._any_scale_tenant():
            reason = (
                "--force"
                if options["force"]
                else "other sizes or modules"
                if existing is not None
                else "an earlier load did not finish"
            )
            deleted = scale.scale_tenants_delete()
            self.stdout.write(f"Deleted {len(deleted)} scale tenants ({reason}).")
        context = scale.ScaleContext(
            sizes=sizes,
            seed=options["seed"],
            small_tenant_count=options["small_tenants"],
            small_fraction=options["small_fraction"],
            now=timezone.now(),
            log=self.stdout.write,
        )
        with transaction.atomic():
            for module in modules:
                module_started = time.monotonic()
                module.seed(context)
                self.stdout.write(
                    f"Seeded {module.__name__} in {time.monotonic() - module_started:.1f} s"
                )
            scale.marker_write(context, marker)
        self._analyze()
        self._summary(context)
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data loaded in {time.monotonic() - started:.1f} s. Logins: "
                f"<role>@<tenant>.example.org (e.g. "
                f"{scale.member_email(scale.LARGE_TENANT_SLUG, 'admin')}), "
                f"password {scale.SCALE_PASSWORD}"
            )
        )

    @staticmethod
    def _sizes(options) -> dict[str, int]:
        factor = options["scale"]
        sizes = {}
        for name, default in size_defaults().items():
            explicit = options.get(name)
            if explicit is not None:
                sizes[name] = max(explicit, 0)
            elif default > 0:
                sizes[name] = max(1, math.ceil(default * factor)) if factor > 0 else 0
            else:
                sizes[name] = 0
        return sizes

    @staticmethod
    def _any_scale_tenant() -> bool:
        from portal.models import Tenant

        return Tenant.objects.filter(slug__regex=scale.SCALE_SLUG_PATTERN).exists()

    @staticmethod
    def _analyze() -> None:
        """Fresh planner statistics (and, outside a transaction, the visibility map that
        index-only scans need), as autovacuum would give a table that grew this much."""
        with connection.cursor() as cursor:
            if connection.in_atomic_block:
                cursor.execute("ANALYZE")
            else:
                cursor.execute("VACUUM (ANALYZE)")

    def _summary(self, context: scale.ScaleContext) -> None:
        large = context.large_tenant
        small = [tenant for slug, tenant in context.tenants.items() if tenant.pk != large.pk]
        self.stdout.write(f"{'table':<40} {scale.LARGE_TENANT_SLUG:>14} {'small tenants':>14}")
        for model, tenant_key in sorted(
            scale.tenant_owned_models().items(), key=lambda item: item[0]._meta.db_table
        ):
            rows = model._base_manager.filter(**{f"{tenant_key.name}__in": [large, *small]})
            in_large = rows.filter(**{tenant_key.name: large}).count()
            in_small = rows.count() - in_large
            if in_large or in_small:
                self.stdout.write(f"{model._meta.db_table:<40} {in_large:>14} {in_small:>14}")
