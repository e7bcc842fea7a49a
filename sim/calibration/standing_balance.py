"""Where the upper body's weight sits: the torso's centre of mass front to back.

de Leva (1996) gives each segment's centre of mass along its long axis only. How far in front
of or behind the lumbar joint the torso's mass lies (trunk, head and hanging arms) sets where
the weight of the head, arms and trunk falls relative to the hips, and with it how far the trunk
must lean to balance over the stance hip. Measured in standing: the centre of gravity of the
body above the hips lies on average 1.0 cm (SD 1.6) behind the hip (greater trochanter; Woodhull,
Maltrud & Mello 1985, Eur J Appl Physiol 54:109-115, 15 adults photographed in profile on a
reaction board), and the body's line of gravity passes very slightly behind the femoral heads
(Le Huec et al. 2011, Eur Spine J 20 Suppl 5:558-563). The rule places the torso's centre of
mass (its offset along the torso frame's x axis) so that, in the model's upright reference
posture (every coordinate zero), the centre of mass of pelvis and torso lies that far behind
the hip joint centres. The former offset (gait2392's torso, 3 cm behind the lumbar joint) put
it 4.9 cm behind the hips, and every stride leaned its trunk about 15 deg to bring it back.
"""

from __future__ import annotations

from sim.model.spec import ModelSpec

#: centre of gravity of the body above the hips, behind the hip, in standing (Woodhull et al. 1985), m
HAT_COM_BEHIND_HIP = 0.010
#: ``source`` of the torso body in models/runner2d.toml
STANDING_BALANCE_RULE = "standing_hat_balance_rule"


def _body(spec: ModelSpec, name: str):
    return next(b for b in spec.bodies if b.name == name)


def _joint(spec: ModelSpec, child: str):
    return next(j for j in spec.joints if j.child == child)


def hat_com_ahead_of_hip(spec: ModelSpec) -> float:
    """Horizontal distance (m, + forward) of the centre of mass of pelvis and torso from the hip
    joint centres in the upright reference posture."""
    pelvis, torso = _body(spec, "pelvis"), _body(spec, "torso")
    back, hip = _joint(spec, "torso"), _joint(spec, "femur_r")
    torso_x = back.location_in_parent[0] + torso.com[0] - back.location_in_child[0]
    mass = pelvis.mass_fraction + torso.mass_fraction
    com_x = (pelvis.mass_fraction * pelvis.com[0] + torso.mass_fraction * torso_x) / mass
    return com_x - hip.location_in_parent[0]


def rule_torso_com_offset(spec: ModelSpec) -> float:
    """The torso's centre-of-mass offset along its frame's x axis (m) that puts the centre of mass
    of pelvis and torso :data:`HAT_COM_BEHIND_HIP` behind the hips in the upright posture."""
    pelvis, torso = _body(spec, "pelvis"), _body(spec, "torso")
    mass = pelvis.mass_fraction + torso.mass_fraction
    # the offset enters the combined centre of mass linearly, with the torso's share of the mass
    return torso.com[0] + (-HAT_COM_BEHIND_HIP - hat_com_ahead_of_hip(spec)) * mass / torso.mass_fraction
