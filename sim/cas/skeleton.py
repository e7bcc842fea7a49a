"""Planar rigid-body inverse dynamics, symbolic in CasADi.

Generalized forces follow from the principle of virtual power: for every body,
``Q += J_v^T m (a_com - g) + J_w^T I_zz alpha``, where ``J_v`` and ``J_w`` are the
Jacobians of its centre-of-mass position and angle with respect to the coordinates. With
the implicit formulation the optimizer treats accelerations as controls, so only this
inverse direction is ever needed (no mass-matrix inversion).
"""

from __future__ import annotations

import casadi as ca

from sim.model.geometry import Ops, Pose, body_poses
from sim.model.spec import COORDINATES, ModelSpec

SX_OPS = Ops(ca.sin, ca.cos, ca.sqrt)


def coordinate_symbols(name: str) -> tuple[ca.SX, dict[str, ca.SX]]:
    """A vector of the model's coordinates and a name -> element map."""
    vec = ca.SX.sym(name, len(COORDINATES))
    return vec, {c: vec[i] for i, c in enumerate(COORDINATES)}


def poses(spec: ModelSpec, q: ca.SX) -> dict[str, Pose]:
    return body_poses(spec, {c: q[i] for i, c in enumerate(COORDINATES)}, SX_OPS)


def point_in_ground(pose: Pose, local) -> ca.SX:
    return ca.vertcat(*pose.point(local, SX_OPS))


def inertial_generalized_forces(spec: ModelSpec, q: ca.SX, qd: ca.SX, qdd: ca.SX) -> ca.SX:
    """Generalized forces that the skeleton needs for accelerations ``qdd`` under gravity.

    Equals OpenSim's InverseDynamicsSolver on the model with all forces removed:
    ``M(q) qdd + C(q, qd) - G(q)``.
    """
    gravity = ca.vertcat(0.0, spec.gravity)
    body_pose = poses(spec, q)
    tau = ca.SX.zeros(len(COORDINATES))
    for body in spec.bodies_expanded():
        mass = spec.body_mass(body.name)
        pose = body_pose[body.name]
        com = point_in_ground(pose, body.com)[:2]
        jac_v = ca.jacobian(com, q)
        acc = jac_v @ qdd + ca.jacobian(jac_v @ qd, q) @ qd
        jac_w = ca.jacobian(pose.angle, q)
        alpha = jac_w @ qdd  # planar: angle is linear in q, so no velocity term
        izz = mass * body.gyration_radii[2] ** 2
        tau += jac_v.T @ (mass * (acc - gravity)) + jac_w.T * (izz * alpha)
    return tau


def point_force_generalized(q: ca.SX, point: ca.SX, force: ca.SX) -> ca.SX:
    """Generalized forces of a force (x, y) applied at a ground-expressed body point."""
    return ca.jacobian(point[:2], q).T @ force
