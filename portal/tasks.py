"""Tasks of the tenancy layer."""

from celery import shared_task


@shared_task(name="portal.ping")
def ping(payload: str) -> str:
    """Echo: proves a message round-trips through the broker and a worker."""
    return f"pong:{payload}"
