"""The ``stridesim`` command line. Heavy imports happen inside commands (fast --help)."""

from __future__ import annotations

import typer

from sim.cli import clinic, stride, visuals, web
from sim.cli.model import model_app

app = typer.Typer(help="stridesim: physics-based musculoskeletal simulation of running.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(model_app, name="model")
app.command("run")(stride.run)
app.command("sweep")(stride.sweep)
app.command("study")(stride.study)
app.command("docs")(stride.docs)
app.command("whatif")(clinic.whatif)
app.command("animate")(visuals.animate)
app.command("filmstrip")(visuals.filmstrip)
app.command("plot")(visuals.plot)
app.command("report")(visuals.report)
app.command("web")(web.web)


def main() -> None:  # pragma: no cover
    app()
