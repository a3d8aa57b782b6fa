"""``make bench``: load the scale data, drive the pages under gunicorn with wrk, time the jobs.

See bench/README.md. ``pages.py`` and ``jobs.py`` are the registries later features add to.
"""
