"""The whole-ankle passive fit against Silder et al. (2007) and the weight-bearing range."""

from __future__ import annotations

import math

import numpy as np
import pytest


@pytest.fixture(scope="module")
def fit(spec):
    from sim.calibration.passive_ankle import whole_ankle_fit

    return whole_ankle_fit(spec)


def test_the_model_file_follows_the_whole_ankle_rule(spec, fit):
    """The gastrocnemius' strain, the one-joint tissues and the stop's onset are the rule's output."""
    from sim.calibration.passive_ankle import ANKLE_PASSIVE_RULE, ankle_joint_entry

    gastroc = next(m for m in spec.muscles if m.name == "gastroc")
    tissues = next(p for p in spec.passive_moments if p.coordinate == "ankle_angle" and p.structure == "capsule")
    stop = ankle_joint_entry(spec)
    assert gastroc.passive_strain_source == tissues.source == stop.source == ANKLE_PASSIVE_RULE
    assert gastroc.passive_fiber_strain_at_one_norm_force == pytest.approx(fit.gastrocnemius_strain, rel=1e-4)
    assert (-tissues.k1, tissues.k2) == (pytest.approx(fit.scale, rel=1e-4), pytest.approx(fit.stiffness, rel=1e-4))
    assert stop.theta2 == pytest.approx(fit.stop_onset, rel=1e-4)


def test_the_fitted_ankle_follows_the_measured_curves_at_every_knee_angle(spec, fit):
    """Muscles plus joint within Silder et al.'s own fit quality (2.5 N m RMS) at knee 0, 15, 60 and 110 deg."""
    from sim.calibration.passive_ankle import SILDER_2007_ANKLE

    assert set(fit.rms_by_knee) == set(SILDER_2007_ANKLE)
    assert max(fit.rms_by_knee.values()) < 2.5


def test_the_knee_dependence_comes_from_the_gastrocnemius(spec, fit):
    """With the knee straight the stretched gastrocnemius makes the ankle several times stiffer than
    with the knee flexed, as measured (40 vs 10 N m at 20 deg of dorsiflexion); the gastrocnemius
    carries that difference, the one-joint tissues do not depend on the knee."""
    from sim.calibration.passive_ankle import PassiveAnkle

    passive = PassiveAnkle(fit.apply(spec))
    straight, flexed = passive.moments(20.0, 0.0), passive.moments(20.0, 60.0)
    assert sum(straight) < 3 * sum(flexed) < 0  # negative: resisting dorsiflexion
    assert straight[1] == pytest.approx(flexed[1])  # the joint's part
    assert fit.gastrocnemius_strain < 2.0  # stiffer than the passive range-of-motion rule's fibres


def test_the_fitted_ankle_stiffens_monotonically_into_dorsiflexion(spec, fit):
    from sim.calibration.passive_ankle import PassiveAnkle

    passive = PassiveAnkle(fit.apply(spec))
    for knee in (0.0, 45.0, 90.0):
        totals = [passive.total(a, knee) for a in np.arange(-30.0, 42.0, 3.0)]
        assert all(np.diff(totals) < 0), knee


def test_the_stop_resists_a_lunge_at_the_weight_bearing_range(spec, fit):
    """The dorsiflexion stop's onset puts the lunge's load at the mean weight-bearing lunge angle;
    out of sample, the knee-straight weight-bearing limit (Baumbach 2014: 25 deg) meets a load of the
    same size (20-80 N m), where Falisse's stop (onset 30 deg) and slack muscles give single figures."""
    from sim.calibration.passive_ankle import LUNGE_LOAD_NM, LUNGE_POSTURE_DEG, PassiveAnkle

    passive = PassiveAnkle(fit.apply(spec))
    assert -passive.total(*LUNGE_POSTURE_DEG) == pytest.approx(LUNGE_LOAD_NM, abs=0.01)
    assert math.radians(25.0) < fit.stop_onset < math.radians(LUNGE_POSTURE_DEG[0])
    assert 20.0 < -passive.total(25.0, 0.0) < 80.0


def test_applying_the_fit_twice_keeps_one_entry_per_structure(spec, fit):
    twice = fit.apply(fit.apply(spec))
    ankle = [p.structure for p in twice.passive_moments if p.coordinate == "ankle_angle"]
    assert sorted(ankle) == ["capsule", "joint"]
    gastroc = next(m for m in twice.muscles if m.name == "gastroc")
    assert gastroc.passive_fiber_strain_at_one_norm_force == pytest.approx(fit.gastrocnemius_strain)
