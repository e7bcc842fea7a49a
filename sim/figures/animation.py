"""Sagittal animation of one or several runs: segments, muscles coloured by activation, GRF arrows.

Headless (matplotlib Agg). Each frame reuses the same artists and only updates their data, so
a 2-second 720p mp4 renders in a few seconds. mp4 goes through imageio-ffmpeg (its pip wheel
bundles ffmpeg); GIF through Pillow (no ffmpeg needed). The output appears whole or not at all:
frames go to a temporary file next to it that is renamed at the end and deleted on any error.

Everything comes from the run folders' files (spec.json, kinematics.mot, grf.mot,
activations.sto): no model evaluation and no OpenSim. All input problems raise
:class:`~sim.figures.inputs.VisualsError` before the first frame is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.lines import Line2D

from sim.figures.artists import DPI, GRF_SCALE, RunArtists
from sim.figures.body import body_geometry
from sim.figures.inputs import (
    VisualsError,
    default_labels,
    load_drawn_run,
)
from sim.figures.style import (
    ACTIVATION_CMAP,
    ACTIVATION_NORM,
    MUSCLE_GROUPS,
    condition_colour,
)
from sim.figures.video import FORMATS, check_output
from sim.io.atomic import atomic_file

__all__ = ["FORMATS", "Animation", "VisualsError", "animate"]

LAYOUTS = ("side", "overlay")
ALIGNMENTS = ("phase", "time")
CAMERAS = ("follow", "fixed")
LABEL_MARGIN = 0.02  # axes fraction between a panel's edge and its label column
GROUND_DEPTH = 0.12  # m of ground band drawn below the floor
VIEW = (-GROUND_DEPTH, 1.95)  # m, vertical range of a panel (follow camera): the runner fills it
MIN_SIZE = (160, 120)


@dataclass
class _Panel:
    ax: object
    runs: list[int]
    time_text: object


def resolve_highlight(names: Sequence[str] | str, muscles_per_run: Sequence[Sequence[str]]) -> set[str]:
    """Muscle names to highlight: exact names (``glut_max_r``), both sides (``glut_max``) or a group
    (``"calf muscles"``: the near, right side); VisualsError naming the valid choices otherwise."""
    if isinstance(names, str):
        names = [names]
    valid = set(muscles_per_run[0])
    for muscles in muscles_per_run[1:]:
        valid &= set(muscles)
    out, unknown = set(), []
    for name in names:
        if name in valid:
            out.add(name)
        elif {f"{name}_r", f"{name}_l"} <= valid:
            out |= {f"{name}_r", f"{name}_l"}
        elif name in MUSCLE_GROUPS and all(f"{b}_r" in valid for b in MUSCLE_GROUPS[name]):
            out |= {f"{b}_r" for b in MUSCLE_GROUPS[name]}  # a group: the near (right) side
        else:
            unknown.append(name)
    if unknown:
        bases = sorted({n[:-2] for n in valid if n.endswith(("_r", "_l"))})
        raise VisualsError(f"unknown muscle(s) to highlight: {', '.join(unknown)}; valid names: "
                           f"{', '.join(sorted(valid))} (or without _r/_l for both sides: {', '.join(bases)}; "
                           f"or a group: {', '.join(MUSCLE_GROUPS)})")
    return out


class Animation:
    """A validated, laid-out animation; :meth:`frame` draws frame ``k`` and returns it as RGB."""

    def __init__(self, run_dirs: Sequence[str | Path], fps: float = 30, slowmo: float = 1.0, strides: int = 1,
                 size: tuple[int, int] = (1280, 720), highlight: Sequence[str] | None = None,
                 labels: Sequence[str] | None = None, layout: str = "side", camera: str = "follow",
                 duration: float | None = None, align: str | None = None):
        if isinstance(run_dirs, (str, Path)):
            run_dirs = [run_dirs]
        if not run_dirs:
            raise VisualsError("no run folder given")
        if layout not in LAYOUTS:
            raise VisualsError(f"unknown layout '{layout}' (use {' or '.join(LAYOUTS)})")
        if camera not in CAMERAS:
            raise VisualsError(f"unknown camera '{camera}' (use {' or '.join(CAMERAS)})")
        align = align or ("phase" if len(run_dirs) > 1 else "time")
        if align not in ALIGNMENTS:
            raise VisualsError(f"unknown alignment '{align}' (use {' or '.join(ALIGNMENTS)})")
        if not (np.isfinite(fps) and 1 <= fps <= 120):
            raise VisualsError(f"fps = {fps} is outside [1, 120]")
        if not (np.isfinite(slowmo) and 0.01 <= slowmo <= 100):
            raise VisualsError(f"slowmo = {slowmo} is outside [0.01, 100]")
        if int(strides) != strides or not 1 <= strides <= 50:
            raise VisualsError(f"strides = {strides} must be a whole number in [1, 50]")
        try:
            width, height = (int(v) for v in size)
        except (TypeError, ValueError):
            raise VisualsError(f"size must be (width, height) in pixels, got {size!r}") from None
        if width < MIN_SIZE[0] or height < MIN_SIZE[1] or width > 7680 or height > 4320:
            raise VisualsError(f"size {width}x{height} is outside {MIN_SIZE[0]}x{MIN_SIZE[1]} .. 7680x4320 pixels")
        paths = [Path(p) for p in run_dirs]
        names = default_labels(paths, list(labels) if labels else None)
        self.runs = [load_drawn_run(p, label) for p, label in zip(paths, names, strict=True)]
        self.highlight = self._check_highlight(highlight or [])
        self.size, self.fps, self.layout, self.camera = (width, height), float(fps), layout, camera
        longest = max(r.stride.stride_time for r in self.runs)
        if duration is not None:
            if not (np.isfinite(duration) and 0.1 <= duration <= 600):
                raise VisualsError(f"duration = {duration} s is outside [0.1, 600]")
            slowmo = duration / (strides * longest)
        self.slowmo, self.strides = float(slowmo), int(strides)
        self.duration = strides * longest * self.slowmo
        self.n_frames = max(1, int(round(self.duration * self.fps)))
        self.sim_time = np.arange(self.n_frames) / self.fps / self.slowmo
        self.align = align
        # each run's simulated time per frame: the same instant (time) or the same gait phase (phase:
        # every run's cycle stretched to the longest one, so a class compares the same instant)
        self.run_time = [self.sim_time * (r.stride.stride_time / longest if align == "phase" else 1.0)
                         for r in self.runs]
        self.fig = None

    def _check_highlight(self, names: Sequence[str]) -> set[str]:
        return resolve_highlight(names, [r.stride.muscles for r in self.runs])

    # ------------------------------------------------------------------ layout
    def build(self) -> None:
        """Create the figure and all artists (done once; frames only update data)."""
        if self.fig is not None:
            return
        width, height = self.size
        fig = plt.figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        fig.patch.set_facecolor("white")
        font = float(np.clip(height / 720 * 12.0, 6.0, 20.0))
        self.font = font
        n_panels = len(self.runs) if self.layout == "side" else 1
        right = 1.0 - max(62.0 / width, 0.075)
        left, bottom, top = 0.01, 0.07, 0.88 if self.layout == "side" else 0.9
        gap = 0.01
        panel_w = (right - left - gap * (n_panels - 1)) / n_panels
        self.geometry = [body_geometry(run, times) for run, times in zip(self.runs, self.run_time, strict=True)]
        self.panels: list[_Panel] = []
        self.artists: list[RunArtists] = []
        for p in range(n_panels):
            ax = fig.add_axes((left + p * (panel_w + gap), bottom, panel_w, top - bottom))
            ax.set_axis_off()
            members = [p] if self.layout == "side" else list(range(len(self.runs)))
            time_text = ax.text(0.02, 0.985, "", transform=ax.transAxes, ha="left", va="top", fontsize=font * 0.9,
                                family="monospace", zorder=20)
            self.panels.append(_Panel(ax, members, time_text))
        self._set_limits()
        for panel in self.panels:
            ax = panel.ax
            ppm = self._pixels_per_metre(ax)
            x_lo, x_hi = self._world_x_range()
            ax.axhspan(VIEW[0] - 50, 0.0, color="0.93", zorder=-1)
            ax.axhline(0.0, color="0.25", lw=max(1.0, 0.006 * ppm * 72 / DPI), zorder=-0.5)
            ticks = np.arange(np.floor(x_lo * 4) / 4, x_hi, 0.25)
            tx = np.column_stack([ticks, ticks - 0.05, np.full_like(ticks, np.nan)]).ravel()
            ty = np.tile([0.0, -0.07, np.nan], len(ticks))
            ax.plot(tx, ty, color="0.55", lw=1.0, zorder=-0.5)
            for z, i in enumerate(panel.runs):
                run = self.runs[i]
                self.artists.append(RunArtists(ax, self.geometry[i], run, condition_colour(i), self.highlight, ppm,
                                                z0=10.0 * z))
            if self.layout == "side":
                run = self.runs[panel.runs[0]]
                ax.set_title(f"{run.label}  (stride {run.stride.stride_time:.2f} s)", color=condition_colour(panel.runs[0]),
                             fontsize=font * 1.1, fontweight="bold", pad=font * 0.3)
        if self.layout == "overlay":
            handles = [Line2D([], [], color=condition_colour(i), lw=font * 0.6) for i in range(len(self.runs))]
            fig.legend(handles, [f"{r.label} (stride {r.stride.stride_time:.2f} s)" for r in self.runs],
                       loc="upper center", ncol=min(4, len(self.runs)), fontsize=font, frameon=False,
                       bbox_to_anchor=(0.45, 1.0))
        cax = fig.add_axes((right + 0.012, bottom + 0.1, max(10.0 / width, 0.012), top - bottom - 0.2))
        cbar = fig.colorbar(ScalarMappable(norm=ACTIVATION_NORM, cmap=ACTIVATION_CMAP), cax=cax)
        cbar.set_label("muscle activation", fontsize=font * 0.9)
        cbar.ax.tick_params(labelsize=font * 0.75)
        speed = "real time" if abs(self.slowmo - 1) < 1e-3 else f"slow motion x{self.slowmo:.2g}"
        timing = "runs at the same gait phase" if self.align == "phase" and len(self.runs) > 1 else speed
        fig.text(0.01, 0.015, f"{timing}  |  arrows: ground reaction force, 1 body weight = {GRF_SCALE:g} m  |  "
                 "near (right) side darker  |  arms: a fixed pose, not simulated", fontsize=font * 0.75, color="0.3")
        self.fig = fig
        self.fig.canvas.draw()  # fixes the layout; later draws only update data

    def _pixels_per_metre(self, ax) -> float:
        bbox = ax.get_position()
        return bbox.height * self.size[1] / (ax.get_ylim()[1] - ax.get_ylim()[0])

    def _world_x_range(self) -> tuple[float, float]:
        lo = min(g.pelvis[:, 0].min() for g in self.geometry) - 3.0
        hi = max(g.pelvis[:, 0].max() for g in self.geometry) + 3.0
        return lo, hi

    def _set_limits(self) -> None:
        width, height = self.size
        for panel in self.panels:
            bbox = panel.ax.get_position()
            aspect = (bbox.width * width) / (bbox.height * height)  # width / height of the panel
            geos = [self.geometry[i] for i in panel.runs]
            view_h = VIEW[1] - VIEW[0]
            if self.camera == "fixed":
                x0 = min(g.pelvis[:, 0].min() for g in geos) - 0.75
                x1 = max(g.pelvis[:, 0].max() for g in geos) + 0.75
                need = max(x1 - x0, view_h * aspect)
                view_h = need / aspect
                extra = view_h - (VIEW[1] - VIEW[0])
                panel.ax.set_xlim((x0 + x1) / 2 - need / 2, (x0 + x1) / 2 + need / 2)
                panel.ax.set_ylim(VIEW[0] - 0.2 * extra, VIEW[1] + 0.8 * extra)
                panel.follow = None
            else:
                start = np.mean([g.pelvis[0, 0] for g in geos])
                panel.follow = (start + 0.1, view_h * aspect)
                panel.ax.set_ylim(*VIEW)
                panel.ax.set_xlim(start + 0.1 - view_h * aspect / 2, start + 0.1 + view_h * aspect / 2)

    # ------------------------------------------------------------------ frames
    def update(self, k: int) -> None:
        """Move every artist to frame ``k`` (no drawing)."""
        self.build()
        t_video = k / self.fps
        for artists in self.artists:
            artists.update(k)
        for panel in self.panels:
            if panel.follow is not None:  # the runners' mean average-speed advance (no stride-to-stride jitter)
                x0, view_w = panel.follow
                centre = x0 + np.mean([self.runs[i].stride.speed * self.run_time[i][k] for i in panel.runs])
                panel.ax.set_xlim(centre - view_w / 2, centre + view_w / 2)
            lo, hi = panel.ax.get_xlim()
            for j, i in enumerate(panel.runs[:2]):  # label columns: the first run left, the second right
                left = j == 0
                self.artists[i].place_labels(k, lo + LABEL_MARGIN * (hi - lo) if left else hi - LABEL_MARGIN * (hi - lo),
                                             "left" if left else "right")
            lines = []
            for i in panel.runs:
                g = self.geometry[i]
                prefix = f"{self.runs[i].label[:14]:<14} " if len(panel.runs) > 1 else ""
                lines.append(f"{prefix}{100 * g.phase[k]:5.1f} % of gait cycle, {self.run_time[i][k]:5.3f} s")
            head = f"t = {t_video:5.2f} s video"
            panel.time_text.set_text("\n".join([head, *lines]))

    def frame(self, k: int) -> np.ndarray:
        """Frame ``k`` as an RGB array of shape (height, width, 3)."""
        self.update(k)
        self.fig.canvas.draw()
        rgb = np.asarray(self.fig.canvas.buffer_rgba())[:, :, :3]
        width, height = self.size
        if rgb.shape[:2] != (height, width):  # guard against rounding of the figure size
            out = np.full((height, width, 3), 255, dtype=np.uint8)
            h, w = min(height, rgb.shape[0]), min(width, rgb.shape[1])
            out[:h, :w] = rgb[:h, :w]
            rgb = out
        return rgb

    def close(self) -> None:
        if self.fig is not None:
            plt.close(self.fig)
            self.fig = None

    # ------------------------------------------------------------------ output
    def write(self, out_path: str | Path) -> Path:
        """Render every frame into ``out_path`` (.mp4 or .gif), atomically."""
        out_path, writer = check_output(out_path, self.size)
        try:
            with atomic_file(out_path) as tmp:
                writer(tmp, self)
        finally:
            self.close()
        return out_path


def animate(run_dirs: Sequence[str | Path] | str | Path, out_path: str | Path, fps: float = 30, slowmo: float = 1.0,
            strides: int = 1, size: tuple[int, int] = (1280, 720), highlight: Sequence[str] | None = None,
            labels: Sequence[str] | None = None, layout: str = "side", camera: str = "follow",
            duration: float | None = None, align: str | None = None) -> Path:
    """Write an animation of ``run_dirs`` to ``out_path`` (.mp4 or .gif) and return its path.

    ``slowmo`` stretches time (2: half speed); ``duration`` (s), if given, sets ``slowmo`` so the
    video lasts that long. ``strides`` gait cycles of the slowest run are shown; faster runs keep
    going. ``highlight``: muscles drawn thick and labelled (``glut_max_r``, or ``glut_max`` for both
    sides); the others are faded. ``layout`` "side" puts runs in panels side by side, "overlay"
    draws them in one panel; ``camera`` "follow" moves with the runner's average speed, "fixed"
    shows the whole distance; ``align`` "phase" (the default for several runs) shows every run at the
    same gait phase, each cycle stretched to the longest, "time" at the same instant. Raises
    VisualsError before rendering on any bad input.
    """
    animation = Animation(run_dirs, fps=fps, slowmo=slowmo, strides=strides, size=size, highlight=highlight,
                          labels=labels, layout=layout, camera=camera, duration=duration, align=align)
    check_output(out_path, animation.size)
    return animation.write(out_path)
