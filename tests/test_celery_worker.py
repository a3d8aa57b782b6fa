"""A real Celery worker on the configured broker (Redis in CI, the embedded broker locally)
answers the portal's tasks, and ``manage.py celery_ping`` reaches it."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.celery import app
from portal.tasks import ping

TEST_QUEUE = settings.CELERY_TASK_DEFAULT_QUEUE


def test_tests_use_a_queue_of_their_own():
    # given the test settings
    # when the portal's ping task is routed
    route = app.amqp.router.route({}, ping.name)

    # then it goes to the tests' queue, not the default one of a development worker
    assert TEST_QUEUE == "portal-test"
    assert app.conf.task_default_queue == TEST_QUEUE
    assert route["queue"].name == TEST_QUEUE


def test_worker_runs_a_task_through_the_broker(celery_worker_thread):
    # given a worker that consumes the tests' queue
    assert {queue.name for queue in celery_worker_thread.consumer.task_consumer.queues} == {
        TEST_QUEUE
    }
    payload = uuid.uuid4().hex

    # when a task is sent through the broker
    result = ping.delay(payload)

    # then the worker answers it
    assert result.get(timeout=20) == f"pong:{payload}"
    assert result.successful()


def test_celery_ping_command_reaches_the_worker(celery_worker_thread):
    # given a running worker
    out = StringIO()

    # when the management command pings it
    call_command("celery_ping", "--timeout", "20", stdout=out)

    # then it reports the answer
    assert "A worker answered through the broker." in out.getvalue()


def test_celery_ping_command_fails_without_a_worker_on_the_queue():
    # given no worker consumes the queue the task goes to
    unserved_queue = f"{TEST_QUEUE}-unserved-{uuid.uuid4().hex}"
    app.conf.task_default_queue = unserved_queue
    try:
        # when the management command pings
        with pytest.raises(CommandError) as raised:
            call_command("celery_ping", "--timeout", "1", stdout=StringIO())
    finally:
        app.conf.task_default_queue = TEST_QUEUE
        with app.connection_for_write() as connection:
            unserved = app.amqp.queues[unserved_queue](connection.default_channel)
            unserved.declare()
            unserved.delete()

    # then it says nobody answered
    assert "No worker answered" in str(raised.value)
