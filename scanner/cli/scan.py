"""`govscan scan PROVIDER ...`: one subcommand per installed provider, built from its own options."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from scanner.cli.common import common_options, options_from
from scanner.plugins import load_provider, provider_names
from scanner.runner import execute


class ProviderGroup(click.Group):
    """Subcommands are the installed providers; each is imported only when it runs or shows help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return provider_names()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in provider_names():
            return None
        provider = load_provider(cmd_name)
        return _provider_command(cmd_name, provider)


def _provider_command(name: str, provider: Any) -> click.Command:
    def run(**kwargs: Any) -> None:
        options, target = options_from(kwargs)
        code = execute([(provider, target)], options, targets=[_describe(name, target)])
        raise click.exceptions.Exit(code)

    params: list[click.Parameter] = list(getattr(provider, "options", []))
    command: Callable[..., None] = common_options(run)
    return click.Command(
        name=name,
        callback=command,
        params=params + list(getattr(command, "__click_params__", [])),
        help=(getattr(provider, "help", None) or f"Scan {name}."),
        short_help=getattr(provider, "short_help", None),
    )


def _describe(name: str, target: dict[str, Any]) -> str:
    shown = {k: v for k, v in target.items() if v not in (None, (), [], False)}
    return name + ("" if not shown else " " + " ".join(f"{k}={v}" for k, v in sorted(shown.items())))


@click.group(cls=ProviderGroup, invoke_without_command=True)
@click.option("--config", "config", type=click.Path(dir_okay=False), help="Scan every target of a govscan.yaml config.")
@click.option("--store", default=None, help="With --config: override the config's store (SQLite path or URL).")
@click.option("--resume", default=None, metavar="SCAN_ID", help="With --config: complete an interrupted scan.")
@click.option("--distributed", is_flag=True, default=None, help="With --config: run on Celery workers.")
@click.option("--group", "groups", multiple=True, help="With --config: only the targets of this group (repeatable).")
@click.pass_context
def scan(ctx: click.Context, config: str | None, store: str | None, resume: str | None, distributed: bool | None,
         groups: tuple[str, ...]) -> None:
    """Scan a cloud or infrastructure code: govscan scan aws|gcp|azure|oci|sakura|iac [OPTIONS].

    Every provider subcommand takes --policy, --format (repeatable), --output-dir, --fail-on,
    --lang and --quiet. Run `govscan scan aws --help` for a provider's own options.
    """
    if ctx.invoked_subcommand is not None:
        return
    if config is None:
        click.echo(ctx.get_help())
        raise click.exceptions.Exit(2)
    from scanner.config import run_config

    raise click.exceptions.Exit(run_config(config, store=store, resume=resume, distributed=distributed or None,
                                           groups=groups))
