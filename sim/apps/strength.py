"""The model's maximal isometric joint moments: what each muscle adds at full activation, by posture.

``python -m sim.apps.strength [--adductors]`` prints, for the postures of common dynamometer
tests, the active moment each right-leg muscle adds at full activation (its tendon force at
activation 1 minus at rest, fibres isometric, compliant tendons in equilibrium with their fibres)
times its moment arm, and their sum. Compare with in-vivo strength or with a fuller model
(docs/validation.md compares the hip flexors with Rajagopal et al.'s 2016 model).
``--adductors`` adds the lumped adductors of :func:`sim.apps.realism_diagnostics.with_hip_adductors`.
"""

from __future__ import annotations

import argparse

import casadi as ca
import numpy as np

from sim.cas.model import CasadiModel
from sim.model.geometry import COORDINATES

#: (label, posture in degrees, coordinate, direction of the moment: +1 the coordinate's positive sense)
TESTS = [
    ("hip flexion, hip 0, knee 0", {}, "hip_flexion_r", 1),
    ("hip flexion, hip -20 (extended), knee 0", {"hip_flexion_r": -20.0}, "hip_flexion_r", 1),
    ("hip flexion, hip 30, knee 90", {"hip_flexion_r": 30.0, "knee_angle_r": 90.0}, "hip_flexion_r", 1),
    ("hip extension, hip 0, knee 0", {}, "hip_flexion_r", -1),
    ("hip extension, hip 30, knee 0", {"hip_flexion_r": 30.0}, "hip_flexion_r", -1),
    ("knee extension, hip 90, knee 60", {"hip_flexion_r": 90.0, "knee_angle_r": 60.0}, "knee_angle_r", -1),
    ("ankle plantarflexion, ankle 0, knee 0", {}, "ankle_angle_r", -1),
    ("ankle plantarflexion, ankle 10 dorsiflexed, knee 0", {"ankle_angle_r": 10.0}, "ankle_angle_r", -1),
]


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


def maximal_moments(model: CasadiModel, posture_deg: dict[str, float], coordinate: str,
                    direction: int) -> dict[str, float]:
    """Active moment (N m, in ``direction``) of each right-leg muscle that adds to it at full activation."""
    q = np.zeros(len(COORDINATES))
    for name, value in posture_deg.items():
        q[COORDINATES.index(name)] = np.radians(value)
    _, _, arms = model.muscle_geometry(q, np.zeros_like(q))
    arm = np.asarray(arms)[:, COORDINATES.index(coordinate)]
    active = tendon_forces(model, q, 1.0) - tendon_forces(model, q, 0.0)
    moments = direction * arm * active
    return {name: float(m) for name, m in zip(model.muscle_names, moments, strict=True)
            if name.endswith("_r") and m > 0.5}


def main() -> None:
    from sim.apps.realism_diagnostics import variant

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adductors", action="store_true", help="add the lumped adductor longus and brevis")
    args = parser.parse_args()
    model = CasadiModel(variant(adductors=args.adductors))
    for label, posture, coordinate, direction in TESTS:
        parts = maximal_moments(model, posture, coordinate, direction)
        print(f"{label}: {sum(parts.values()):.0f} N m ("
              + ", ".join(f"{name} {value:.0f}" for name, value in parts.items()) + ")")


if __name__ == "__main__":
    main()
