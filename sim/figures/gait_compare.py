"""Simulated versus measured gait cycle: joint angles and ground reaction forces."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from sim.data.measured import PERCENT, measured_cycle
from sim.io.atomic import atomic_file
from sim.results.metrics import cycle_curves
from sim.stride.trajectory import Trajectory

PANELS = [("pelvis_tilt", "pelvic tilt (deg)\n(- anterior)"), ("lumbar_extension", "lumbar extension (deg)"),
          ("hip_flexion_r", "hip flexion (deg)"), ("knee_angle_r", "knee flexion (deg)"),
          ("ankle_angle_r", "ankle dorsiflexion (deg)"), ("grf_vertical", "vertical GRF (BW)"),
          ("grf_horizontal", "fore-aft GRF (BW)")]
SIM_COLOUR, DATA_COLOUR = "#1f77b4", "0.45"


def plot_vs_measured(fs: Trajectory, path: str | Path, title: str = "") -> Path:
    """Save a PNG comparing one simulated cycle with the measured subject (mean of its cycles)."""
    sim = cycle_curves(fs)
    ref = measured_cycle()
    measured = {**ref.angles_deg, "grf_vertical": ref.grf_bw["vertical"], "grf_horizontal": ref.grf_bw["horizontal"]}
    ref_label = f"measured (Hamner 2010 subject, {ref.speed} m/s, {ref.n_cycles} cycles)"
    fig, axes = plt.subplots(2, 4, figsize=(13, 6), dpi=110)
    stance = np.interp(PERCENT, fs.cycle_percent, fs.contact("r").astype(float)) > 0.5
    for ax, (key, label) in zip(axes.flat, PANELS, strict=False):
        ax.fill_between(PERCENT, 0, 1, where=stance, transform=ax.get_xaxis_transform(), color="0.92", lw=0)
        if key in measured:
            ax.plot(PERCENT, measured[key], color=DATA_COLOUR, lw=2, ls="--", label=ref_label)
        ax.plot(PERCENT, sim[key], color=SIM_COLOUR, lw=2, label=f"simulated ({fs.speed:.2f} m/s)")
        ax.set_title(label, fontsize=10)
        ax.set_xlim(0, 100)
        ax.set_xlabel("gait cycle (% from right heel strike)", fontsize=8)
        ax.tick_params(labelsize=8)
    axes.flat[-1].axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    axes.flat[-1].legend(handles, labels, loc="center", fontsize=9, frameon=False)
    fig.suptitle(title or "simulated vs measured running (right leg; stance shaded)", fontsize=11)
    fig.tight_layout()
    path = Path(path)
    try:
        with atomic_file(path) as tmp:
            fig.savefig(tmp, format="png")
    finally:
        plt.close(fig)
    return path
