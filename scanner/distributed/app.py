"""The Celery application: broker, queue, acks-late delivery and the beat schedule from a scan config."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
SCAN_SCOPE = "govscan.scan_scope"
SCAN_CONFIG = "govscan.scan_config"


def broker_url(url: str | None = None) -> str:
    """The broker URL: given, else GOVSCAN_BROKER, else the local Redis."""
    return url or os.environ.get("GOVSCAN_BROKER") or DEFAULT_BROKER


def make_app(broker: str | None = None, queue: str = "govscan") -> Celery:
    """A Celery app with the govscan tasks registered and at-least-once delivery.

    acks_late + reject_on_worker_lost: a task whose worker dies is delivered again; the store makes a
    second delivery of a finished scope a no-op. With Redis, a message taken by a worker that vanished is
    restored after `visibility_timeout` seconds (GOVSCAN_VISIBILITY_TIMEOUT, default 3600: longer than
    the slowest scope, or a live task is delivered twice; that is harmless, only wasteful).
    """
    from scanner.distributed import tasks

    visibility = int(os.environ.get("GOVSCAN_VISIBILITY_TIMEOUT", "3600"))
    app = Celery("govscan", broker=broker_url(broker), set_as_current=False)
    app.conf.update(
        task_default_queue=queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": visibility,
                                  "unacked_restore_interval": max(1, min(10, visibility // 2)),
                                  "unacked_restore_throttle": 1},
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        enable_utc=True,
    )
    tasks.register(app)
    return app


def beat_schedule(config: Any, queue: str = "govscan") -> dict[str, dict[str, Any]]:
    """Celery beat entries from the config's schedules: each runs the config's targets of its groups."""
    from scanner.config import cron_fields

    out = {}
    for s in config.spec.schedules:
        minute, hour, dom, month, dow = cron_fields(s.cron)
        out[s.name] = {
            "task": SCAN_CONFIG,
            "schedule": crontab(minute=minute, hour=hour, day_of_month=dom, month_of_year=month, day_of_week=dow),
            "args": (str(config.path.resolve()), list(s.groups)),
            "options": {"queue": queue},
        }
    return out
