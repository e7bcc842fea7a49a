"""The stride problem's variables: named blocks of states and controls with their scales and bounds.

States ``x = [q, qd, activation, tendon_force]`` (coordinates, speeds, muscle activations,
normalized tendon forces of the compliant muscles); controls ``u = [acceleration,
activation_rate, tendon_force_rate, reserves]``. The NLP works on scaled values (physical /
scale, all of order one); bounds are stated in physical units here and scaled once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.spec import COORDINATES, ModelSpec
from sim.stride.trajectory import mirror_permutation

N_Q = len(COORDINATES)
#: activation and deactivation time constants (s) of the bounded activation dynamics (De Groote 2016)
TAU_ACT, TAU_DEACT = 0.015, 0.060
IX, IY = COORDINATES.index("pelvis_tx"), COORDINATES.index("pelvis_ty")
PELVIS = [0, IX, IY]
JOINTS = [i for i in range(N_Q) if i not in PELVIS]
ROTATIONAL = [i for i in range(N_Q) if i not in (IX, IY)]
#: pelvis_tilt bounds (deg): wide, so that they never shape a stride (metrics flag it if one does)
PELVIS_TILT_RANGE_DEG = (-40.0, 30.0)


def angle_bounds_deg(spec: ModelSpec) -> dict[str, tuple[float, float]]:
    """Bounds (deg) of the problem's angular coordinates: pelvis tilt and the joint ranges."""
    ranges = {j.coordinate: tuple(j.range_deg) for j in spec.joints_expanded()}
    return {"pelvis_tilt": PELVIS_TILT_RANGE_DEG, **{c: ranges[c] for c in COORDINATES if c in ranges}}


@dataclass(frozen=True)
class Block:
    """One named block of variables: element labels, scale and physical bounds per element."""

    name: str
    labels: list[str]
    scale: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    @property
    def size(self) -> int:
        return len(self.labels)


class Layout:
    """State and control blocks of one model, their order in x and u, and the mirror map of x."""

    def __init__(self, model, symmetric: bool):
        spec: ModelSpec = model.spec
        nq, nm = N_Q, model.n_muscles
        self.compliant = [i for i, c in enumerate(model.compliant) if c]
        compliant_names = [model.muscle_names[i] for i in self.compliant]
        nt = len(self.compliant)
        lq, uq = np.zeros(nq), np.zeros(nq)
        for c, bounds in angle_bounds_deg(spec).items():
            i = COORDINATES.index(c)
            lq[i], uq[i] = np.radians(bounds)
        lq[IX], uq[IX] = -0.5, 5.0
        lq[IY], uq[IY] = 0.6, 1.3
        sq = np.ones(nq)
        sq[IX] = 2.0
        sqd = np.full(nq, 10.0)
        sqd[IX], sqd[IY] = 4.0, 1.0
        lqd, uqd = np.full(nq, -30.0), np.full(nq, 30.0)
        lqd[IX], uqd[IX] = 0.0, 10.0
        lqd[IY], uqd[IY] = -3.0, 3.0
        sqdd = np.full(nq, 100.0)
        sqdd[IX], sqdd[IY] = 20.0, 20.0
        lqdd, uqdd = np.full(nq, -1500.0), np.full(nq, 1500.0)
        lqdd[[IX, IY]], uqdd[[IX, IY]] = -300.0, 300.0
        coords, muscles = list(COORDINATES), list(model.muscle_names)
        self.reserve_coordinates = [COORDINATES[j] for j in JOINTS]
        self.states = [
            Block("q", coords, sq, lq, uq),
            Block("qd", coords, sqd, lqd, uqd),
            Block("activation", muscles, np.ones(nm), np.full(nm, 0.01), np.ones(nm)),
            Block("tendon_force", compliant_names, np.ones(nt), np.zeros(nt), np.full(nt, 5.0)),
        ]
        self.controls = [
            Block("acceleration", coords, sqdd, lqdd, uqdd),
            Block("activation_rate", muscles, np.full(nm, 20.0), np.full(nm, -1 / TAU_DEACT), np.full(nm, 1 / TAU_ACT)),
            Block("tendon_force_rate", compliant_names, np.full(nt, 10.0), np.full(nt, -50.0), np.full(nt, 50.0)),
            Block("reserves", self.reserve_coordinates, np.full(len(JOINTS), 50.0), np.full(len(JOINTS), -300.0),
                  np.full(len(JOINTS), 300.0)),
        ]
        self.sx = np.concatenate([b.scale for b in self.states])
        self.su = np.concatenate([b.scale for b in self.controls])
        self.lbx_phys = np.concatenate([b.lower for b in self.states])
        self.ubx_phys = np.concatenate([b.upper for b in self.states])
        self.lbu_phys = np.concatenate([b.lower for b in self.controls])
        self.ubu_phys = np.concatenate([b.upper for b in self.controls])
        self.nx, self.nu = len(self.sx), len(self.su)
        self.slices = {**_slices(self.states), **_slices(self.controls)}
        #: the stride duration is a variable too, scaled by this (s)
        self.s_time = 0.5
        self.time_bounds = (0.12, 0.8) if symmetric else (0.25, 1.6)
        self.state_perm = self._mirror(model, symmetric, nq, nm)
        self.control_perm = self._mirror_controls(model, symmetric)

    def _mirror(self, model, symmetric: bool, nq: int, nm: int) -> list[int]:
        """Index map of x onto its mirror image (identity for a full stride)."""
        if not symmetric:
            return list(range(self.nx))
        cmap = mirror_permutation(list(COORDINATES))
        mmap = mirror_permutation(model.muscle_names)
        tmap = mirror_permutation([model.muscle_names[i] for i in self.compliant])
        perm = cmap + [nq + i for i in cmap]
        perm += [2 * nq + mmap[i] for i in range(nm)]
        perm += [2 * nq + nm + tmap[i] for i in range(len(self.compliant))]
        return perm

    def _mirror_controls(self, model, symmetric: bool) -> list[int]:
        """Index map of u onto its mirror image (identity for a full stride)."""
        if not symmetric:
            return list(range(self.nu))
        perm: list[int] = []
        maps = {"acceleration": mirror_permutation(list(COORDINATES)),
                "activation_rate": mirror_permutation(model.muscle_names),
                "tendon_force_rate": mirror_permutation([model.muscle_names[i] for i in self.compliant]),
                "reserves": mirror_permutation(self.reserve_coordinates)}
        start = 0
        for block in self.controls:
            perm += [start + i for i in maps[block.name]]
            start += block.size
        return perm

    def state_labels(self) -> list[str]:
        """One label per element of x, for diagnostics."""
        words = {"q": "{} (position)", "qd": "{} (speed)", "activation": "{} activation",
                 "tendon_force": "{} tendon force"}
        return [words[b.name].format(label) for b in self.states for label in b.labels]

    def control_labels(self) -> list[str]:
        """One label per element of u, for diagnostics."""
        words = {"acceleration": "{} acceleration", "activation_rate": "{} activation rate",
                 "tendon_force_rate": "{} tendon force rate", "reserves": "{} reserve"}
        return [words[b.name].format(label) for b in self.controls for label in b.labels]


def _slices(blocks: list[Block]) -> dict[str, slice]:
    out, start = {}, 0
    for b in blocks:
        out[b.name] = slice(start, start + b.size)
        start += b.size
    return out
