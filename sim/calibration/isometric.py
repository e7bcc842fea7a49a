"""Muscles held still: tendon forces of isometric muscles (compliant tendons in equilibrium with their
fibres) and the resting muscles' and joint's passive ankle moment."""

from __future__ import annotations

import casadi as ca
import numpy as np

from sim.cas.model import CasadiModel
from sim.model.geometry import COORDINATES


def passive_ankle(model: CasadiModel, dorsiflexion_deg: float, knee_deg: float) -> tuple[float, float]:
    """Passive plantarflexion moment (N m, positive resists dorsiflexion) of the resting muscles and
    of the joint's passive moment at an ankle and knee angle."""
    q = np.zeros(len(COORDINATES))
    ankle = COORDINATES.index("ankle_angle_r")
    q[ankle] = np.radians(dorsiflexion_deg)
    q[COORDINATES.index("knee_angle_r")] = np.radians(knee_deg)
    arms = np.asarray(model.muscle_geometry(q, np.zeros_like(q))[2])[:, ankle]
    muscles = -float(arms @ tendon_forces(model, q, 0.0))
    joint = -float(np.asarray(model.passive_moments(q, np.zeros_like(q))).ravel()[ankle])
    return muscles, joint


def tendon_forces(model: CasadiModel, q: np.ndarray, activation: float) -> np.ndarray:
    """Tendon forces (N) of isometric muscles at ``activation``; compliant tendons in equilibrium
    with their fibres (the residual of :meth:`CasadiModel.muscle_tendon` solved for zero)."""
    n = model.n_muscles
    lmt, _, _ = model.muscle_geometry(q, np.zeros_like(q))
    knobs = model.knob_vector(None)
    act = np.full(n, activation)
    compliant = [i for i, c in enumerate(model.compliant) if c]
    unknown = ca.SX.sym("ft", len(compliant))
    ft = ca.SX.zeros(n)
    for k, i in enumerate(compliant):
        ft[i] = unknown[k]
    _, residual, *_ = model.muscle_tendon(lmt, np.zeros(n), act, ft, np.zeros(n), knobs)
    solve = ca.rootfinder("equilibrium", "newton", {"x": unknown, "g": residual[compliant]})
    ft_eq = np.zeros(n)
    ft_eq[compliant] = np.asarray(solve(np.full(len(compliant), 0.5), [])).ravel()
    force, residual_at, *_ = model.muscle_tendon(lmt, np.zeros(n), act, ft_eq, np.zeros(n), knobs)
    if np.max(np.abs(np.asarray(residual_at))) > 1e-9:
        raise RuntimeError("no tendon-fibre equilibrium found")
    return np.asarray(force).ravel()
