"""The perturbed models of the study's robustness check: what each perturbation changes, and that a
perturbed model changing a claim the other way makes the verdict not resolved."""

from __future__ import annotations

import pytest

from sim.model.spec import MODELS_DIR, ModelSpecError
from sim.model.uncertainty import load_perturbations, perturbation_label, perturbed_spec


def test_every_perturbation_of_the_model_file_names_its_evidence_and_changes_only_its_values(spec):
    perturbations = load_perturbations()
    assert set(perturbations) == {"passive_hip", "tendon_slack_lengths", "contact_stiffness"}
    for name, perturbation in perturbations.items():
        assert len(perturbation.source) > 100, name  # the evidence, not a label
        for factor in perturbation.factors:
            changed = perturbed_spec(spec, perturbation, factor)
            assert changed.fingerprint() != spec.fingerprint(), perturbation_label(name, factor)
            before, after = spec.model_dump(), changed.model_dump()
            differing = {key for key in before if before[key] != after[key]}
            assert differing == {{"hip_capsule_moment": "passive_moments", "tendon_slack_lengths": "muscles",
                                  "contact_stiffness": "contact"}[perturbation.acts_on]}, name


def test_perturbations_scale_exactly_their_values(spec):
    perturbations = load_perturbations()
    capsule = perturbed_spec(spec, perturbations["passive_hip"], 1.2)
    hip = [p for p in capsule.passive_moments if p.coordinate == "hip_flexion" and p.structure == "capsule"]
    original = [p for p in spec.passive_moments if p.coordinate == "hip_flexion" and p.structure == "capsule"]
    assert hip[0].k3 == pytest.approx(1.2 * original[0].k3) and hip[0].k4 == original[0].k4
    slack = perturbed_spec(spec, perturbations["tendon_slack_lengths"], 0.98)
    for a, b in zip(spec.muscles, slack.muscles, strict=True):
        assert b.tendon_slack_length == pytest.approx(0.98 * a.tendon_slack_length)
        assert b.optimal_fiber_length == a.optimal_fiber_length
    contact = perturbed_spec(spec, perturbations["contact_stiffness"], 0.326)
    assert contact.contact.stiffness == pytest.approx(0.326 * spec.contact.stiffness)
    assert contact.contact.dissipation == spec.contact.dissipation


def test_a_bad_uncertainty_file_names_the_field(tmp_path):
    bad = tmp_path / "uncertainty.toml"
    bad.write_text('[perturbations.x]\nacts_on = "hip_capsule_moment"\nfactors = [1.0]\n'
                   'description = "d"\nsource = "a source"\n')
    with pytest.raises(ModelSpecError, match=r"\[perturbations\.x\]:\n  factors: .*allowed range"):
        load_perturbations(bad)
    bad.write_text('[perturbations.y]\nacts_on = "tendon_stiffness"\nfactors = [0.9]\ndescription = "d"\nsource = "src"\n')
    with pytest.raises(ModelSpecError, match="acts_on"):
        load_perturbations(bad)


def test_a_perturbed_model_that_reverses_the_change_leaves_the_claim_not_resolved():
    from sim.apps.claim_study import evaluate_claim
    from sim.apps.claims import CLAIMS_BY_NAME, NOT_RESOLVED, SUPPORTED

    claim = CLAIMS_BY_NAME["hip_extension_at_push_off"]  # claimed to fall with tight hip flexors
    line = [[{claim.quantity: v, "peak_swing_knee_flexion_deg": 85.0}] for v in (31.5, 30.0, 29.1, 28.0, 27.1)]
    knob = [1.0, 2.0, 3.0, 4.0, 5.0]

    def ends(healthy, far):
        return ([{claim.quantity: healthy}], [{claim.quantity: far}] if far is not None else [])

    agreeing = {"passive_hip_x0.8": ends(30.0, 27.0), "contact_stiffness_x3.07": ends(31.0, 28.5)}
    row = evaluate_claim(claim, line, knob, None, perturbed=agreeing)
    assert row["verdict"] == SUPPORTED
    assert row["checks"]["perturbed_models"] == {"passive_hip_x0.8": pytest.approx(-3.0),
                                                 "contact_stiffness_x3.07": pytest.approx(-2.5)}
    reversed_ = evaluate_claim(claim, line, knob, None, perturbed=agreeing | {"tendon_slack_lengths_x1.02": ends(28, 29)})
    assert reversed_["verdict"] == NOT_RESOLVED and "1 of 3" in reversed_["reason"]
    lost = evaluate_claim(claim, line, knob, None, perturbed=agreeing | {"passive_hip_x1.2": ends(30.0, None)})
    assert lost["verdict"] == NOT_RESOLVED and lost["checks"]["perturbed_models"]["passive_hip_x1.2"] is None
    assert evaluate_claim(claim, line, knob, None)["checks"]["perturbed_models"] == "not run"


def test_the_perturbations_together_are_every_combination_of_their_factors(spec, tmp_path):
    from sim.model.uncertainty import model_label, model_spec, perturbed_models

    perturbations = load_perturbations()
    models = perturbed_models()
    singles, combined = [m for m in models if len(m) == 1], [m for m in models if len(m) > 1]
    assert len(singles) == sum(len(p.factors) for p in perturbations.values()) == 6
    assert len(combined) == 8 and len({model_label(m) for m in models}) == len(models)
    assert all([name for name, _ in m] == list(perturbations) for m in combined)
    low = next(m for m in combined if all(f < 1 for _, f in m))
    changed = model_spec(spec, low, perturbations)  # each group scaled by its own factor, together
    capsule = next(p for p in spec.passive_moments if p.coordinate == "hip_flexion" and p.structure == "capsule")
    assert next(p for p in changed.passive_moments if p.coordinate == "hip_flexion"
                and p.structure == "capsule").k3 == pytest.approx(0.8 * capsule.k3)
    assert [m.tendon_slack_length for m in changed.muscles] == pytest.approx(
        [0.98 * m.tendon_slack_length for m in spec.muscles])
    assert changed.contact.stiffness == pytest.approx(0.326 * spec.contact.stiffness)
    assert model_label(low) == "passive_hip_x0.8+tendon_slack_lengths_x0.98+contact_stiffness_x0.326"
    # without the table, or with factorial = false, the models are the one-at-a-time ones
    text = (MODELS_DIR / "uncertainty.toml").read_text()
    alone = tmp_path / "alone.toml"
    alone.write_text(text.replace("factorial = true", "factorial = false"))
    assert perturbed_models(alone) == singles
    alone.write_text(text.replace("factorial = true", 'factorial = "yes please"'))
    with pytest.raises(ModelSpecError, match=r"\[combinations\]"):
        perturbed_models(alone)
