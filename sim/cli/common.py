"""Shared pieces of the ``stridesim`` commands: the error exit and the model option."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True)

ModelFile = Annotated[Path | None, typer.Option("--model", help="Model definition (TOML); default: the packaged runner2d.")]


def fail(message: str) -> None:
    """Print ``error: message`` and exit with code 2 (bad input, nothing was done)."""
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=2)


def load_model(model: Path | None):
    """The model definition at ``model`` (default: the packaged one), or exit with its error."""
    from sim.model.spec import DEFAULT_MODEL, ModelSpecError, load_spec

    try:
        return load_spec(model or DEFAULT_MODEL)
    except ModelSpecError as exc:
        fail(str(exc))
