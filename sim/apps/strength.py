"""The model's maximal isometric joint moments, muscle by muscle, and its passive ankle at measured limits.

``python -m sim.apps.strength [--adductors]`` prints, for the postures of common dynamometer
tests, the active moment each right-leg muscle adds at full activation (its tendon force at
activation 1 minus at rest, fibres isometric, compliant tendons in equilibrium with their fibres)
times its moment arm, and their sum (compare with in-vivo strength or with a fuller model:
docs/validation.md compares the hip flexors with Rajagopal et al.'s 2016 model); then the passive
ankle (resting muscles and the joint's stop) at the dorsiflexion that healthy adults reach under
body weight, where the load on the ankle is some tens of N m. ``--adductors`` adds the lumped
adductors of :func:`sim.apps.realism_diagnostics.with_hip_adductors`.
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


#: weight-bearing ankle dorsiflexion limits (deg) with the knee angle (deg) of the test: Baumbach et
#: al. 2014 (BMC Musculoskelet Disord 15:246; 20 adults), knee straight and flexed 75 deg; the lunge
#: of Calatayud et al. 2015 (Int J Sports Phys Ther 10:197; 26 men, knee flexed, about 75 deg assumed)
WEIGHT_BEARING_DORSIFLEXION = [
    ("weight-bearing, knee straight (Baumbach 2014: 25 [22-28] deg)", 25.0, 0.0),
    ("weight-bearing, knee flexed 75 (Baumbach 2014: 39 [36-42] deg)", 39.0, 75.0),
    ("weight-bearing lunge (Calatayud 2015: 40.6 +/- 5.2 deg)", 40.6, 75.0),
]


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
    print("passive ankle at measured dorsiflexion limits:")
    for label, dorsiflexion, knee in WEIGHT_BEARING_DORSIFLEXION:
        muscles, joint = passive_ankle(model, dorsiflexion, knee)
        print(f"  {label}: muscles {muscles:.0f} N m, joint {joint:.0f} N m")


if __name__ == "__main__":
    main()
