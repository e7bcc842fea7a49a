"""A filmstrip for print: each run at the key instants of its own gait cycle (touchdown,
mid-stance, toe-off, mid-swing), drawn as the animation draws it, written as PNG and PDF."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.cm import ScalarMappable

from sim.figures.animation import VIEW, resolve_highlight
from sim.figures.artists import DPI, RunArtists
from sim.figures.body import body_geometry
from sim.figures.inputs import VisualsError, default_labels, ensure_output_folder, load_drawn_run
from sim.figures.style import ACTIVATION_CMAP, ACTIVATION_NORM, condition_colour
from sim.io.atomic import atomic_file

INSTANTS = ("touchdown", "mid-stance", "toe-off", "mid-swing")
HALF_WIDTH = 0.95  # m shown either side of the pelvis


def key_instants(stride) -> dict[str, float]:
    """Time (s, from right heel strike) of each key instant of a full stride's right leg."""
    t = stride.time - stride.time[0]
    on = stride.contact("r")
    off = int(np.argmax(~on)) if on[0] and not on.all() else 0  # first node off the ground
    toe_off = float(t[off])
    return {"touchdown": 0.0, "mid-stance": 0.5 * toe_off, "toe-off": toe_off,
            "mid-swing": 0.5 * (toe_off + stride.stride_time)}


def filmstrip(run_dirs: Sequence[str | Path], out_base: str | Path, labels: Sequence[str] | None = None,
              highlight: Sequence[str] | None = None, width: float = 12.0) -> list[Path]:
    """Write ``out_base``.png and ``out_base``.pdf; return both paths."""
    if isinstance(run_dirs, (str, Path)):
        run_dirs = [run_dirs]
    if not run_dirs:
        raise VisualsError("no run folder given")
    out_base = Path(out_base)
    if out_base.suffix.lower() in (".png", ".pdf"):
        out_base = out_base.with_suffix("")
    ensure_output_folder(out_base.parent, out_base)
    paths = [Path(p) for p in run_dirs]
    runs = [load_drawn_run(p, label) for p, label in zip(paths, default_labels(paths, labels), strict=True)]
    chosen = resolve_highlight(highlight or [], [r.stride.muscles for r in runs])
    rows, cols = len(runs), len(INSTANTS)
    panel_h = width / cols * (VIEW[1] - VIEW[0]) / (2 * HALF_WIDTH)
    fig = plt.figure(figsize=(width, rows * panel_h + 0.9), dpi=DPI)
    left, right, bottom, top = 0.04, 0.93, 0.6 / (rows * panel_h + 0.9), 1 - 0.35 / (rows * panel_h + 0.9)
    cell_w, cell_h = (right - left) / cols, (top - bottom) / rows
    for r, run in enumerate(runs):
        instants = key_instants(run.stride)
        geo = body_geometry(run, np.array(list(instants.values())))
        for c, name in enumerate(INSTANTS):
            ax = fig.add_axes((left + c * cell_w, top - (r + 1) * cell_h, cell_w * 0.98, cell_h * 0.96))
            ax.set_axis_off()
            px = geo.pelvis[c, 0]
            ax.set_xlim(px - HALF_WIDTH, px + HALF_WIDTH)
            ax.set_ylim(*VIEW)
            ax.axhspan(VIEW[0] - 1, 0.0, color="0.93", zorder=-1)
            ax.axhline(0.0, color="0.25", lw=1.0, zorder=-0.5)
            ppm = ax.get_position().height * fig.get_figheight() * DPI / (VIEW[1] - VIEW[0])
            artists = RunArtists(ax, geo, run, condition_colour(r), chosen, ppm)
            artists.update(c)
            artists.pelvis_marker.set_visible(False)
            for label in artists.highlight_labels + artists.leaders:  # too small a panel for labels
                label.set_visible(False)
            ax.text(0.02, 0.97, f"{name}, {100 * instants[name] / run.stride.stride_time:.0f} %", transform=ax.transAxes,
                    ha="left", va="top", fontsize=10)
            if c == 0:
                ax.text(-0.02, 0.5, f"{run.label}\n(stride {run.stride.stride_time:.2f} s)", transform=ax.transAxes,
                        ha="right", va="center", rotation=90, fontsize=11, color=condition_colour(r),
                        fontweight="bold")
    cax = fig.add_axes((0.945, bottom + 0.15 * (top - bottom), 0.012, 0.7 * (top - bottom)))
    fig.colorbar(ScalarMappable(norm=ACTIVATION_NORM, cmap=ACTIVATION_CMAP), cax=cax).set_label("muscle activation")
    fig.text(0.04, 0.01, "key instants of each run's own right-leg cycle; muscles coloured by activation; arrows: "
             "ground reaction force (1 body weight = 0.2 m); arms: a fixed pose, not simulated", fontsize=9, color="0.3")
    written = []
    try:
        for suffix in (".png", ".pdf"):
            path = out_base.with_suffix(suffix)
            with atomic_file(path) as tmp:
                fig.savefig(tmp, format=suffix[1:])
            written.append(path)
    finally:
        plt.close(fig)
    return written
