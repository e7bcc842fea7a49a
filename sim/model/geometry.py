"""Planar kinematics of the body tree, generic over the number type.

The same code runs on floats (numpy; used for scaling, pictures and the Thomas test) and on
CasADi SX symbols (used by the optimizer): pass the matching ``sin``/``cos``/``sqrt``. It
never imports casadi or opensim. Every joint rotates about the sagittal z axis; ``z``
offsets are carried along unchanged so 3-D path lengths match OpenSim exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.model.spec import COORDINATES, JointSpec, ModelSpec

Scalar = Any  # float or casadi.SX/MX


@dataclass(frozen=True)
class Ops:
    """The elementary functions of one number type (math/numpy or casadi)."""

    sin: Callable[[Scalar], Scalar]
    cos: Callable[[Scalar], Scalar]
    sqrt: Callable[[Scalar], Scalar]


FLOAT_OPS = Ops(math.sin, math.cos, math.sqrt)


@dataclass(frozen=True)
class Pose:
    """A body frame in ground: rotation angle about z and origin position (x, y, z)."""

    angle: Scalar
    origin: tuple[Scalar, Scalar, Scalar]

    def point(self, local: Sequence[float], ops: Ops) -> tuple[Scalar, Scalar, Scalar]:
        """Ground position of a point given in this body's frame."""
        c, s = ops.cos(self.angle), ops.sin(self.angle)
        x, y, z = local
        return (self.origin[0] + c * x - s * y, self.origin[1] + s * x + c * y, self.origin[2] + z)


def tree_order(joints: Sequence[JointSpec]) -> list[JointSpec]:
    """Joints sorted so every parent body is placed before its children."""
    placed, ordered, pending = {"ground", "pelvis"}, [], list(joints)
    while pending:
        progressed = False
        for j in list(pending):
            if j.parent in placed:
                ordered.append(j)
                placed.add(j.child)
                pending.remove(j)
                progressed = True
        if not progressed:
            names = ", ".join(j.name for j in pending)
            raise ValueError(f"joints not connected to the pelvis: {names}")
    return ordered


def body_poses(spec: ModelSpec, q: Mapping[str, Scalar], ops: Ops = FLOAT_OPS) -> dict[str, Pose]:
    """Pose of every body for generalized coordinates ``q`` (by coordinate name).

    The pelvis hangs on ground through a planar joint (pelvis_tilt, pelvis_tx, pelvis_ty, as
    OpenSim's PlanarJoint); every other joint is a pin about z with ``axis_sign``.
    """
    poses = {"pelvis": Pose(q["pelvis_tilt"], (q["pelvis_tx"], q["pelvis_ty"], 0.0))}
    for joint in tree_order(spec.joints_expanded()):
        parent = poses[joint.parent]
        centre = parent.point(joint.location_in_parent, ops)
        angle = parent.angle + joint.axis_sign * q[joint.coordinate]
        c, s = ops.cos(angle), ops.sin(angle)
        lx, ly, lz = joint.location_in_child
        origin = (centre[0] - (c * lx - s * ly), centre[1] - (s * lx + c * ly), centre[2] - lz)
        poses[joint.child] = Pose(angle, origin)
    return poses


def distance(a: Sequence[Scalar], b: Sequence[Scalar], ops: Ops) -> Scalar:
    return ops.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2)


def path_length(points: Sequence[tuple[str, Sequence[float]]], poses: Mapping[str, Pose],
                ops: Ops = FLOAT_OPS) -> Scalar:
    """Length of a polyline of (body, local point) pairs, as OpenSim's GeometryPath computes it."""
    ground = [poses[body].point(loc, ops) for body, loc in points]
    return sum((distance(ground[i], ground[i + 1], ops) for i in range(len(ground) - 1)), 0.0)


def muscle_lengths(spec: ModelSpec, q: Mapping[str, Scalar], ops: Ops = FLOAT_OPS) -> dict[str, Scalar]:
    """Muscle-tendon lengths of every (expanded) muscle at coordinates ``q``."""
    poses = body_poses(spec, q, ops)
    return {m.name: path_length([(p.body, p.location) for p in m.path], poses, ops)
            for m in spec.muscles_expanded()}


def body_mass_centres(spec: ModelSpec, q: Mapping[str, Scalar],
                      ops: Ops = FLOAT_OPS) -> list[tuple[Scalar, Scalar]]:
    """Ground (x, y) of every body's centre of mass, in the order of ``spec.bodies_expanded()``."""
    poses = body_poses(spec, q, ops)
    return [poses[b.name].point(b.com, ops)[:2] for b in spec.bodies_expanded()]


def default_pose(spec: ModelSpec) -> dict[str, float]:
    """Standing pose: all joint angles zero, pelvis placed so the lowest contact sphere touches."""
    q = {c: 0.0 for c in COORDINATES}
    poses = body_poses(spec, q)
    lowest = min(poses[s.body].point(s.location, FLOAT_OPS)[1] - s.radius
                 for s in spec.contact_spheres_expanded())
    q["pelvis_ty"] = -lowest
    return q
