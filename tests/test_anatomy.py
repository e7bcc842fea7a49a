"""Anatomical sign test: every muscle acts in the anatomical direction at every joint it crosses,
over the range of postures of running, and at no joint it does not cross."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.cas.model import CasadiModel
from sim.model.spec import COORDINATES

# + : tension drives the coordinate positive (hip flexion, knee flexion, ankle dorsiflexion,
# lumbar extension); - : the opposite; "small": crosses the joint with a moment arm below
# SMALL_MOMENT_ARM either way (the psoas at the lumbar spine, Bogduk et al. 1992).
EXPECTED = {
    "hamstrings": {"hip_flexion": -1, "knee_angle": +1},
    "bifemsh": {"knee_angle": +1},
    "glut_max": {"hip_flexion": -1},
    "iliacus": {"hip_flexion": +1},
    "psoas": {"hip_flexion": +1, "lumbar_extension": "small"},
    "rect_fem": {"hip_flexion": +1, "knee_angle": -1},
    "vasti": {"knee_angle": -1},
    "gastroc": {"knee_angle": +1, "ankle_angle": -1},
    "soleus": {"ankle_angle": -1},
    "tib_ant": {"ankle_angle": +1},
    "ercspn": {"lumbar_extension": +1},
    "extobl": {"lumbar_extension": -1},
}
SMALL_MOMENT_ARM = 0.02  # m
POSTURES = list(itertools.product(np.radians([-30, 0, 45, 90]), np.radians([0, 40, 80, 120]),
                                  np.radians([-30, 0, 20]), np.radians([-20, 0, 20])))


@pytest.fixture(scope="module")
def arms(spec):
    model = CasadiModel(spec)
    rows = []
    for hip, knee, ankle, lumbar in POSTURES:
        q = np.zeros(len(COORDINATES))
        for side in "rl":
            q[COORDINATES.index(f"hip_flexion_{side}")] = hip
            q[COORDINATES.index(f"knee_angle_{side}")] = knee
            q[COORDINATES.index(f"ankle_angle_{side}")] = ankle
        q[COORDINATES.index("lumbar_extension")] = lumbar
        rows.append(np.array(model.muscle_geometry(q, np.zeros(len(COORDINATES)))[2]))
    return model.muscle_names, np.array(rows)


def test_every_muscle_is_in_the_table(spec):
    assert {m.name for m in spec.muscles} == set(EXPECTED)


@pytest.mark.parametrize("muscle", sorted(EXPECTED))
@pytest.mark.parametrize("side", ["r", "l"])
def test_moment_arm_signs(arms, muscle, side):
    names, moment_arms = arms
    i = names.index(f"{muscle}_{side}")
    for j, coordinate in enumerate(COORDINATES):
        base = coordinate[:-2] if coordinate.endswith(("_r", "_l")) else coordinate
        own_side = not coordinate.endswith(("_r", "_l")) or coordinate.endswith("_" + side)
        values = moment_arms[:, i, j]
        expected = EXPECTED[muscle].get(base, 0) if own_side else 0
        if expected == 0:
            assert np.allclose(values, 0.0, atol=1e-12), f"{muscle}_{side} acts on {coordinate}"
        elif expected == "small":
            assert np.all(np.abs(values) < SMALL_MOMENT_ARM) and np.ptp(values) > 0, (
                f"{muscle}_{side} at {coordinate}: moment arms {np.round(values * 1000, 1)} mm")
        else:
            # at least 5 mm in the anatomical direction in every running posture
            assert np.all(expected * values > 0.005), (
                f"{muscle}_{side} at {coordinate}: moment arms {np.round(values * 1000, 1)} mm")


def test_psoas_is_a_hip_flexor_not_a_lumbar_flexor(arms):
    """Psoas major exerts only very small moments on the lumbar spine (Bogduk et al. 1992): in the
    model it passes through the lumbar joint centre standing, and its lumbar moment arm stays well
    below its hip-flexion moment arm in every running posture."""
    names, moment_arms = arms
    i = names.index("psoas_r")
    lumbar = moment_arms[:, i, COORDINATES.index("lumbar_extension")]
    hip = moment_arms[:, i, COORDINATES.index("hip_flexion_r")]
    assert np.all(np.abs(lumbar) < 0.7 * hip)
    standing = [k for k, (h, kn, a, lum) in enumerate(POSTURES) if h == 0 and kn == 0 and a == 0 and lum == 0]
    assert abs(lumbar[standing[0]]) < 0.002
