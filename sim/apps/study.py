"""The hip-extension study: figures over a stiffness x strength sweep and a summary from the numbers.

The claims runners are told (:mod:`sim.apps.claims`) are checked, not assumed: each is stated with
the direction the model shows, by how much and how sure (:mod:`sim.apps.claim_study`); where the
model disagrees, the summary says so.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import sim.figures  # noqa: F401  (chooses the headless backend)
from sim.figures.style import muscle_label
from sim.io.atomic import atomic_file, write_text

STIFFNESS, STRENGTH = "hip_flexor_stiffness", "glute_strength"
RECTUS = "rectus_femoris_stiffness"
#: the two causes of restricted hip extension a sweep can vary against gluteus strength
TIGHTNESS_KNOBS = (STIFFNESS, RECTUS)
#: the knobs as people name them (the strength axis is shown in percent)
AXIS_NAMES = {STIFFNESS: "hip-flexor (iliopsoas) tightness (knob, 1 = healthy)",
              RECTUS: "rectus femoris tightness (knob, 1 = healthy)", STRENGTH: "gluteus maximus strength (%)"}


def tightness_knob(columns) -> str:
    """The hip-flexor tightness knob a sweep varies, from its table's or grid's column names: the
    iliopsoas knob where both are columns, else whichever is."""
    varied = [k for k in TIGHTNESS_KNOBS if k in columns]
    if not varied:
        raise ValueError(f"the study needs a sweep over one of {', '.join(TIGHTNESS_KNOBS)} and {STRENGTH}")
    return varied[0]
HEATMAPS = [
    ("analysis.ratios.plantar_flexor_share_of_propulsion", "plantar-flexor share of propulsion", 100, "%"),
    ("peak_hip_extension_deg", "peak hip extension", 1, "deg"),
    ("lumbar_extension_peak_deg", "peak lumbar extension", 1, "deg"),
    ("pelvic_tilt_mean_deg", "mean pelvic tilt (- anterior)", 1, "deg"),
    ("analysis.ratios.hamstrings_share_of_hip_extension_work", "hamstrings share of hip-extension work", 100, "%"),
]


def _save(fig, path: Path) -> Path:
    """Lay out, write atomically and close a study figure."""
    fig.tight_layout()
    with atomic_file(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return path


def _results(everything):
    """The rows of summary.parquet that are converged running strides."""
    return everything[everything["status"] == "result"]


def _grid(table, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pivot = table.pivot_table(index=STRENGTH, columns=tightness_knob(table.columns), values=column)
    pivot = pivot.sort_index(ascending=False)
    return pivot.columns.to_numpy(), pivot.index.to_numpy(), pivot.to_numpy()


def heatmaps(sweep_dir: Path, table) -> Path:
    fig, axes = plt.subplots(1, len(HEATMAPS), figsize=(4.2 * len(HEATMAPS), 3.8), dpi=110)
    for ax, (column, title, factor, unit) in zip(axes, HEATMAPS, strict=True):
        if column not in table:
            ax.set_axis_off()
            continue
        x, y, z = _grid(table, column)
        image = ax.imshow(z * factor, cmap="viridis", aspect="auto")
        ax.set_xticks(range(len(x)), [f"{v:g}" for v in x])
        ax.set_yticks(range(len(y)), [f"{100 * v:.0f}" for v in y])
        ax.set_xlabel(AXIS_NAMES[tightness_knob(table.columns)])
        ax.set_ylabel(AXIS_NAMES[STRENGTH])
        ax.set_title(title, fontsize=10)
        for (i, j), v in np.ndenumerate(z * factor):
            if np.isfinite(v):
                # dark text on the bright end of viridis, white on the dark end
                bright = image.norm(v) > 0.6
                ax.text(j, i, f"{int(round(v))}", ha="center", va="center", color="0.1" if bright else "w", fontsize=8)
        fig.colorbar(image, ax=ax, label=unit, shrink=0.8)
    return _save(fig, sweep_dir / "heatmaps.png")


def line_plots(sweep_dir: Path, table) -> Path:
    tight = tightness_knob(table.columns)
    fig, axes = plt.subplots(2, len(HEATMAPS), figsize=(4 * len(HEATMAPS), 6.5), dpi=110, sharex="row")
    for col, (column, title, factor, unit) in enumerate(HEATMAPS):
        if column not in table:
            continue
        for row, (knob, other) in enumerate(((tight, STRENGTH), (STRENGTH, tight))):
            ax = axes[row, col]
            for value, group in table.groupby(other):
                group = group.sort_values(knob)
                shown = f"{100 * value:.0f} %" if other == STRENGTH else f"{value:g}"
                ax.plot(group[knob] * (100 if knob == STRENGTH else 1), group[column] * factor, "o-",
                        label=f"{AXIS_NAMES[other].split(' (')[0]} {shown}")
            ax.set_xlabel(AXIS_NAMES[knob])
            ax.set_ylabel(f"{title} ({unit})", fontsize=8)
            if col == 0:
                ax.legend(fontsize=7)
    return _save(fig, sweep_dir / "lines.png")


def _corner_runs(sweep_dir: Path, table) -> tuple[Path, Path]:
    tight = tightness_knob(table.columns)
    healthy = table.loc[(table[tight] - 1).abs().add((table[STRENGTH] - 1).abs()).idxmin()]
    worst = table.loc[(table[tight] - table[STRENGTH]).idxmax()]
    return sweep_dir / "points" / healthy["point"], sweep_dir / "points" / worst["point"]


def power_and_contributions(sweep_dir: Path, table) -> Path:
    from sim.cas.model import CasadiModel
    from sim.model.spec import COORDINATES
    from sim.results.analysis import JOINTS, Analyzer
    from sim.results.runfolder import RunFolder

    runs = _corner_runs(sweep_dir, table)
    labels = ["healthy", "most restricted (stiff hip flexors, weak glutes)"]
    colours = ["#1f77b4", "#d62728"]
    fig, axes = plt.subplots(1, 4, figsize=(17, 3.8), dpi=110)
    contributions = []
    for run, label, colour in zip(runs, labels, colours, strict=True):
        solution, spec = RunFolder(run).solution()
        model = CasadiModel(spec)
        fs = solution.full_stride(model)
        analyzer = Analyzer(model)
        moments = analyzer.joint_moments(fs)["total"]
        mass = fs.body_weight / 9.80665
        for ax, joint in zip(axes[:3], ("hip", "knee", "ankle"), strict=True):
            c = COORDINATES.index(JOINTS[joint])
            ax.plot(fs.cycle_percent, moments[:, c] * fs.qd[:, c] / mass, color=colour, label=label)
            ax.set_title(f"{joint} power (W/kg)")
            ax.set_xlabel("gait cycle (%)")
        contributions.append(RunFolder(run).metrics()["analysis"]["contributors"])
    axes[0].legend(fontsize=7)
    muscles = ["soleus_r", "gastroc_r", "glut_max_r", "hamstrings_r", "vasti_r", "rect_fem_r", "iliacus_r", "psoas_r"]
    width = 0.4
    for k, (contrib, colour) in enumerate(zip(contributions, colours, strict=True)):
        values = [contrib[m]["propulsive_impulse_bw_s"] * 1000 for m in muscles]
        axes[3].bar(np.arange(len(muscles)) + k * width, values, width, color=colour, label=labels[k])
    axes[3].set_xticks(np.arange(len(muscles)) + width / 2, [muscle_label(m[:-2]) for m in muscles], rotation=45,
                       fontsize=8, ha="right")
    axes[3].set_title("propulsive impulse contribution (BW ms)")
    return _save(fig, sweep_dir / "power_and_contributions.png")


def _knob_line(table, knob: str):
    """Points along ``knob`` with the other knob healthy, ordered from healthy to the far end
    (stiffness rising, strength falling); also the other knob's name and healthy value."""
    other = STRENGTH if knob != STRENGTH else tightness_knob(table.columns)
    healthy_other = table[other].max() if other == STRENGTH else table[other].min()
    line = table[np.isclose(table[other], healthy_other)].sort_values(knob, ascending=knob != STRENGTH)
    return line, other, healthy_other


#: a step along a knob whose peak swing knee flexion changes by more than this (deg) joins two
#: stride families (a folded and a shallow swing; docs/study.md): within one family, a knob step
#: changes it by a few degrees, between the families by 40-50
FAMILY_STEP_DEG = 20.0
FAMILY_MARKER = "peak_swing_knee_flexion_deg"


def changes_family(before: float, after: float) -> bool:
    """True if two strides' peak swing knee flexion (deg) differ as much as the two families' do."""
    return bool(abs(after - before) > FAMILY_STEP_DEG)


#: stride descriptors reported along each knob (not hypotheses: what else the model changed)
STRIDE_DESCRIPTORS = [("cadence_steps_per_min", "cadence (steps/min)", "{:.0f}"),
                      ("peak_swing_knee_flexion_deg", "swing knee flexion (deg)", "{:.0f}"),
                      ("objective", "objective (effort per distance)", "{:.3f}"),
                      ("hip_extension_at_toe_off_deg", "hip extension at toe-off (deg; measured runner 24)",
                       "{:.1f}"),
                      ("peak_hip_extension_percent", "gait-cycle % of peak hip extension (measured runner 42, "
                       "toe-off at 36)", "{:.0f}"),
                      ("analysis.passive.peak_passive_force_per_max_isometric.iliacus_r",
                       "iliacus peak passive force (x its maximal isometric force)", "{:.1f}"),
                      ("analysis.passive.peak_passive_force_per_max_isometric.rect_fem_r",
                       "rectus femoris peak passive force (x its maximal isometric force)", "{:.2f}"),
                      ("analysis.passive.passive_share_of_muscle_positive_work",
                       "passive fibre recoil (share of muscle positive work)", "{:.0%}"),
                      # what the knee and the trunk do: weaker hip extensors go with a more upright
                      # trunk and more knee-extensor work in runners (Teng & Powers 2016)
                      ("trunk_forward_lean_mean_deg", "trunk forward lean (deg; measured runner 6-11)", "{:.1f}"),
                      ("knee_flexion_at_contact_deg", "knee flexion at contact (deg; measured runner 16-23)",
                       "{:.0f}"),
                      ("analysis.joints.knee.stance_positive_work_share", "knee share of stance positive joint work",
                       "{:.0%}"),
                      ("analysis.joints.hip.stance_positive_work_share", "hip share of stance positive joint work",
                       "{:.0%}")]


def knob_lines(table) -> list[str]:
    """One line per knob and descriptor: the values along that knob with the other knob healthy."""
    lines = []
    for knob in (tightness_knob(table.columns), STRENGTH):
        line, other, healthy_other = _knob_line(table, knob)
        if len(line) < 2:
            continue
        for column, label, fmt in STRIDE_DESCRIPTORS:
            if column in line:
                values = ", ".join(fmt.format(v) for v in line[column])
                knob_values = ", ".join(f"{v:g}" for v in line[knob])
                lines.append(f"- {label} along {knob} {knob_values} ({other} {healthy_other:g}): {values}")
    return lines


def claim_line(row: dict) -> str:
    """One claim in plain words: what runners are told, the model's verdict and its numbers."""
    if "change" not in row:
        return f"- {row['told']}: {row['verdict']}."
    knob = row["knob"]
    values = row["knob_values"]
    from sim.apps.claims import change_unit

    unit = change_unit(row["unit"])
    text = (f"- {row['told']}: **{row['verdict']}** ({row['reason']}). {row['label']} {row['values'][0]:.3g} -> "
            f"{row['values'][-1]:.3g} {row['unit']} ({row['change']:+.3g} {unit}) from {knob} {values[0]:g} "
            f"to {values[-1]:g}; {row['steps_in_claimed_direction']} steps the claimed way; resolution "
            f"{row['resolution']:.2g} {unit}.")
    for jump in row.get("family_changes", []):
        text += (f" The stride changes family between {knob} {jump['from']:g} and {jump['to']:g} (swing knee "
                 f"flexion {jump['swing_knee_flexion_deg'][0]:.0f} -> {jump['swing_knee_flexion_deg'][1]:.0f} deg).")
    return text


def summary_text(everything, claim_rows: list[dict]) -> str:
    table = _results(everything)
    lines = [f"# Hip-extension study: {len(table)} of {len(everything)} grid points are converged running strides", ""]
    realism = [c for c in table.columns if c.startswith("realism.") and c.endswith(".ok")]
    if realism:
        ok = table[realism].all(axis=1).sum()
        lines.append(f"{ok} of {len(table)} results pass every realism check of the healthy-running targets. "
                     "Treat the rest as qualitative.")
        lines.append("")
    lines += [claim_line(row) for row in claim_rows]
    lines += ["", "What else changed along the knobs:"] + knob_lines(table)
    if realism:
        failing = {c.split(".")[1]: int((~table[c].astype(bool)).sum()) for c in realism}
        lines.append("- realism checks failed (points): " + ", ".join(f"{k} {v}" for k, v in failing.items() if v))
    at_bound = {c.split(".", 1)[1]: int(table[c].notna().sum()) for c in table.columns
                if c.startswith("coordinates_at_range_limit.")}
    if any(at_bound.values()):
        lines.append("- coordinates at their optimization bound (points; the bound, not the model, limits them): "
                     + ", ".join(f"{k} {v}" for k, v in at_bound.items() if v))
    return "\n".join(lines) + "\n"


def write_study(sweep_dir: str | Path) -> list[Path]:
    """All figures and summary.md for a stiffness x strength sweep folder."""
    import pandas as pd

    sweep_dir = Path(sweep_dir)
    everything = pd.read_parquet(sweep_dir / "summary.parquet")
    table = _results(everything)
    if not any(k in table for k in TIGHTNESS_KNOBS) or STRENGTH not in table or len(table) < 2:
        raise ValueError(f"{sweep_dir}: the study needs a sweep over {' or '.join(TIGHTNESS_KNOBS)} and {STRENGTH} "
                         "with converged points")
    paths = [heatmaps(sweep_dir, table), line_plots(sweep_dir, table), power_and_contributions(sweep_dir, table)]
    from sim.apps.claim_figures import family_figures
    from sim.apps.claim_study import HYPOTHESES_FILE, evaluate

    rows = evaluate(sweep_dir)  # writes hypotheses.json
    summary = sweep_dir / "summary.md"
    write_text(summary, summary_text(everything, rows))
    return [*paths, *family_figures(rows, sweep_dir), summary, sweep_dir / HYPOTHESES_FILE]
