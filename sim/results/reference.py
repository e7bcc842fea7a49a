"""Measured running of the Hamner (2010) subject as mean gait cycles, for comparison.

Right gait cycles are cut at right heel strikes (vertical GRF rising through 50 N), joint
angles and GRFs resampled to 0-100 % and averaged. Angles use stridesim's signs (knee
flexion positive: the measured gait2392-style knee angle is negated).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.results.storage import read_storage

DATA_DIR = Path(os.environ.get("STRIDESIM_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
SUBJECT_DIR = DATA_DIR / "hamner2010_subject02"
SUBJECT_MASS = 65.9  # kg (Hamner et al. 2010, subject 02)
STRIKE_THRESHOLD = 50.0  # N
TREADMILL_SPEED = 3.9  # m/s, shared/data/README.md (treadmill: pelvis_tx does not advance)
ANGLES = ("pelvis_tilt", "lumbar_extension", "hip_flexion_r", "knee_angle_r", "ankle_angle_r")
PERCENT = np.linspace(0.0, 100.0, 101)


@dataclass(frozen=True)
class MeasuredCycle:
    """Mean right gait cycle: angles (deg) and right-foot GRF (body weights) at PERCENT."""

    angles_deg: dict[str, np.ndarray]
    grf_bw: dict[str, np.ndarray]  # "vertical", "horizontal"
    n_cycles: int
    stride_time: float
    speed: float


def _cycles(time: np.ndarray, vertical: np.ndarray) -> list[tuple[float, float]]:
    on = vertical > STRIKE_THRESHOLD
    strikes = time[1:][on[1:] & ~on[:-1]]
    return list(zip(strikes[:-1], strikes[1:], strict=True))


@lru_cache(maxsize=1)
def measured_cycle() -> MeasuredCycle:
    """Averaged right gait cycle of the measured subject (raises FileNotFoundError if absent)."""
    ik_labels, ik, ik_deg = read_storage(SUBJECT_DIR / "subject02_running_ik.mot")
    grf_labels, grf, _ = read_storage(SUBJECT_DIR / "subject02_running_grf.mot")
    gt, vy, vx = grf[:, 0], grf[:, grf_labels.index("ground_force_vy")], grf[:, grf_labels.index("ground_force_vx")]
    cycles = _cycles(gt, vy)
    weight = SUBJECT_MASS * 9.80665
    angles = {name: [] for name in ANGLES}
    forces = {"vertical": [], "horizontal": []}
    durations = []
    for t0, t1 in cycles:
        pct_time = t0 + (t1 - t0) * PERCENT / 100.0
        for name in ANGLES:
            values = np.interp(pct_time, ik[:, 0], ik[:, ik_labels.index(name)])
            angles[name].append(-values if name.startswith("knee") else values)
        forces["vertical"].append(np.interp(pct_time, gt, vy) / weight)
        forces["horizontal"].append(np.interp(pct_time, gt, vx) / weight)
        durations.append(t1 - t0)
    if not ik_deg:
        angles = {k: [np.degrees(v) for v in vals] for k, vals in angles.items()}
    return MeasuredCycle({k: np.mean(v, axis=0) for k, v in angles.items()},
                         {k: np.mean(v, axis=0) for k, v in forces.items()}, len(cycles),
                         float(np.mean(durations)), TREADMILL_SPEED)
