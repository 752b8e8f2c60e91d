"""Documentation is checked: every CLI command and every setting is documented.

The pages under ``docs/cli/`` must name every command path (e.g. ``csphub ingest police-uk``)
and every option in backticks, and ``docs/settings.md`` every environment variable CSP Hub reads.
"""

from __future__ import annotations

import click

from csphub.cli import main
from csphub.settings import ENVIRONMENT_VARIABLES

from .conftest import PROJECT_ROOT


def _command_paths(command: click.Command, prefix: str) -> list[str]:
    paths = [prefix]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                paths += _command_paths(sub, f"{prefix} {name}")
    return paths


def _cli_docs() -> str:
    return "\n".join(p.read_text() for p in sorted((PROJECT_ROOT / "docs" / "cli").glob("*.md")))


def _loadable_commands() -> list[str]:
    """Every command path whose module exists (a command listed but not built fails below)."""
    return _command_paths(main, "csphub")


def test_every_command_listed_in_the_cli_loads():
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        assert main.get_command(ctx, name) is not None, name


def test_every_cli_command_is_documented():
    text = _cli_docs()
    missing = [p for p in _loadable_commands() if f"`{p}`" not in text]
    assert missing == [], f"commands missing from docs/cli/: {missing}"


def test_every_cli_option_is_documented():
    text = _cli_docs()
    missing = []
    ctx = click.Context(main)
    for path in _loadable_commands():
        command: click.Command = main
        for part in path.split()[1:]:
            assert isinstance(command, click.Group)
            command = command.get_command(ctx, part)  # type: ignore[assignment]
        for param in command.params:
            if isinstance(param, click.Option):
                longest = max(param.opts, key=len)
                if longest not in ("--help", "--version") and f"`{longest}" not in text:
                    missing.append(f"{path} {longest}")
    assert missing == [], f"options missing from docs/cli/: {missing}"


def test_every_setting_is_documented():
    text = (PROJECT_ROOT / "docs" / "settings.md").read_text()
    missing = [name for name in ENVIRONMENT_VARIABLES if f"`{name}`" not in text]
    assert missing == [], f"settings missing from docs/settings.md: {missing}"
