"""The lumbar flexion stop: where the passive lumbar tissues alone carry the trunk.

In standing full trunk flexion the erector spinae fall silent (flexion relaxation) at about
80 % of the maximal lumbar flexion (Schinkel-Ivy, Nairn & Drake 2014, J Manipulative Physiol
Ther 37:494-501; 30 asymptomatic adults): only there do the discs, ligaments and fascia carry the upper body's
weight alone. Young adults flex the lumbar spine 73 deg from standing (Troke et al. 2005,
Man Ther 10:198-206, 405 subjects). The stop keeps the shape of Falisse et al. (2019; k3, k4)
and places its onset ``theta1`` so that, at 80 % of that range, it carries the weight moment of
the trunk held horizontal. Passive moments and the trunk's weight moment scale alike with
body mass and size, so the rule holds for every subject.
"""

from __future__ import annotations

import math

from sim.model.spec import ModelSpec

#: maximal lumbar flexion from standing of young adults (Troke et al. 2005), deg
LUMBAR_FLEXION_RANGE_DEG = 73.0
#: flexion relaxation of the erector spinae in standing full flexion, fraction of the maximal flexion
FLEXION_RELAXATION_FRACTION = 0.8
GRAVITY = 9.81
#: ``source`` of the lumbar stop in models/runner2d.toml
LUMBAR_STOP_RULE = "lumbar_flexion_relaxation_rule"


def lumbar_stop(spec: ModelSpec):
    """The lumbar joint-stop entry of the model (``joint`` structure)."""
    return next(p for p in spec.passive_moments if p.coordinate == "lumbar_extension" and p.structure == "joint")


def trunk_weight_moment(spec: ModelSpec) -> float:
    """Weight moment of the trunk (torso body: head, arms, trunk) held horizontal about the lumbar joint, N m."""
    torso = next(b for b in spec.bodies if b.name == "torso")
    return torso.mass_fraction * spec.mass * GRAVITY * math.hypot(torso.com[0], torso.com[1])


def flexion_relaxation_angle() -> float:
    """Lumbar extension angle (rad, negative: flexion) at which the erector spinae fall silent."""
    return -math.radians(FLEXION_RELAXATION_FRACTION * LUMBAR_FLEXION_RANGE_DEG)


def rule_lumbar_flexion_stop(spec: ModelSpec) -> float:
    """The stop's onset ``theta1`` (rad): at the flexion-relaxation angle its flexion branch equals the
    horizontal trunk's weight moment."""
    stop = lumbar_stop(spec)
    return flexion_relaxation_angle() - math.log(trunk_weight_moment(spec) / stop.k3) / stop.k4
