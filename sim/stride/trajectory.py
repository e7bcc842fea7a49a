"""One Trajectory: a stride (or half stride) as nodes in time with named quantities, SI units.

The solver returns one (the half stride of a symmetric problem, or a full stride), the run
folder stores it (``solution.npz``) and reads it back, and :meth:`Trajectory.full_stride`
turns it into one gait cycle from right heel strike with everything the analyses need
(muscle forces and their passive part, fibre lengths, ground reaction forces, centres of
pressure, free moments), recomputed from the states with the CasADi model the optimizer used.
The same class holds a full stride read back from a run folder's OpenSim files
(:meth:`sim.results.runfolder.RunFolder.full_stride`), which is what the figures draw.

Dimensions: ``time`` (nodes), ``coordinate`` (:data:`sim.model.spec.COORDINATES`), ``muscle``
(:attr:`muscles`), ``compliant muscle`` (:attr:`compliant_muscles`), ``reserve``
(:attr:`reserve_coordinates`), ``contact sphere``; ground reaction forces are per side
(``"r"``, ``"l"``), nodes x 3 (x forward, y up, z), on the foot, in the ground frame.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np

from sim.io.atomic import atomic_file
from sim.model.spec import COORDINATES
from sim.stride.classify import CONTACT_THRESHOLD

IX = COORDINATES.index("pelvis_tx")
SIDES = ("r", "l")


def mirror_permutation_name(name: str) -> str:
    """The other side's name: ``hip_flexion_r`` <-> ``hip_flexion_l``; side-free names unchanged."""
    return name[:-2] + ("_l" if name.endswith("_r") else "_r") if name.endswith(("_r", "_l")) else name


def mirror_permutation(names: list[str]) -> list[int]:
    """Index map that swaps the ``_r`` and ``_l`` members of ``names``."""
    return [names.index(mirror_permutation_name(n)) for n in names]


@dataclass
class Trajectory:
    """Nodes x quantities of one stride or half stride (SI units; angles in rad).

    Quantities that a source does not provide are None: a solver trajectory has no fibre
    lengths, a trajectory read from OpenSim files no tendon-force states.
    """

    time: np.ndarray
    q: np.ndarray  # nodes x coordinate
    qd: np.ndarray
    qdd: np.ndarray | None
    activation: np.ndarray  # nodes x muscle
    muscles: list[str]
    speed: float
    body_weight: float  # N
    knobs: dict[str, float] = field(default_factory=dict)
    #: True: the half stride of a left-right symmetric solve (its mirror image completes the cycle)
    half_stride: bool = False
    # solver variables (a solved trajectory)
    tendon_force_norm: np.ndarray | None = None  # nodes x compliant muscle (normalized)
    activation_rate: np.ndarray | None = None  # nodes x muscle, 1/s
    tendon_force_rate: np.ndarray | None = None  # nodes x compliant muscle, 1/s
    reserves: np.ndarray | None = None  # nodes x reserve coordinate, N m
    compliant_muscles: list[str] = field(default_factory=list)
    reserve_coordinates: list[str] = field(default_factory=list)
    # forces
    muscle_force: np.ndarray | None = None  # nodes x muscle: tendon force, N
    grf: dict[str, np.ndarray] | None = None  # side -> nodes x 3, N
    # derived over a full stride
    passive_muscle_force: np.ndarray | None = None  # the passive fibre force's part of the tendon force, N
    max_isometric_force: np.ndarray | None = None  # per muscle, knobs applied, N
    fiber_length_norm: np.ndarray | None = None  # nodes x muscle
    cop: dict[str, np.ndarray] | None = None  # side -> nodes x 3 centre of pressure on the floor, m
    torque: dict[str, np.ndarray] | None = None  # side -> nodes x 3 free moment about the COP, N m
    sphere_normal_force: np.ndarray | None = None  # nodes x contact sphere (the model's order), N
    coordinates: list[str] = field(default_factory=lambda: list(COORDINATES))

    # ------------------------------------------------------------------ timing
    @property
    def n_nodes(self) -> int:
        return len(self.time)

    @property
    def duration(self) -> float:
        """Duration of the nodes (half the stride for a half stride), s."""
        return float(self.time[-1] - self.time[0])

    @property
    def stride_time(self) -> float:
        return 2 * self.duration if self.half_stride else self.duration

    @property
    def stride_length(self) -> float:
        return self.speed * self.stride_time

    @property
    def cadence(self) -> float:
        """Steps per minute (two steps per stride)."""
        return 2 * 60.0 / self.stride_time

    @property
    def cycle_percent(self) -> np.ndarray:
        """Percent of the stride at each node."""
        return 100.0 * (self.time - self.time[0]) / self.stride_time

    # ------------------------------------------------------------------ access
    def column(self, coordinate: str) -> np.ndarray:
        """The values of one coordinate (rad or m) at every node."""
        return self.q[:, self.coordinates.index(coordinate)]

    def contact(self, side: str) -> np.ndarray:
        """Whether ``side``'s foot carries more than :data:`CONTACT_THRESHOLD` at each node."""
        return self.grf[side][:, 1] > CONTACT_THRESHOLD

    def full_stride_grf(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Time and vertical GRF of right and left foot over one full stride (N)."""
        right, left = self.grf["r"][:, 1], self.grf["l"][:, 1]
        if not self.half_stride:
            return self.time, right, left
        t = np.concatenate([self.time, self.time[1:] + self.duration])
        return t, np.concatenate([right, left[1:]]), np.concatenate([left, right[1:]])

    def as_guess(self):
        """This trajectory as an initial guess (a warm start) for the stride problem."""
        from sim.stride.guess import StrideGuess

        return StrideGuess(self.duration, self.q, self.qd, self.qdd, self.activation, self.tendon_force_norm,
                           self.activation_rate, self.tendon_force_rate, self.reserves, info={"source": "solution"})

    def mirrored(self) -> Trajectory:
        """The same stride seen from the other side: left and right swapped in every quantity
        (states, controls, knobs), so that right-side analyses of the result describe the left leg.
        For a solver trajectory; :meth:`full_stride` of the result starts at left heel strike."""
        cmap = mirror_permutation(list(self.coordinates))
        mmap = mirror_permutation(self.muscles)

        def swap(array: np.ndarray | None, perm: list[int]) -> np.ndarray | None:
            return None if array is None else array[:, perm]

        return replace(
            self, q=swap(self.q, cmap), qd=swap(self.qd, cmap), qdd=swap(self.qdd, cmap),
            activation=swap(self.activation, mmap), activation_rate=swap(self.activation_rate, mmap),
            tendon_force_norm=swap(self.tendon_force_norm, mirror_permutation(self.compliant_muscles)),
            tendon_force_rate=swap(self.tendon_force_rate, mirror_permutation(self.compliant_muscles)),
            reserves=swap(self.reserves, mirror_permutation(self.reserve_coordinates)),
            knobs={mirror_permutation_name(k): v for k, v in self.knobs.items()},
            muscle_force=None, grf=None, passive_muscle_force=None, max_isometric_force=None,
            fiber_length_norm=None, cop=None, torque=None, sphere_normal_force=None)

    def joint_moments(self, model) -> dict[str, np.ndarray]:
        """Generalized moments (nodes x coordinates, N m) of the muscles' tendon forces and of the
        passive joint moments, their ``total``, and the moment ``arms`` (muscle x node x coordinate)."""
        n = len(self.time)
        _, _, arms = model.muscle_geometry.map(n)(self.q.T, self.qd.T)
        arms = np.asarray(arms).reshape(model.n_muscles, n, len(COORDINATES))
        muscle = np.einsum("mnc,nm->nc", arms, self.muscle_force)
        passive = np.asarray(model.passive_moments.map(n)(self.q.T, self.qd.T)).T
        return {"total": muscle + passive, "muscle": muscle, "passive": passive, "arms": arms}

    # ------------------------------------------------------------------ the full stride
    def full_stride(self, model) -> Trajectory:
        """One gait cycle from right heel strike, every derived quantity recomputed with ``model``.

        A half stride is completed by its mirror image (left and right swapped, pelvis advanced
        by half the stride length); the last node closes the cycle (it repeats the first one
        stride later).
        """
        cyc = self._cyclic_states(model)
        n = cyc["q"].shape[0]
        step = self.duration / (self.n_nodes - 1)
        stride_length = self.speed * step * n
        forces, points = _contact(model, cyc["q"], cyc["qd"])
        right = np.array([s.name.endswith("_r") for s in model.spheres])
        on = forces[:, 1, right].sum(axis=1) > CONTACT_THRESHOLD
        strikes = np.flatnonzero(on & ~np.roll(on, 1))
        start = int(strikes[0]) if len(strikes) else 0
        order = np.r_[start:n, 0:start, start]  # roll, then close the cycle with the start node
        shift = np.r_[np.zeros(n - start), np.ones(start), [1.0]] * stride_length
        q = cyc["q"][order].copy()
        q[:, IX] += shift
        pick = {k: v[order] for k, v in cyc.items()}
        forces, points = forces[order], points[order].copy()
        points[:, 0, :] += shift[:, None]
        lmt, vmt = _geometry(model, q, pick["qd"])
        knobs = model.knob_vector(self.knobs)
        out = model.muscle_tendon.map(len(order))(lmt.T, vmt.T, pick["a"].T, pick["ft"].T, pick["dft"].T, knobs)
        tendon_force, active, passive = (np.asarray(out[i]).T for i in (0, 4, 5))
        # the fibre's active and passive forces share its pull on the tendon in proportion. A fibre
        # shortening faster than its maximal velocity gets a negative active force from the
        # De Groote force-velocity curve's extrapolation; the passive part is then capped at the
        # whole tendon force.
        passive_share = np.clip(np.divide(passive, active + passive, out=np.zeros_like(passive),
                                          where=active + passive > 1e-9), 0.0, 1.0)
        grf, cop, torque = {}, {}, {}
        for side, mask in (("r", right), ("l", ~right)):
            f, p = forces[:, :, mask], points[:, :, mask]  # nodes x 2 x spheres
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
        compliant = [i for i, c in enumerate(model.compliant) if c]
        return Trajectory(
            time=np.arange(len(order)) * step, q=q, qd=pick["qd"], qdd=pick["qdd"], activation=pick["a"],
            muscles=list(model.muscle_names), speed=self.speed, body_weight=self.body_weight, knobs=dict(self.knobs),
            half_stride=False, tendon_force_norm=pick["ft"][:, compliant],
            tendon_force_rate=pick["dft"][:, compliant], compliant_muscles=[model.muscle_names[i] for i in compliant],
            muscle_force=tendon_force, grf=grf, passive_muscle_force=tendon_force * passive_share,
            max_isometric_force=_max_isometric_forces(model, self.knobs), fiber_length_norm=np.asarray(out[2]).T,
            cop=cop, torque=torque, sphere_normal_force=forces[:, 1, :])

    def _cyclic_states(self, model) -> dict[str, np.ndarray]:
        """States of one stride on a uniform grid without the closing node (node k+1 follows k)."""
        q, qd, qdd, a = self.q, self.qd, self.qdd, self.activation
        compliant = [i for i, c in enumerate(model.compliant) if c]
        ft = np.full((q.shape[0], model.n_muscles), 0.0)
        ft[:, compliant] = self.tendon_force_norm
        dft = np.zeros_like(ft)
        dft[:, compliant] = self.tendon_force_rate
        arrays = {"q": q[:-1], "qd": qd[:-1], "qdd": qdd[:-1], "a": a[:-1], "ft": ft[:-1], "dft": dft[:-1]}
        if not self.half_stride:
            return arrays
        cmap = mirror_permutation(list(self.coordinates))
        mmap = mirror_permutation(model.muscle_names)
        second = {"q": q[:-1][:, cmap].copy(), "qd": qd[:-1][:, cmap], "qdd": qdd[:-1][:, cmap],
                  "a": a[:-1][:, mmap], "ft": ft[:-1][:, mmap], "dft": dft[:-1][:, mmap]}
        second["q"][:, IX] += self.speed * self.duration
        return {k: np.vstack([arrays[k], second[k]]) for k in arrays}

    # ------------------------------------------------------------------ files
    def save(self, path: str | Path) -> Path:
        """Write every quantity to one ``.npz`` file (atomically); :meth:`load` reads it back."""
        arrays, meta = {}, {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                arrays[_NPZ_KEYS.get(f.name, f.name)] = value
            elif isinstance(value, dict) and value and isinstance(next(iter(value.values())), np.ndarray):
                for side, array in value.items():
                    arrays[f"{f.name}_{side}"] = array
            elif value is not None:
                meta[f.name] = value
        with atomic_file(path) as tmp, open(tmp, "wb") as handle:
            np.savez(handle, **arrays, duration=self.duration, speed=self.speed, symmetric=self.half_stride,
                     metadata=json.dumps(meta))
        return Path(path)

    @classmethod
    def load(cls, path: str | Path, muscles: list[str] | None = None, body_weight: float | None = None,
             knobs: dict[str, float] | None = None) -> Trajectory:
        """Read a trajectory written by :meth:`save`. Files without metadata (older solution.npz)
        take ``muscles``, ``body_weight`` and ``knobs`` from the caller."""
        with np.load(path) as data:
            arrays = {k: data[k] for k in data.files}
        meta = json.loads(str(arrays.pop("metadata"))) if "metadata" in arrays else {}
        names = {_NPZ_KEYS.get(f.name, f.name): f.name for f in fields(cls)}
        values: dict = {"half_stride": bool(arrays.pop("symmetric")), "speed": float(arrays.pop("speed")),
                        "muscles": muscles, "body_weight": body_weight, "knobs": knobs or {}}
        arrays.pop("duration", None)
        for key, array in arrays.items():
            side = key[-1]
            if key[:-2] in ("grf", "cop", "torque") and key[-2] == "_" and side in SIDES:
                values.setdefault(key[:-2], {})[side] = array
            elif key in names:
                values[names[key]] = array
        if values.get("grf") is not None and values["grf"]["r"].shape[1] == 2:  # (x, y) as the solver gives
            values["grf"] = {s: np.column_stack([g, np.zeros(len(g))]) for s, g in values["grf"].items()}
        values.update(meta)
        return cls(**values)

    def with_time_shift(self, seconds: float) -> Trajectory:
        """The same trajectory starting ``seconds`` later (for cycles laid end to end)."""
        return replace(self, time=self.time + seconds)


#: solution.npz keys of the solver variables (kept short, as warm starts have always read them)
_NPZ_KEYS = {"activation": "a", "tendon_force_norm": "ft", "activation_rate": "da", "tendon_force_rate": "dft",
             "muscle_force": "muscle_forces"}


def _max_isometric_forces(model, knobs: dict[str, float]) -> np.ndarray:
    from sim.model.knobs import knobbed_parameters

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
