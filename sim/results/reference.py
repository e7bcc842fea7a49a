"""Measured running of the Hamner (2010) subject as a mean gait cycle, for comparison.

Right gait cycles are cut at right heel strikes (vertical GRF rising through 50 N), joint
angles and GRFs resampled to 0-100 % and averaged. Angles use stridesim's signs (knee
flexion positive: the measured gait2392-style knee angle is negated). The mean cycle ships
with the package (``sim/data``); :func:`derive_measured_cycle` recomputes it from the raw files.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.data import CYCLE_TABLE, RAW_GRF_FILE, RAW_IK_FILE, read_table
from sim.results.storage import read_storage

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
    """Averaged right gait cycle of the measured subject (the embedded table)."""
    columns, rows, meta = read_table(CYCLE_TABLE)
    col = {name: rows[:, i] for i, name in enumerate(columns)}
    if not np.allclose(col["percent"], PERCENT):
        raise ValueError(f"{CYCLE_TABLE.name}: percent column is not 0-100 in steps of 1")
    return MeasuredCycle({name: col[f"{name}_deg"] for name in ANGLES},
                         {"vertical": col["grf_vertical_bw"], "horizontal": col["grf_horizontal_bw"]},
                         int(meta["cycles"]), meta["stride_time_s"], meta["speed_m_per_s"])


def measured_cycle_table(cycle: MeasuredCycle) -> tuple[list[str], np.ndarray, dict[str, float]]:
    """Columns, rows and header values of ``cycle`` as stored in the embedded table."""
    columns = ["percent", *(f"{name}_deg" for name in ANGLES), "grf_vertical_bw", "grf_horizontal_bw"]
    rows = np.column_stack([PERCENT, *(cycle.angles_deg[name] for name in ANGLES),
                            cycle.grf_bw["vertical"], cycle.grf_bw["horizontal"]])
    return columns, rows, {"cycles": cycle.n_cycles, "stride_time_s": cycle.stride_time,
                           "speed_m_per_s": cycle.speed}


def derive_measured_cycle(ik_file: Path = RAW_IK_FILE, grf_file: Path = RAW_GRF_FILE) -> MeasuredCycle:
    """Averaged right gait cycle from the raw IK and GRF files."""
    ik_labels, ik, ik_deg = read_storage(ik_file)
    grf_labels, grf, _ = read_storage(grf_file)
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
