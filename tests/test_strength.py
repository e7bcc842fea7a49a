"""The strength app: maximal isometric moments from the simulation's own muscle model."""

import numpy as np
import pytest

from sim.apps.strength import maximal_moments, tendon_forces
from sim.cas.model import CasadiModel
from sim.model.geometry import COORDINATES


def test_the_hip_flexors_of_the_model_are_the_anatomical_ones(spec):
    model = CasadiModel(spec)
    flexors = maximal_moments(model, {"hip_flexion_r": -20.0}, "hip_flexion_r", 1)
    assert set(flexors) == {"iliacus_r", "psoas_r", "rect_fem_r"}
    extensors = maximal_moments(model, {}, "hip_flexion_r", -1)
    assert set(extensors) == {"glut_max_r", "hamstrings_r"}


def test_compliant_tendons_carry_what_their_fibres_pull(spec):
    """At full activation the soleus' tendon force is the fibre's (De Groote-Fregly equilibrium), below
    F_max at neutral ankle (the fibre sits on the ascending limb) and above its resting force."""
    model = CasadiModel(spec)
    q = np.zeros(len(COORDINATES))
    i = model.muscle_names.index("soleus_r")
    full, rest = tendon_forces(model, q, 1.0)[i], tendon_forces(model, q, 0.0)[i]
    assert rest < full < model.muscles[i].max_isometric_force
    # a rigid muscle's active force is F_max f_L(l) cos(alpha) at its fibre length
    from sim.cas.muscles import active_force_length

    j = model.muscle_names.index("vasti_r")
    vasti = model.muscles[j]
    lm_norm = float(np.asarray(model.muscle_tendon(model.muscle_geometry(q, q)[0], np.zeros(model.n_muscles),
                                                   np.ones(model.n_muscles), np.zeros(model.n_muscles),
                                                   np.zeros(model.n_muscles), model.knob_vector(None))[2])[j, 0])
    fibre = lm_norm * vasti.optimal_fiber_length
    cos_pennation = np.sqrt(fibre ** 2 - (vasti.optimal_fiber_length * np.sin(vasti.pennation_angle)) ** 2) / fibre
    expected = vasti.max_isometric_force * float(active_force_length(lm_norm)) * cos_pennation
    active = tendon_forces(model, q, 1.0)[j] - tendon_forces(model, q, 0.0)[j]
    assert active == pytest.approx(expected, rel=1e-9)


def test_the_passive_ankle_resists_dorsiflexion_with_the_joints_own_equation(spec):
    """At the weight-bearing limits the joint part is the model file's ankle moments added up (the form
    of Falisse et al., sign turned so that resisting dorsiflexion is positive), and resting muscles
    resist, never pull."""
    import math

    from sim.apps.strength import WEIGHT_BEARING_DORSIFLEXION, passive_ankle

    model = CasadiModel(spec)
    entries = [p for p in spec.passive_moments if p.coordinate == "ankle_angle"]
    assert {p.structure for p in entries} == {"joint", "capsule"}
    for _, dorsiflexion, knee in WEIGHT_BEARING_DORSIFLEXION:
        q = math.radians(dorsiflexion)
        expected = -sum(p.k1 * math.exp(p.k2 * (q - p.theta2)) + p.k3 * math.exp(p.k4 * (q - p.theta1))
                        for p in entries)
        muscles, joint = passive_ankle(model, dorsiflexion, knee)
        assert joint == pytest.approx(expected, rel=1e-9)
        assert muscles >= 0.0
