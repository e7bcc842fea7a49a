"""Tendon slack lengths by one rule: optimal fibre length at the middle of the operating range.

For each muscle the muscle-tendon length is evaluated over the joint ranges of running (hip
-30..60 deg, knee 0..120 deg, ankle -30..25 deg, lumbar -20..20 deg, every combination of the
joints it crosses); the tendon slack length is set so that, with the tendon at slack length,
the fibre is at its optimal length at the middle of that length range. Muscles then operate
across the plateau of their force-length curve, as sarcomere-length measurements suggest for
most limb muscles during movement (Burkholder & Lieber 2001, J Exp Biol 204:1529).

``python -m sim.calibration`` prints the values; models/runner2d.toml carries them and a test
checks that the file and the rule agree.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from sim.geometry import muscle_lengths
from sim.spec import COORDINATES, ModelSpec, load_spec

RUNNING_RANGE_DEG = {"hip_flexion": (-30.0, 60.0), "knee_angle": (0.0, 120.0), "ankle_angle": (-30.0, 25.0),
                     "lumbar_extension": (-20.0, 20.0)}
GRID_POINTS = 7


def length_range(spec: ModelSpec) -> dict[str, tuple[float, float]]:
    """Min and max muscle-tendon length of each right-side muscle over the running range."""
    axes = {k: np.radians(np.linspace(*v, GRID_POINTS)) for k, v in RUNNING_RANGE_DEG.items()}
    lengths: dict[str, list[float]] = {}
    for hip, knee, ankle, lumbar in itertools.product(*axes.values()):
        q = {c: 0.0 for c in COORDINATES}
        q.update({"hip_flexion_r": hip, "knee_angle_r": knee, "ankle_angle_r": ankle, "lumbar_extension": lumbar})
        for name, value in muscle_lengths(spec, q).items():
            if name.endswith("_r"):
                lengths.setdefault(name[:-2], []).append(value)
    return {name: (min(v), max(v)) for name, v in lengths.items()}


def rule_tendon_slack_lengths(spec: ModelSpec) -> dict[str, float]:
    """Tendon slack length of each muscle by the operating-range rule."""
    ranges = length_range(spec)
    out = {}
    for m in spec.muscles:
        middle = 0.5 * sum(ranges[m.name])
        along = m.optimal_fiber_length * math.cos(m.pennation_angle)  # fibre along the tendon at optimum
        out[m.name] = round(middle - along, 4)
    return out


if __name__ == "__main__":
    spec = load_spec()
    ranges = length_range(spec)
    for name, slack in rule_tendon_slack_lengths(spec).items():
        lo, hi = ranges[name]
        print(f"{name:12s} MTU {lo:.4f}-{hi:.4f} m  tendon_slack_length = {slack:.4f}")
