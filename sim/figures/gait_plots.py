"""Standard gait-cycle figures of one or several runs: angles, moments, powers, GRFs, activations.

Every figure shows the right leg over one gait cycle from right heel strike (x axis in % of the
cycle), one colour per condition (:mod:`sim.figures.style`), right-foot stance shaded in the
condition's colour, and optionally the measured subject (Hamner 2010; angles and GRFs only).
Joint moments are what the muscles and the passive joint structures produce, computed with
the CasADi model of each run (moment arms^T x muscle forces + passive moments), per kg of body
mass; joint power is moment x angular velocity. Curves are drawn at the run's mesh nodes,
exactly the values in its files (no resampling).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from sim.figures.inputs import (
    DrawnRun,
    VisualsError,
    default_labels,
    ensure_output_folder,
    load_drawn_run,
)
from sim.figures.style import (
    ACTIVATION_CMAP,
    ACTIVATION_NORM,
    MEASURED_STYLE,
    SLIDE,
    condition_colour,
    figure_style,
    muscle_label,
)
from sim.io.atomic import atomic_file

XLABEL = "gait cycle (% from right heel strike)"
ANGLES = [("pelvis_tilt", "pelvic tilt", "+ posterior"), ("lumbar_extension", "lumbar extension", "+ extension"),
          ("hip_flexion_r", "hip flexion", "+ flexion"), ("knee_angle_r", "knee flexion", "+ flexion"),
          ("ankle_angle_r", "ankle dorsiflexion", "+ dorsiflexion")]
JOINTS = [("hip_flexion_r", "hip", "+ flexion"), ("knee_angle_r", "knee", "+ flexion"),
          ("ankle_angle_r", "ankle", "+ dorsiflexion"), ("lumbar_extension", "lumbar", "+ extension")]
GRF = [("vertical", "vertical GRF", 1), ("horizontal", "fore-aft GRF (+ forward)", 0)]


@dataclass
class GaitData:
    """Curves of one run at its mesh nodes: angles (deg), moments (N m/kg), powers (W/kg), GRF (BW)."""

    run: DrawnRun
    percent: np.ndarray
    angles_deg: dict[str, np.ndarray]
    moments: dict[str, np.ndarray]
    powers: dict[str, np.ndarray]
    grf_bw: dict[str, np.ndarray]
    stance: np.ndarray

    @property
    def label(self) -> str:
        return self.run.label


def joint_moments(run_dir: Path) -> tuple[np.ndarray, np.ndarray, dict[str, int], float]:
    """(moments N m, joint speeds rad/s, coordinate index, body mass) at the full-stride nodes of a run.

    Imports CasADi (never OpenSim).
    """
    import casadi as ca

    from sim.cas.model import CasadiModel
    from sim.results.runfolder import RunFolder

    solution, spec = RunFolder(run_dir).solution()
    model = CasadiModel(spec)
    fs = solution.full_stride(model)
    n_q = len(model.coordinates)
    q, qd, force = ca.SX.sym("q", n_q), ca.SX.sym("qd", n_q), ca.SX.sym("f", model.n_muscles)
    arms = model.muscle_geometry(q, qd)[2]
    moment = ca.Function("joint_moments", [q, qd, force], [arms.T @ force + model.passive_moments(q, qd)])
    values = np.asarray(moment.map(len(fs.time))(fs.q.T, fs.qd.T, fs.muscle_force.T)).T
    return values, fs.qd, {c: i for i, c in enumerate(model.coordinates)}, spec.mass


def gait_data(run: DrawnRun, with_moments: bool = True) -> GaitData:
    """All curves of ``run``; moments and powers need the solution (CasADi), skipped if not wanted."""
    angles = {name: np.degrees(run.stride.column(name)) for name, _, _ in ANGLES}
    moments, powers = {}, {}
    if with_moments:
        values, qd, index, mass = joint_moments(run.path)
        if values.shape[0] != len(run.stride.time):
            raise VisualsError(f"{run.path}: solution.npz does not match kinematics.mot "
                               f"({values.shape[0]} vs {len(run.stride.time)} nodes)")
        for name, _, _ in JOINTS:
            moments[name] = values[:, index[name]] / mass
            powers[name] = values[:, index[name]] * qd[:, index[name]] / mass
    bw = run.stride.body_weight
    grf = {key: run.stride.grf["r"][:, axis] / bw for key, _, axis in GRF}
    return GaitData(run, run.stride.cycle_percent, angles, moments, powers, grf, run.stride.contact("r"))


def _measured() -> tuple[dict, str]:
    from sim.data.measured import PERCENT, measured_cycle

    ref = measured_cycle()
    curves = {**ref.angles_deg, **{k: v for k, v in ref.grf_bw.items()}, "percent": PERCENT}
    return curves, f"measured (Hamner 2010 subject, {ref.speed} m/s, mean of {ref.n_cycles} cycles)"


BAR = 0.035  # height of a stance bar (axes fraction) when several runs are shown


def _shade_stance(ax, data: list[GaitData]) -> None:
    """One run: its right-foot stance shaded grey; several: a bar per run along the top, in its colour."""
    if len(data) == 1:
        ax.fill_between(data[0].percent, 0, 1, where=data[0].stance, transform=ax.get_xaxis_transform(),
                        color="0.88", lw=0, zorder=0)
        return
    for i, d in enumerate(data):
        ax.fill_between(d.percent, 1 - BAR * (i + 1), 1 - BAR * i, where=d.stance, transform=ax.get_xaxis_transform(),
                        color=condition_colour(i), alpha=0.55, lw=0, zorder=1)


def _panel(ax, title: str, ylabel: str) -> None:
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 20, 40, 60, 80, 100])


def _legend(fig, data: list[GaitData], measured_label: str) -> None:
    handles = [plt.Line2D([], [], color=condition_colour(i), lw=3) for i in range(len(data))]
    labels = [d.label for d in data]
    if measured_label:
        handles.append(plt.Line2D([], [], **MEASURED_STYLE))
        labels.append(measured_label)
    if len(data) == 1:
        handles.append(plt.Rectangle((0, 0), 1, 1, color="0.88", lw=0))
        labels.append("right-foot stance")
    else:
        handles.append(plt.Rectangle((0, 0), 1, 1, color="0.5", alpha=0.55, lw=0))
        labels.append("right-foot stance (bars at top)")
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 3), frameon=False)


def _curves(ax, data: list[GaitData], key: str, field: str) -> None:
    for i, d in enumerate(data):
        (line,) = ax.plot(d.percent, getattr(d, field)[key], color=condition_colour(i), label=d.label, zorder=3)
        line.set_gid(f"{i}:{field}:{key}")


def _grid(n: int, ncols: int, height: float = SLIDE[1]):
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(SLIDE[0], height), squeeze=False, layout="constrained")
    for ax in axes.flat[n:]:
        ax.axis("off")
    return fig, axes.flat[:n]


def _finish(fig, title: str) -> None:
    fig.suptitle(title, fontsize=14, fontweight="bold")


def figure_angles(data: list[GaitData], measured: dict | None, measured_label: str):
    fig, axes = _grid(len(ANGLES), 3)
    for ax, (key, title, sign) in zip(axes, ANGLES, strict=True):
        _shade_stance(ax, data)
        if measured is not None:
            ax.plot(measured["percent"], measured[key], **MEASURED_STYLE, zorder=2)
        _curves(ax, data, key, "angles_deg")
        _panel(ax, title, f"angle (deg), {sign}")
    for ax in axes[-3:]:
        ax.set_xlabel(XLABEL)
    _legend(fig, data, measured_label)
    _finish(fig, "Joint angles (right side)")
    return fig


def _figure_joints(data: list[GaitData], field: str, unit: str, title: str):
    fig, axes = _grid(len(JOINTS), 2)
    for ax, (key, name, sign) in zip(axes, JOINTS, strict=True):
        _shade_stance(ax, data)
        ax.axhline(0, color="0.6", lw=0.8, zorder=1)
        _curves(ax, data, key, field)
        what = "moment" if field == "moments" else "power"
        _panel(ax, f"{name} {what}", f"{unit}" + (f", {sign}" if field == "moments" else ", + generation"))
    for ax in axes[-2:]:
        ax.set_xlabel(XLABEL)
    _legend(fig, data, "")
    _finish(fig, title)
    return fig


def figure_grf(data: list[GaitData], measured: dict | None, measured_label: str):
    fig, axes = _grid(len(GRF), 2, height=SLIDE[1] * 0.7)
    for ax, (key, title, _) in zip(axes, GRF, strict=True):
        _shade_stance(ax, data)
        ax.axhline(0, color="0.6", lw=0.8, zorder=1)
        if measured is not None:
            ax.plot(measured["percent"], measured[key], **MEASURED_STYLE, zorder=2)
        _curves(ax, data, key, "grf_bw")
        _panel(ax, f"{title}, right foot", "force (body weights)")
        ax.set_xlabel(XLABEL)
    _legend(fig, data, measured_label)
    _finish(fig, "Ground reaction forces")
    return fig


def figure_activations(data: list[GaitData]):
    names = [n for n in data[0].run.stride.muscles if not n.endswith("_l")]
    fig, axes = _grid(len(names), 4, height=SLIDE[1] * 1.15)
    for ax, name in zip(axes, names, strict=True):
        _shade_stance(ax, data)
        for i, d in enumerate(data):
            if name in d.run.stride.muscles:
                j = d.run.stride.muscles.index(name)
                (line,) = ax.plot(d.percent, d.run.stride.activation[:, j], color=condition_colour(i), zorder=3)
                line.set_gid(f"{i}:activation:{name}")
        _panel(ax, muscle_label(name[:-2]) if name.endswith("_r") else muscle_label(name), "")
        ax.set_ylim(0, 1.02)
    for k, ax in enumerate(axes):
        if k % 4 == 0:
            ax.set_ylabel("activation (0-1)")
        if k >= len(axes) - 4:
            ax.set_xlabel("gait cycle (%)")
    _legend(fig, data, "")
    _finish(fig, "Muscle activations (right side)")
    return fig


def figure_heatmap(d: GaitData, index: int):
    names = d.run.stride.muscles
    order = [i for i, n in enumerate(names) if not n.endswith("_l")] + [i for i, n in enumerate(names) if n.endswith("_l")]
    fig, ax = plt.subplots(figsize=SLIDE, layout="constrained")
    edges = np.concatenate([[d.percent[0]], (d.percent[1:] + d.percent[:-1]) / 2, [d.percent[-1]]])
    mesh = ax.pcolormesh(edges, np.arange(len(order) + 1), d.run.stride.activation[:, order].T, cmap=ACTIVATION_CMAP,
                         norm=ACTIVATION_NORM, shading="flat")
    mesh.set_gid(f"{index}:heatmap")
    ax.set_yticks(np.arange(len(order)) + 0.5, [muscle_label(names[i]) for i in order], fontsize=9)
    ax.invert_yaxis()
    ax.axhline(sum(not n.endswith("_l") for n in names), color="k", lw=1.2)
    for side, style in (("r", "-"), ("l", "--")):
        on = d.run.stride.contact(side)
        for k in np.flatnonzero(on[1:] != on[:-1]):
            ax.axvline(d.percent[k + 1], color="k", lw=1.0, ls=style)
    ax.set_xlim(0, 100)
    ax.grid(False)
    ax.set_xlabel(XLABEL + "; vertical lines: right (solid) and left (dashed) foot contact changes")
    cbar = fig.colorbar(mesh, ax=ax, pad=0.015)
    cbar.set_label("activation")
    ax.set_title(f"Muscle activations: {d.label}", color=condition_colour(index), fontweight="bold")
    return fig


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "run"


def build_figures(run_dirs: Sequence[str | Path], labels: Sequence[str] | None = None,
                  measured: bool = True) -> tuple[dict[str, plt.Figure], list[GaitData]]:
    """The figures (by file name) and the curves behind them; the caller closes the figures."""
    if isinstance(run_dirs, (str, Path)):
        run_dirs = [run_dirs]
    if not run_dirs:
        raise VisualsError("no run folder given")
    paths = [Path(p) for p in run_dirs]
    names = default_labels(paths, list(labels) if labels else None)
    runs = [load_drawn_run(p, label) for p, label in zip(paths, names, strict=True)]
    data = [gait_data(r) for r in runs]
    ref, ref_label = _measured() if measured else (None, "")
    figures = {}
    with figure_style():
        figures["joint_angles.png"] = figure_angles(data, ref, ref_label)
        figures["joint_moments.png"] = _figure_joints(data, "moments", "N m/kg",
                                                      "Joint moments from muscles and passive structures (right side)")
        figures["joint_powers.png"] = _figure_joints(data, "powers", "W/kg", "Joint powers (right side)")
        figures["grf.png"] = figure_grf(data, ref, ref_label)
        figures["activations.png"] = figure_activations(data)
        for i, d in enumerate(data):
            figures[f"activation_heatmap_{i + 1}_{_slug(d.label)}.png"] = figure_heatmap(d, i)
        if len(runs) == 2:
            from sim.figures.what_changed import figure_what_changed

            figures["what_changed.png"] = figure_what_changed(runs)
    return figures, data


def plot_runs(run_dirs: Sequence[str | Path], out_dir: str | Path, labels: Sequence[str] | None = None,
              measured: bool = True) -> list[Path]:
    """Write the gait-cycle figures of ``run_dirs`` (PNG) into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    ensure_output_folder(out_dir)
    figures, _ = build_figures(run_dirs, labels, measured)
    written = []
    try:
        for name, fig in figures.items():
            path = out_dir / name
            with atomic_file(path) as tmp:
                fig.savefig(tmp, format="png")
            written.append(path)
    finally:
        for fig in figures.values():
            plt.close(fig)
    return written
