"""``stridesim animate | plot | report``: the educator visuals as typer commands.

Register them on the main app with ``app.command("animate")(animate)``, ``app.command("plot")(plot)``
and ``app.command("report")(report)``. Heavy imports happen inside the commands. Bad input is
reported as ``error: ...`` on stderr with exit code 2, before anything is rendered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Runs = Annotated[list[Path], typer.Argument(help="Run folders (or one sweep folder holding run folders).",
                                            show_default=False)]
Labels = Annotated[list[str] | None, typer.Option("--label", help="Legend label per run, in order (repeatable).")]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def _expand(runs: list[Path]) -> list[Path]:
    """A single sweep folder stands for the run folders inside it."""
    from sim.figures.inputs import find_runs

    if len(runs) == 1:
        return find_runs(runs[0])
    return runs


def animate(
    runs: Runs,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output file: .mp4 (ffmpeg via imageio-ffmpeg) or .gif.")],
    fps: Annotated[float, typer.Option(help="Frames per second of the video.")] = 30,
    slowmo: Annotated[float, typer.Option(help="Slow-motion factor (2 = half speed).")] = 2.0,
    duration: Annotated[float | None, typer.Option(help="Video length (s); overrides --slowmo.")] = None,
    strides: Annotated[int, typer.Option(help="Gait cycles shown (of the slowest run).")] = 2,
    width: Annotated[int, typer.Option(help="Frame width (pixels).")] = 1280,
    height: Annotated[int, typer.Option(help="Frame height (pixels).")] = 720,
    highlight: Annotated[list[str] | None, typer.Option(
        help="Muscle to draw thick and label: glut_max_r, glut_max (both sides) or a group such as "
             "'calf muscles' or iliopsoas (repeatable).")] = None,
    label: Labels = None,
    layout: Annotated[str, typer.Option(help="'side' (one panel per run) or 'overlay' (one panel).")] = "side",
    camera: Annotated[str, typer.Option(help="'follow' (moves with the runner) or 'fixed' (whole distance).")] = "follow",
    align: Annotated[str | None, typer.Option(
        help="'phase' (runs at the same gait phase; default for several runs) or 'time'.")] = None,
) -> None:
    """Animate runs (sagittal view, muscles coloured by activation, GRF arrows) to an mp4 or GIF."""
    import time

    from sim.figures.animation import animate as render
    from sim.figures.inputs import VisualsError

    start = time.perf_counter()
    try:
        path = render(_expand(runs), out, fps=fps, slowmo=slowmo, strides=strides, size=(width, height),
                      highlight=highlight, labels=label, layout=layout, camera=camera, duration=duration,
                      align=align)
    except VisualsError as exc:
        _fail(str(exc))
    typer.echo(f"wrote {path} ({time.perf_counter() - start:.1f} s)")


def plot(
    runs: Runs,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder for the PNG figures.")],
    label: Labels = None,
    measured: Annotated[bool, typer.Option(help="Overlay the measured subject (angles, GRF).")] = True,
) -> None:
    """Gait-cycle figures (angles, moments, powers, GRF, activations) of runs, overlaid."""
    from sim.figures.gait_plots import plot_runs
    from sim.figures.inputs import VisualsError

    try:
        paths = plot_runs(_expand(runs), out, labels=label, measured=measured)
    except VisualsError as exc:
        _fail(str(exc))
    for p in paths:
        typer.echo(f"wrote {p}")


def report(
    run: Annotated[Path, typer.Argument(help="A run folder or a sweep folder (folder of run folders).",
                                        show_default=False)],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="HTML file (default: RUN/report.html).")] = None,
    animation: Annotated[bool, typer.Option(help="Embed an animation (mp4, or GIF without ffmpeg).")] = True,
    measured: Annotated[bool, typer.Option(help="Overlay the measured subject in the figures.")] = True,
    label: Labels = None,
) -> None:
    """One self-contained HTML page: status, every flag of the metrics, figures, animation, provenance."""
    from sim.apps.report import write_report
    from sim.figures.inputs import VisualsError

    try:
        path = write_report(run, out or Path(run) / "report.html", animation=animation, measured=measured,
                            labels=label, log=lambda m: typer.echo(m, err=True))
    except VisualsError as exc:
        _fail(str(exc))
    typer.echo(f"wrote {path}")


def filmstrip(
    runs: Runs,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output file name; FILE.png and FILE.pdf are written.")],
    label: Labels = None,
    highlight: Annotated[list[str] | None, typer.Option(
        help="Muscle or group to draw thick (repeatable), as for animate.")] = None,
) -> None:
    """Key instants of each run's cycle (touchdown, mid-stance, toe-off, mid-swing) for print: PNG and PDF."""
    import time

    from sim.figures.filmstrip import filmstrip as draw
    from sim.figures.inputs import VisualsError

    start = time.perf_counter()
    try:
        paths = draw(_expand(runs), out, labels=label, highlight=highlight)
    except VisualsError as exc:
        _fail(str(exc))
    typer.echo(f"wrote {', '.join(map(str, paths))} ({time.perf_counter() - start:.1f} s)")
