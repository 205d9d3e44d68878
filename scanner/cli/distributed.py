"""`govscan worker` and `govscan schedule`: the Celery side of distributed scans."""

from __future__ import annotations

import json
import os

import click


def _visibility(seconds: int | None) -> None:
    if seconds is not None:
        os.environ["GOVSCAN_VISIBILITY_TIMEOUT"] = str(seconds)


@click.command()
@click.option("--broker", default=None, envvar="GOVSCAN_BROKER", help="Broker URL (default redis://127.0.0.1:6379/0).")
@click.option("--queue", default="govscan", envvar="GOVSCAN_QUEUE", show_default=True)
@click.option("--pool", type=click.Choice(["solo", "threads", "prefork"]), default="solo", show_default=True,
              help="solo: one scope at a time per process (start more processes to scale; memory stays one scope).")
@click.option("--concurrency", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Scopes at once (threads/prefork pools).")
@click.option("--visibility-timeout", type=click.IntRange(1), default=None,
              help="Seconds before a task taken by a lost worker is delivered again (Redis; default 3600).")
@click.option("--loglevel", default="WARNING", show_default=True)
def worker(broker: str | None, queue: str, pool: str, concurrency: int, visibility_timeout: int | None,
           loglevel: str) -> None:
    """Start a Celery worker that scans scopes of distributed scans into the shared store."""
    _visibility(visibility_timeout)
    from scanner.distributed.app import make_app

    app = make_app(broker, queue)
    app.worker_main([
        "worker", f"--queues={queue}", f"--pool={pool}", f"--concurrency={concurrency}", f"--loglevel={loglevel}",
        "--without-gossip", "--without-mingle", "--without-heartbeat", f"--hostname=govscan-{os.getpid()}@%h",
    ])


@click.command()
@click.option("--config", "config_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The scan config whose `schedules:` to run.")
@click.option("--broker", default=None, envvar="GOVSCAN_BROKER")
@click.option("--queue", default=None, envvar="GOVSCAN_QUEUE", help="Default: the config's distributed.queue.")
@click.option("--state", "state_file", default="govscan-beat-schedule", show_default=True,
              help="Celery beat's state file (last run times).")
@click.option("--dry-run", is_flag=True, help="Print the schedule and exit.")
def schedule(config_path: str, broker: str | None, queue: str | None, state_file: str, dry_run: bool) -> None:
    """Run Celery beat: start each schedule's scan (its target groups) on the workers at its cron times."""
    from scanner.config import load_config, schedule_entries

    config = load_config(config_path)
    queue = queue or config.spec.distributed.queue
    if dry_run:
        click.echo(json.dumps({"queue": queue, "schedules": schedule_entries(config)}, ensure_ascii=False, indent=2))
        return
    if not config.spec.schedules:
        raise click.UsageError(f"{config_path} has no schedules")
    from celery.apps.beat import Beat

    from scanner.distributed.app import beat_schedule, make_app

    app = make_app(broker or config.spec.distributed.broker, queue)
    app.conf.beat_schedule = beat_schedule(config, queue)
    Beat(app=app, schedule=state_file, loglevel="INFO").run()
