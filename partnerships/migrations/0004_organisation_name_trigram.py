"""Trigram search on organisation names, where the server has pg_trgm.

The embedded PostgreSQL (pgserver) ships without contrib extensions, so this is
conditional: without pg_trgm, search uses full text and substring matching only.
"""

from django.db import migrations

FORWARD = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX IF NOT EXISTS organisation_name_trgm_idx
            ON partnerships_organisation USING gin (name gin_trgm_ops);
    END IF;
END
$$;
"""

BACKWARD = "DROP INDEX IF EXISTS organisation_name_trgm_idx;"


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0003_crm")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
