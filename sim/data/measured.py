"""Measured running of the Hamner (2010) subject: the mean stride (initial guess) and the mean
gait cycle (comparison).

The mean stride runs from right heel strike to right heel strike over all ten coordinates
(SI, knee flexion positive) on 201 phase points. For the mean cycle, right gait cycles are cut
at right heel strikes (vertical GRF rising through 50 N), joint angles and GRFs resampled to
0-100 % and averaged. Angles use stridesim's signs (knee
flexion positive: the measured gait2392-style knee angle is negated). Both ship as tables
with the package (``sim/data``); :func:`derive_measured_stride` and :func:`derive_measured_cycle`
recompute them from the raw files, which ship too (``sim/data/hamner2010_subject02``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.data import CYCLE_TABLE, RAW_GRF_FILE, RAW_IK_FILE, STRIDE_TABLE, read_table
from sim.io.storage import read_storage
from sim.model.spec import COORDINATES

SUBJECT_MASS = 65.9  # kg (Hamner et al. 2010, subject 02)
#: vertical force (N) above which a foot is taken to be on the force plate
STRIKE_THRESHOLD = 50.0
TREADMILL_SPEED = 3.9  # m/s (hamner2010_subject02/README.md; treadmill: pelvis_tx does not advance)
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


def _crossings(time: np.ndarray, force: np.ndarray, threshold: float) -> np.ndarray:
    """Times where ``force`` rises through ``threshold`` (linear interpolation)."""
    idx = np.where((force[1:] > threshold) & (force[:-1] <= threshold))[0]
    frac = (threshold - force[idx]) / (force[idx + 1] - force[idx])
    return time[idx] + frac * (time[idx + 1] - time[idx])


def foot_strikes(grf_file: Path = RAW_GRF_FILE, threshold: float = STRIKE_THRESHOLD) -> dict[str, np.ndarray]:
    """Right/left foot-strike times (keys r, l) and toe-off times (r_off, l_off) from vertical GRF."""
    names, data, _ = read_storage(grf_file)
    time = data[:, 0]
    right, left = data[:, names.index("ground_force_vy")], data[:, names.index("1_ground_force_vy")]
    return {"r": _crossings(time, right, threshold), "l": _crossings(time, left, threshold),
            "r_off": _crossings(time, -right, -threshold), "l_off": _crossings(time, -left, -threshold)}


def _mean_cycle(ik_time: np.ndarray, values: np.ndarray, strikes_r: np.ndarray, strikes_l: np.ndarray,
                n_phase: int = 201) -> tuple[np.ndarray, float, float]:
    """Mean stride (right strike to right strike) of ``values`` on ``n_phase`` phase points.

    Returns the mean cycle, the mean stride time and the mean phase of the left strike.
    """
    phase = np.linspace(0, 1, n_phase)
    cycles, periods, left_phases = [], [], []
    for t0, t1 in zip(strikes_r[:-1], strikes_r[1:], strict=True):
        if t0 < ik_time[0] or t1 > ik_time[-1] or not 0.5 < t1 - t0 < 1.0:
            continue
        left = strikes_l[(strikes_l > t0) & (strikes_l < t1)]
        if len(left) != 1:
            continue
        times = t0 + phase * (t1 - t0)
        cycles.append(np.column_stack([np.interp(times, ik_time, values[:, j]) for j in range(values.shape[1])]))
        periods.append(t1 - t0)
        left_phases.append((left[0] - t0) / (t1 - t0))
    if not cycles:
        raise ValueError("no complete right-right stride with one left strike in the data")
    return np.mean(cycles, axis=0), float(np.mean(periods)), float(np.mean(left_phases))


@dataclass(frozen=True)
class MeasuredStride:
    """Mean measured stride from right heel strike: coordinates (SI, knee flexion +) on phase 0-1."""

    cycle: np.ndarray  # phase points x COORDINATES
    stride_time: float  # s
    left_strike_phase: float
    contact_time: float  # s, median right-foot contact
    source: str


def derive_measured_stride(ik_file: Path = RAW_IK_FILE, grf_file: Path = RAW_GRF_FILE) -> MeasuredStride:
    """Mean right-to-right stride of the IK coordinates, cut at force-plate heel strikes."""
    names, data, _ = read_storage(ik_file)
    columns = []
    for c in COORDINATES:
        values = data[:, names.index(c)]
        if c not in ("pelvis_tx", "pelvis_ty"):
            values = np.radians(values)
        if c.startswith("knee_angle"):
            values = -values
        columns.append(values)
    strikes = foot_strikes(grf_file)
    cycle, period, left_phase = _mean_cycle(data[:, 0], np.column_stack(columns), strikes["r"], strikes["l"])
    contact_times = [off - on for on in strikes["r"] for off in strikes["r_off"][strikes["r_off"] > on][:1]]
    return MeasuredStride(cycle, period, left_phase, float(np.median(contact_times)), str(ik_file))


def measured_stride(ik_file: Path | None = None, grf_file: Path | None = None) -> MeasuredStride:
    """The embedded mean stride (no files given) or one derived from IK and GRF files."""
    if ik_file is not None or grf_file is not None:
        return derive_measured_stride(ik_file or RAW_IK_FILE, grf_file or RAW_GRF_FILE)
    columns, rows, meta = read_table(STRIDE_TABLE)
    if columns[1:] != list(COORDINATES):
        raise ValueError(f"{STRIDE_TABLE.name}: columns {columns[1:]} are not {list(COORDINATES)}")
    return MeasuredStride(rows[:, 1:], meta["stride_time_s"], meta["left_strike_phase"], meta["contact_time_s"],
                          STRIDE_TABLE.name)
