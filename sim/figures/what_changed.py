"""What changed between two runs: their angle and force curves with the difference shaded, and the
numbers that changed most (each relative to the size of a change that matters for it)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from sim.data.measured import PERCENT
from sim.figures.style import SLIDE, condition_colour
from sim.results.runfolder import metric

CURVES = [("pelvis_tilt", "pelvic tilt (deg, + posterior)"), ("lumbar_extension", "lumbar extension (deg)"),
          ("hip_flexion_r", "hip flexion (deg)"), ("knee_angle_r", "knee flexion (deg)"),
          ("ankle_angle_r", "ankle dorsiflexion (deg)"), ("grf_vertical", "vertical ground force (body weights)")]
#: (metrics.json key, words, unit shown, factor to the unit shown, a change that matters in that unit)
NUMBERS = [
    ("cadence_steps_per_min", "cadence", "steps/min", 1.0, 5.0),
    ("stride_length_m", "stride length", "m", 1.0, 0.05),
    ("duty_factor", "duty factor", "", 1.0, 0.02),
    ("peak_vertical_grf_bw", "peak vertical ground force", "BW", 1.0, 0.1),
    ("peak_braking_grf_bw", "braking peak", "BW", 1.0, 0.1),
    ("hip_extension_at_toe_off_deg", "hip extension at toe-off", "deg", 1.0, 3.0),
    ("peak_hip_extension_deg", "peak hip extension", "deg", 1.0, 3.0),
    ("pelvic_tilt_mean_deg", "mean pelvic tilt (+ posterior)", "deg", 1.0, 2.0),
    ("lumbar_extension_mean_deg", "mean lumbar extension", "deg", 1.0, 2.0),
    ("trunk_forward_lean_mean_deg", "trunk forward lean", "deg", 1.0, 2.0),
    ("knee_flexion_at_contact_deg", "knee flexion at touchdown", "deg", 1.0, 3.0),
    ("peak_swing_knee_flexion_deg", "swing knee flexion", "deg", 1.0, 3.0),
    ("analysis.ratios.plantar_flexor_share_of_propulsion", "calf share of propulsion", "%", 100.0, 3.0),
    ("analysis.ratios.hamstrings_share_of_hip_extension_work", "hamstrings share of hip-extension work", "%", 100.0,
     3.0),
]


def largest_changes(before: dict, after: dict, top: int = 6) -> list[dict]:
    """The numbers of :data:`NUMBERS` that changed most, relative to a change that matters for each."""
    rows = []
    for key, words, unit, factor, matters in NUMBERS:
        try:
            a, b = float(metric(before, key)) * factor, float(metric(after, key)) * factor
        except (KeyError, TypeError, ValueError):
            continue
        rows.append({"key": key, "words": words, "unit": unit, "before": a, "after": b, "change": b - a,
                     "weight": abs(b - a) / matters})
    return sorted(rows, key=lambda r: -r["weight"])[:top]


def _curve(run, key: str) -> np.ndarray:
    stride = run.stride
    values = stride.grf["r"][:, 1] / stride.body_weight if key == "grf_vertical" else np.degrees(stride.column(key))
    return np.interp(PERCENT, stride.cycle_percent, values)


def figure_what_changed(runs: list) -> plt.Figure:
    """Two DrawnRuns (before, after): curves with the difference shaded and the largest changes."""
    before, after = runs
    fig, axes = plt.subplots(2, 4, figsize=SLIDE, layout="constrained")
    for ax, (key, title) in zip(axes.flat, CURVES, strict=False):
        a, b = _curve(before, key), _curve(after, key)
        ax.fill_between(PERCENT, a, b, color="0.6", alpha=0.35, lw=0, label="difference")
        ax.plot(PERCENT, a, color=condition_colour(0), label=before.label)
        ax.plot(PERCENT, b, color=condition_colour(1), label=after.label)
        ax.set_title(title, fontsize=11)
        ax.set_xlim(0, 100)
        ax.set_xlabel("gait cycle (% from right heel strike)", fontsize=9)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    text_ax = axes.flat[6]
    text_ax.axis("off")
    text_ax.legend(handles, labels, loc="upper left", frameon=False)
    rows = largest_changes(before.folder.metrics(), after.folder.metrics())
    digits = {"deg": 1, "%": 0, "steps/min": 0, "m": 2, "BW": 2, "": 2}
    lines = [f"{r['words']}: {r['before']:.{digits[r['unit']]}f} -> {r['after']:.{digits[r['unit']]}f} {r['unit']} "
             f"({r['change']:+.{digits[r['unit']]}f})" for r in rows]
    number_ax = axes.flat[7]
    number_ax.axis("off")
    number_ax.text(-0.45, 0.98, "changed most\n\n" + "\n".join(lines), transform=number_ax.transAxes, va="top",
                   fontsize=9, family="sans-serif")
    fig.suptitle(f"What changed: {before.label} -> {after.label}", fontsize=14, fontweight="bold")
    return fig
