"""The tendon slack lengths in models/runner2d.toml are the operating-range rule's output."""

from __future__ import annotations

import pytest

from sim.calibration import rule_tendon_slack_lengths


def test_model_file_follows_the_rule(spec):
    rule = rule_tendon_slack_lengths(spec)
    for m in spec.muscles:
        assert m.tendon_slack_source == "operating_range_rule"
        assert m.tendon_slack_length == pytest.approx(rule[m.name], abs=1e-4), m.name



def test_passive_fibre_stiffness_follows_the_rule(spec):
    """Leg muscles carry the rule's strain; no muscle adds more than the limit in postures
    healthy adults reach passively; with the default strain the straight-leg raise would."""
    from sim.calibration import (
        DEFAULT_PASSIVE_STRAIN,
        PASSIVE_MOMENT_LIMIT,
        PASSIVE_RULE_EXEMPT,
        passive_moments_by_muscle,
        rule_passive_fiber_strain,
        with_leg_passive_strain,
    )

    strain = rule_passive_fiber_strain(spec)
    assert strain > DEFAULT_PASSIVE_STRAIN
    for m in spec.muscles:
        if m.name in PASSIVE_RULE_EXEMPT:
            assert m.passive_fiber_strain_at_one_norm_force == DEFAULT_PASSIVE_STRAIN, m.name
            assert m.passive_strain_source is None, m.name
        else:
            assert m.passive_fiber_strain_at_one_norm_force == strain, m.name
            assert m.passive_strain_source == "passive_rom_rule", m.name
    for name, by_posture in passive_moments_by_muscle(spec).items():
        for posture, value in by_posture.items():
            assert abs(value) <= PASSIVE_MOMENT_LIMIT, (name, posture, value)
    at_default = passive_moments_by_muscle(with_leg_passive_strain(spec, DEFAULT_PASSIVE_STRAIN))
    assert abs(at_default["hamstrings"]["straight-leg raise 60 deg"]) > 300.0  # beyond the hip's strength
