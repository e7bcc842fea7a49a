"""The model's maximal isometric joint moments, muscle by muscle, and its passive ankle at measured limits.

``python -m sim.apps.strength [--adductors]`` prints, for the postures of common dynamometer
tests, the active moment each right-leg muscle adds at full activation (its tendon force at
activation 1 minus at rest, fibres isometric, compliant tendons in equilibrium with their fibres)
times its moment arm, and their sum (compare with in-vivo strength or with a fuller model:
docs/validation.md compares the hip flexors with Rajagopal et al.'s 2016 model); then the passive
ankle (resting muscles and the joint's passive moments) at the dorsiflexion that healthy adults
reach under body weight, where the load on the ankle is some tens of N m. ``--adductors`` adds
the lumped adductors of :func:`sim.apps.realism_diagnostics.with_hip_adductors`.
"""

from __future__ import annotations

import argparse

import numpy as np

from sim.calibration.isometric import passive_ankle, tendon_forces
from sim.calibration.passive_ankle import WEIGHT_BEARING_DORSIFLEXION
from sim.cas.model import CasadiModel
from sim.model.geometry import COORDINATES

__all__ = ["TESTS", "WEIGHT_BEARING_DORSIFLEXION", "maximal_moments", "passive_ankle", "tendon_forces"]

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
