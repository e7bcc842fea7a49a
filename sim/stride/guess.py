"""Initial guesses for the stride problem: measured running (Hamner 2010, subject 02) or standing.

A guess is a :class:`StrideGuess` on a normalized time grid; :class:`sim.stride.problem.StrideProblem`
resamples it onto its own mesh, so a guess (or a solution, via ``StrideSolution.as_guess``)
from one mesh warm-starts another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.interpolate import CubicSpline

from sim.data import RAW_GRF_FILE, RAW_IK_FILE, STRIDE_TABLE, read_table
from sim.results.storage import read_storage
from sim.spec import COORDINATES, ModelSpec

#: vertical force (N) above which a foot is taken to be on the force plate
STRIKE_THRESHOLD = 50.0
#: indentation (m) of the lowest contact point in the data-based guess
GUESS_INDENTATION = 0.004


@dataclass
class StrideGuess:
    """Trajectories on ``n`` nodes over ``duration`` seconds (rows are nodes, SI units).

    Arrays missing (None) are filled by the problem (activations 0.1, tendon forces at
    equilibrium, derivatives 0).
    """

    duration: float
    q: np.ndarray
    qd: np.ndarray
    qdd: np.ndarray
    a: np.ndarray | None = None
    ft: np.ndarray | None = None
    da: np.ndarray | None = None
    dft: np.ndarray | None = None
    reserves: np.ndarray | None = None
    info: dict = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        return self.q.shape[0]

    def resampled(self, n_nodes: int) -> StrideGuess:
        """The same guess linearly interpolated onto ``n_nodes`` equally spaced nodes."""
        if n_nodes == self.n_nodes:
            return self
        old, new = np.linspace(0, 1, self.n_nodes), np.linspace(0, 1, n_nodes)

        def interp(arr: np.ndarray | None) -> np.ndarray | None:
            if arr is None:
                return None
            return np.column_stack([np.interp(new, old, arr[:, j]) for j in range(arr.shape[1])])

        return StrideGuess(self.duration, interp(self.q), interp(self.qd), interp(self.qdd), interp(self.a),
                           interp(self.ft), interp(self.da), interp(self.dft), interp(self.reserves),
                           dict(self.info))


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


def _sphere_heights(contact, q: np.ndarray) -> np.ndarray:
    """Contact-point heights (nodes x spheres, order of ``spec.contact_spheres_expanded()``)."""
    return np.asarray(contact(q.T, np.zeros_like(q.T))[1])[1].reshape(q.shape[0], -1)


def _touch_ground(spec: ModelSpec, q: np.ndarray, stance: np.ndarray | None = None,
                  indentation: float = GUESS_INDENTATION) -> None:
    """Shift pelvis_ty (in place) so that the foot touches the floor.

    Without ``stance``: one constant shift, lowest sphere indents by ``indentation``. With a
    boolean ``stance`` (right foot on the ground per node): per-node shifts putting the right
    foot's lowest sphere at that indentation during stance, linearly interpolated (periodically)
    through the flight nodes. The contact point moves by half the pelvis shift (it sits
    inside the indentation), hence the fixed-point steps.
    """
    from sim.cas.model import CasadiModel  # casadi only when needed

    iy = COORDINATES.index("pelvis_ty")
    right = [i for i, sp in enumerate(spec.contact_spheres_expanded()) if sp.name.endswith("_r")]
    contact = CasadiModel(spec).contact.map(q.shape[0])  # built once for all fixed-point steps
    for _ in range(30):
        heights = _sphere_heights(contact, q)
        if stance is None:
            error = np.full(q.shape[0], heights.min() + indentation / 2)
        else:
            idx = np.flatnonzero(stance)
            n = q.shape[0]
            stance_error = heights[idx][:, right].min(axis=1) + indentation / 2
            # periodic interpolation over the node index
            error = np.interp(np.arange(n), np.concatenate([idx - n, idx, idx + n]),
                              np.tile(stance_error, 3))
        q[:, iy] -= 2 * error
        if np.abs(error).max() < 1e-6:
            break


def data_guess(spec: ModelSpec, n_nodes: int, speed: float = 3.5, symmetric: bool = True,
               ik_file: Path | None = None, grf_file: Path | None = None,
               stride_time_scale: float = 1.0) -> StrideGuess:
    """Mean measured running stride starting at right heel strike, on ``n_nodes`` nodes.

    The measured stride is the embedded table (``sim/data``) unless IK and GRF files are
    given. A half stride (to left strike) when ``symmetric``, else a full stride. The measured
    cadence is kept and the stride length follows from ``speed`` (treadmill data: pelvis_tx
    is replaced by ``speed * t``). pelvis_ty is the measured height shifted so that the
    lowest contact point indents the floor by :data:`GUESS_INDENTATION` (this absorbs the
    difference in leg length between the subject's IK model and this model).
    ``stride_time_scale`` plays the measured stride slower (> 1: longer strides, lower
    cadence) or faster, for multi-start.
    """
    if not 0.5 <= stride_time_scale <= 2.0:
        raise ValueError(f"stride_time_scale must be in [0.5, 2], got {stride_time_scale}")
    measured = measured_stride(ik_file, grf_file)
    period, left_phase = measured.stride_time, measured.left_strike_phase
    # periodic spline over the mean stride (end point forced equal to the start)
    cycle = measured.cycle.copy()
    cycle[-1] = cycle[0]
    phase = np.linspace(0, 1, cycle.shape[0])
    spline = CubicSpline(phase * period, cycle, axis=0, bc_type="periodic")
    duration = (left_phase * period if symmetric else period) * stride_time_scale
    t = np.linspace(0, duration, n_nodes)
    measured_t = t / stride_time_scale
    q = spline(measured_t)
    qd, qdd = spline(measured_t, 1) / stride_time_scale, spline(measured_t, 2) / stride_time_scale ** 2
    ix, iy = COORDINATES.index("pelvis_tx"), COORDINATES.index("pelvis_ty")
    q[:, ix], qd[:, ix], qdd[:, ix] = speed * t, speed, 0.0
    _touch_ground(spec, q, stance=measured_t <= measured.contact_time)
    # re-derive the vertical pelvis speed and acceleration of the shifted height
    qd[:, iy] = np.gradient(q[:, iy], t)
    qdd[:, iy] = np.gradient(qd[:, iy], t)
    return StrideGuess(duration, q, qd, qdd, info={"source": measured.source,
                                                   "stride_time": period * stride_time_scale,
                                                   "stride_time_scale": stride_time_scale,
                                                   "left_strike_phase": left_phase,
                                                   "contact_time": measured.contact_time})


def standing_guess(spec: ModelSpec, n_nodes: int, speed: float = 3.5, duration: float = 0.35,
                   noise: float = 0.05, seed: int = 0) -> StrideGuess:
    """Upright posture translated at ``speed``, plus small seeded quasi-random joint noise (rad)."""
    rng = np.random.default_rng(seed)
    q = np.zeros((n_nodes, len(COORDINATES)))
    t = np.linspace(0, duration, n_nodes)
    ix, iy = COORDINATES.index("pelvis_tx"), COORDINATES.index("pelvis_ty")
    for c, value in (("knee_angle_r", 0.2), ("knee_angle_l", 0.2), ("hip_flexion_r", 0.1),
                     ("hip_flexion_l", 0.1)):
        q[:, COORDINATES.index(c)] = value
    joints = [i for i, c in enumerate(COORDINATES) if c not in ("pelvis_tx", "pelvis_ty")]
    q[:, joints] += noise * rng.uniform(-1, 1, size=len(joints))
    q[:, ix] = speed * t
    q[:, iy] = 0.9
    _touch_ground(spec, q)
    qd = np.zeros_like(q)
    qd[:, ix] = speed
    return StrideGuess(duration, q, qd, np.zeros_like(q), info={"source": "standing", "seed": seed})
