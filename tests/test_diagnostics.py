"""The realism diagnostics change exactly the one thing their options name."""

from __future__ import annotations

import argparse

import pytest

from sim.apps.realism_diagnostics import passive_override, variant


def test_a_passive_override_changes_one_parameter_of_one_joint_stop(spec):
    changed = variant(passive=[passive_override("lumbar_extension.theta1=-0.5236")])
    for before, after in zip(spec.passive_moments, changed.passive_moments, strict=True):
        if before.coordinate == "lumbar_extension" and before.structure == "joint":
            assert after.theta1 == -0.5236 and after.model_copy(update={"theta1": before.theta1}) == before
        else:
            assert after == before
    assert changed.contact == spec.contact


@pytest.mark.parametrize("text", ["lumbar_extension.theta3=1", "theta1=1", "lumbar_extension.theta1", "x.k1=abc"])
def test_a_malformed_passive_override_is_refused(text):
    with pytest.raises((argparse.ArgumentTypeError, ValueError)):
        passive_override(text)


def test_an_unknown_coordinate_is_refused_with_the_known_ones():
    with pytest.raises(SystemExit, match="lumbar_extension"):
        variant(passive=[("pelvis_tilt", "k1", 1.0)])
