"""Path constraints of the stride problem: one object per kind, its rows labelled when it is added.

A path constraint holds at every mesh node: ``lower <= expression(node) <= upper``, row by row.
The transcription lays them out and keeps every row's label with its node, so failure
diagnostics name the violated constraint directly (:mod:`sim.stride.diagnostics`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import casadi as ca
import numpy as np

from sim.model.spec import COORDINATES
from sim.stride.node import NodeContext
from sim.stride.variables import JOINTS, N_Q, TAU_ACT, TAU_DEACT


@dataclass
class PathConstraint:
    """Rows ``labels[i]``: ``lower[i] <= expression(node)[i] <= upper[i]`` at every node."""

    name: str
    labels: list[str]
    lower: np.ndarray
    upper: np.ndarray
    expression: Callable[[NodeContext], ca.SX]

    @property
    def is_equality(self) -> bool:
        return bool(np.all(self.lower == self.upper))

    @property
    def size(self) -> int:
        return len(self.labels)


def _rows(n: int, value: float) -> np.ndarray:
    return np.full(n, value)


def skeletal_dynamics() -> PathConstraint:
    """Implicit skeletal dynamics: the generalized forces the motion needs, less muscles, passive
    moments and contact, are zero on the pelvis and equal the (penalized) reserves on joints."""

    def residual(node: NodeContext) -> ca.SX:
        m = node.model
        # the sum of CasadiModel.residual_forces, composed here to reuse the node's muscle forces
        tau = (m.skeleton_inverse_dynamics(node.q, node.qd, node.qdd) - m.passive_moments(node.q, node.qd)
               - node.contact_generalized - node.moment_arms.T @ node.muscle_force)
        applied = ca.SX.zeros(N_Q)
        applied[JOINTS] = node.reserves
        return (tau - applied) / 100.0

    labels = [f"dynamics residual at {c}" for c in COORDINATES]
    return PathConstraint("skeletal dynamics", labels, _rows(N_Q, 0.0), _rows(N_Q, 0.0), residual)


def tendon_equilibrium(model, compliant: list[int]) -> PathConstraint:
    """Implicit tendon dynamics: the Hill equilibrium of each compliant muscle holds."""
    labels = [f"Hill equilibrium of {model.muscle_names[i]}" for i in compliant]
    return PathConstraint("tendon equilibrium", labels, _rows(len(labels), 0.0), _rows(len(labels), 0.0),
                          lambda node: ca.vertcat(*[node.hill_residual[i] for i in compliant]))


def activation_rise(model) -> PathConstraint:
    """Activation dynamics as a bounded derivative: da/dt <= (1 - a) / tau_act (De Groote 2016)."""
    labels = [f"activation rise bound of {m}" for m in model.muscle_names]
    n = len(labels)
    return PathConstraint("activation rise", labels, _rows(n, -np.inf), _rows(n, 0.0),
                          lambda node: node.da * TAU_ACT - (1 - node.a))


def activation_decay(model) -> PathConstraint:
    """... and da/dt >= -a / tau_deact."""
    labels = [f"activation decay bound of {m}" for m in model.muscle_names]
    n = len(labels)
    return PathConstraint("activation decay", labels, _rows(n, 0.0), _rows(n, np.inf),
                          lambda node: node.da * TAU_DEACT + node.a)


def loaded_slip_limit(model, max_slip: float) -> PathConstraint:
    """A loaded contact sphere slides at most ``max_slip`` (m/s): normal force (BW) x (slip^2 -
    max^2) <= 0 at each sphere, so a sphere in the air (its smooth normal force vanishing) is free.
    On by default (:data:`sim.stride.problem.DEFAULT_MAX_LOADED_SLIP`)."""
    labels = [f"no-skid limit of {s.name}" for s in model.spheres]
    n = len(labels)
    return PathConstraint("no-skid limit", labels, _rows(n, -np.inf), _rows(n, 0.0),
                          lambda node: (node.normal_force_bw * (node.slip ** 2 - max_slip ** 2)).T)


def loaded_slip_load_limit(model, max_product: float) -> PathConstraint:
    """A sphere's slip times its normal force (BW) stays below ``max_product`` (BW m/s):
    (force x slip)^2 <= max^2, so a lightly loaded sphere may slide fast and a heavily loaded one
    hardly at all, as the measured heel (sim/apps/touchdown.py). A diagnostic alternative to
    :func:`loaded_slip_limit`, off by default (it lets a sphere with a small share of the load skid)."""
    labels = [f"slip-load limit of {s.name}" for s in model.spheres]
    n = len(labels)
    return PathConstraint("slip-load limit", labels, _rows(n, -np.inf), _rows(n, 0.0),
                          lambda node: ((node.normal_force_bw * node.slip) ** 2 - max_product ** 2).T)
