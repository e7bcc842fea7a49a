"""Initial guesses for the stride problem: measured running (Hamner 2010, subject 02) or standing.

A guess is a :class:`StrideGuess` on a normalized time grid; the solver resamples it onto its
problem's mesh, so a guess (or a solution, via ``Trajectory.as_guess``) from one mesh
warm-starts another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.interpolate import CubicSpline

from sim.data.measured import measured_stride
from sim.model.spec import COORDINATES, ModelSpec

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


def equilibrium_tendon_forces(model, q: np.ndarray, qd: np.ndarray, a: np.ndarray, knobs: np.ndarray) -> np.ndarray:
    """Normalized tendon forces of the compliant muscles solving the Hill equilibrium with
    d(f_T)/dt = 0 at every node (Newton), for guesses that give no tendon states."""
    import casadi as ca

    compliant = [i for i, c in enumerate(model.compliant) if c]
    n_m, n_t = model.n_muscles, len(compliant)
    ft = ca.SX.sym("ft", n_t)
    lmt, vmt, aa = ca.SX.sym("lmt", n_m), ca.SX.sym("vmt", n_m), ca.SX.sym("a", n_m)
    ft_all = ca.SX.zeros(n_m)
    for k, i in enumerate(compliant):
        ft_all[i] = ft[k]
    hill = model.muscle_tendon(lmt, vmt, aa, ft_all, ca.SX.zeros(n_m), ca.DM(knobs))[1]
    residual = ca.vertcat(*[hill[i] for i in compliant])
    root = ca.rootfinder("equilibrium", "newton", ca.Function("r", [ft, ca.vertcat(lmt, vmt, aa)], [residual]),
                         {"error_on_fail": False})
    out = np.zeros((q.shape[0], n_t))
    for k in range(q.shape[0]):
        lm, vm, _ = model.muscle_geometry(q[k], qd[k])
        sol = np.asarray(root(np.full(n_t, 0.3), ca.vertcat(lm, vm, a[k]))).ravel()
        out[k] = np.clip(np.nan_to_num(sol, nan=0.3), 0.0, 4.0)
    return out


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
