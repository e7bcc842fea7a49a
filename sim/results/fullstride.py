"""A solved stride as one full gait cycle starting at right heel strike, with everything derived.

A symmetric (half-stride) solution is completed by its mirror image (left and right swapped,
pelvis advanced by half the stride length). Ground reaction forces, centres of pressure,
fibre lengths and joint moments are recomputed from the states with the same CasADi model
that the optimizer used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.spec import COORDINATES

#: vertical force (N) above which a foot counts as in contact (gait classification too)
CONTACT_THRESHOLD = 20.0
IX = COORDINATES.index("pelvis_tx")


def mirror_permutation(names: list[str]) -> list[int]:
    """Index map that swaps the ``_r`` and ``_l`` members of ``names``."""
    def other(n: str) -> str:
        return n[:-2] + ("_l" if n.endswith("_r") else "_r") if n.endswith(("_r", "_l")) else n
    return [names.index(other(n)) for n in names]


@dataclass
class FullStride:
    """One gait cycle, nodes x quantities (SI units); the last node closes the cycle."""

    time: np.ndarray
    q: np.ndarray
    qd: np.ndarray
    qdd: np.ndarray
    activation: np.ndarray
    muscle_force: np.ndarray  # tendon force (N)
    passive_muscle_force: np.ndarray  # the passive fibre force's part of the tendon force (N)
    max_isometric_force: np.ndarray  # per muscle, with the knobs applied (N)
    fiber_length_norm: np.ndarray
    grf: dict[str, np.ndarray]  # side -> nodes x 3 force on the foot, ground frame (N)
    cop: dict[str, np.ndarray]  # side -> nodes x 3 centre of pressure on the floor (m)
    torque: dict[str, np.ndarray]  # side -> nodes x 3 free moment about the COP (N m)
    sphere_normal_force: np.ndarray  # nodes x contact spheres (the model's order), N
    muscle_names: list[str]
    speed: float
    body_weight: float

    @property
    def stride_time(self) -> float:
        return float(self.time[-1] - self.time[0])

    @property
    def cycle_percent(self) -> np.ndarray:
        return 100.0 * (self.time - self.time[0]) / self.stride_time

    def contact(self, side: str) -> np.ndarray:
        return self.grf[side][:, 1] > CONTACT_THRESHOLD

    def column(self, coordinate: str) -> np.ndarray:
        return self.q[:, COORDINATES.index(coordinate)]


def _cyclic(solution, model) -> dict[str, np.ndarray]:
    """States of one stride on a uniform grid without the closing node (node k+1 follows k)."""
    q, qd, qdd, a = solution.q, solution.qd, solution.qdd, solution.a
    compliant = [i for i, c in enumerate(model.compliant) if c]
    ft = np.full((q.shape[0], model.n_muscles), 0.0)
    ft[:, compliant] = solution.ft
    dft = np.zeros_like(ft)
    dft[:, compliant] = solution.dft
    arrays = {"q": q[:-1], "qd": qd[:-1], "qdd": qdd[:-1], "a": a[:-1], "ft": ft[:-1], "dft": dft[:-1]}
    if not solution.symmetric:
        return arrays
    cmap = mirror_permutation(list(COORDINATES))
    mmap = mirror_permutation(model.muscle_names)
    half_distance = solution.speed * solution.duration
    second = {"q": q[:-1][:, cmap].copy(), "qd": qd[:-1][:, cmap], "qdd": qdd[:-1][:, cmap],
              "a": a[:-1][:, mmap], "ft": ft[:-1][:, mmap], "dft": dft[:-1][:, mmap]}
    second["q"][:, IX] += half_distance
    return {k: np.vstack([arrays[k], second[k]]) for k in arrays}


def full_stride(solution, model) -> FullStride:
    """Expand ``solution`` (a StrideSolution) to a full cycle from right heel strike."""
    cyc = _cyclic(solution, model)
    n = cyc["q"].shape[0]
    step = solution.duration / (solution.q.shape[0] - 1)
    stride_length = solution.speed * step * n
    forces, points = _contact(model, cyc["q"], cyc["qd"])
    right = np.array([model.spheres[j].name.endswith("_r") for j in range(len(model.spheres))])
    vertical_r = forces[:, 1, right].sum(axis=1)
    on = vertical_r > CONTACT_THRESHOLD
    strikes = np.flatnonzero(on & ~np.roll(on, 1))
    start = int(strikes[0]) if len(strikes) else 0
    order = np.r_[start:n, 0:start, start]  # roll, then close the cycle with the start node
    shift = np.r_[np.zeros(n - start), np.ones(start), [1.0]] * stride_length
    q = cyc["q"][order].copy()
    q[:, IX] += shift
    pick = {k: v[order] for k, v in cyc.items()}
    forces, points = forces[order], points[order]
    points = points.copy()
    points[:, 0, :] += shift[:, None]
    lmt, vmt = _geometry(model, q, pick["qd"])
    knobs = [solution.knobs[k] for k in model.knob_names]
    muscle = model.muscle_tendon.map(len(order))
    out = muscle(lmt.T, vmt.T, pick["a"].T, pick["ft"].T, pick["dft"].T, knobs)
    tendon_force, active, passive = (np.asarray(out[i]).T for i in (0, 4, 5))
    # the fibre's active and passive forces share its pull on the tendon in proportion. A fibre
    # shortening faster than its maximal velocity gets a negative active force from the
    # De Groote force-velocity curve's extrapolation; the passive part is then capped at the
    # whole tendon force.
    passive_share = np.clip(np.divide(passive, active + passive, out=np.zeros_like(passive),
                                      where=active + passive > 1e-9), 0.0, 1.0)
    grf, cop, torque = {}, {}, {}
    for side, mask in (("r", right), ("l", ~right)):
        f = forces[:, :, mask]  # nodes x 2 x spheres
        p = points[:, :, mask]
        total = f.sum(axis=2)
        fy = np.maximum(total[:, 1], 1e-9)
        x_cop = (f[:, 1, :] * p[:, 0, :]).sum(axis=1) / fy
        unloaded = total[:, 1] < 1.0  # no meaningful pressure centre: use the spheres' mean
        x_cop[unloaded] = p[unloaded, 0, :].mean(axis=1)
        # free moment about the COP on the floor: sum of (p - cop) x F, z component
        mz = ((p[:, 0, :] - x_cop[:, None]) * f[:, 1, :] - p[:, 1, :] * f[:, 0, :]).sum(axis=1)
        grf[side] = np.column_stack([total, np.zeros(len(order))])
        cop[side] = np.column_stack([x_cop, np.zeros((len(order), 2))])
        torque[side] = np.column_stack([np.zeros((len(order), 2)), mz])
    return FullStride(time=np.arange(len(order)) * step, q=q, qd=pick["qd"], qdd=pick["qdd"],
                      activation=pick["a"], muscle_force=tendon_force,
                      passive_muscle_force=tendon_force * passive_share,
                      max_isometric_force=_max_isometric_forces(model, solution.knobs),
                      fiber_length_norm=np.asarray(out[2]).T, grf=grf, cop=cop, torque=torque,
                      sphere_normal_force=forces[:, 1, :],
                      muscle_names=list(model.muscle_names), speed=solution.speed,
                      body_weight=solution.body_weight)


def _max_isometric_forces(model, knobs: dict[str, float]) -> np.ndarray:
    from sim.knobs import knobbed_parameters

    return np.array([float(knobbed_parameters(model.spec, m, knobs)["max_isometric_force"]) for m in model.muscles])


def _contact(model, q: np.ndarray, qd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sphere forces and application points, nodes x 2 x spheres."""
    n = q.shape[0]
    f, p, _ = model.contact.map(n)(q.T, qd.T)
    n_s = len(model.spheres)
    return (np.asarray(f).reshape(2, n, n_s).transpose(1, 0, 2),
            np.asarray(p).reshape(2, n, n_s).transpose(1, 0, 2))


def _geometry(model, q: np.ndarray, qd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lmt, vmt, _ = model.muscle_geometry.map(q.shape[0])(q.T, qd.T)
    return np.asarray(lmt).T, np.asarray(vmt).T
