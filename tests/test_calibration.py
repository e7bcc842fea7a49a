"""The tendon slack lengths in models/runner2d.toml are the operating-range rule's output."""

from __future__ import annotations

import pytest

from sim.calibration import rule_tendon_slack_lengths


def test_model_file_follows_the_rule(spec):
    rule = rule_tendon_slack_lengths(spec)
    for m in spec.muscles:
        assert m.tendon_slack_source == "operating_range_rule"
        assert m.tendon_slack_length == pytest.approx(rule[m.name], abs=1e-4), m.name
