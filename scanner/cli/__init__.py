"""The `govscan` command line: one error boundary, subcommands loaded lazily."""

from __future__ import annotations

import sys
from typing import Any

import click

from scanner.errors import GovscanError

# name -> "module:attribute"; a subcommand's module is imported only when it is used.
COMMANDS = {
    "scan": "scanner.cli.scan:scan",
    "demo": "scanner.cli.demo:demo",
    "checks": "scanner.cli.catalog:checks",
    "frameworks": "scanner.cli.catalog:frameworks",
    "plugins": "scanner.cli.catalog:plugins",
    "version": "scanner.cli.catalog:version",
    "history": "scanner.cli.store:history",
    "diff": "scanner.cli.store:diff",
    "followup": "scanner.cli.store:followup",
    "plan": "scanner.cli.store:plan",
    "status": "scanner.cli.store:status",
    "worker": "scanner.cli.distributed:worker",
    "schedule": "scanner.cli.distributed:schedule",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, so `--help` and start-up stay fast."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib

            module, attr = self.lazy[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """govscan — ガバメントクラウドのセキュリティ診断 / security posture scanner for Japan's Government Cloud.

    It checks that data stays in Japan and that the mandated settings (統一基準, ISMAP,
    Government Cloud guardrails) are on, for AWS, Google Cloud, Azure, OCI and Sakura Cloud,
    live or in Terraform and CloudFormation code.

    \b
    Start with:  govscan demo              (no cloud account needed)
    Then:        govscan scan aws          (your AWS credentials, all regions)
                 govscan scan iac ./infra  (Terraform / CloudFormation)
                 govscan checks list
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and map every govscan error to its exit code."""
    try:
        # With standalone_mode=False click returns the code of a raised Exit instead of exiting.
        code = cli.main(args=argv, prog_name="govscan", standalone_mode=False)
    except GovscanError as exc:
        click.echo(f"govscan: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("govscan: aborted", err=True)
        sys.exit(3)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
