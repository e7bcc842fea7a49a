"""Build an OpenSim Model (.osim) from a ModelSpec: the physics reference and the GUI's model."""

from __future__ import annotations

import math
from pathlib import Path

import opensim as osim

from sim.model.geometry import default_pose
from sim.model.spec import ModelSpec

HALF_SPACE_ORIENTATION = (0.0, 0.0, -math.pi / 2)  # local +x (inside) = ground -y


def _vec(v) -> osim.Vec3:
    return osim.Vec3(float(v[0]), float(v[1]), float(v[2]))


def passive_moment_expression(p) -> str:
    """Lepton expression of the exponential passive moment (q in rad, qdot in rad/s)."""
    return (f"({p.k1})*exp(({p.k2})*(q-({p.theta2})))+({p.k3})*exp(({p.k4})*(q-({p.theta1})))"
            f"-({p.damping})*qdot")


def build_model(spec: ModelSpec, *, include_forces: bool = True) -> osim.Model:
    """The OpenSim model of ``spec``; with include_forces=False only the skeleton (for ID tests)."""
    model = osim.Model()
    model.setName(spec.name)
    model.set_gravity(osim.Vec3(0, spec.gravity, 0))
    bodies: dict[str, osim.PhysicalFrame] = {"ground": model.getGround()}
    for b in spec.bodies_expanded():
        mass = spec.body_mass(b.name)
        rx, ry, rz = b.gyration_radii
        body = osim.Body(b.name, mass, _vec(b.com),
                         osim.Inertia(mass * rx ** 2, mass * ry ** 2, mass * rz ** 2, 0, 0, 0))
        _attach_segment_geometry(body, b)
        model.addBody(body)
        bodies[b.name] = body

    pose = default_pose(spec)
    pelvis_joint = osim.PlanarJoint("ground_pelvis", model.getGround(), osim.Vec3(0), osim.Vec3(0),
                                    bodies["pelvis"], osim.Vec3(0), osim.Vec3(0))
    for i, (name, lo, hi) in enumerate((("pelvis_tilt", -math.pi / 2, math.pi / 2),
                                        ("pelvis_tx", -50.0, 50.0), ("pelvis_ty", -1.0, 3.0))):
        coord = pelvis_joint.upd_coordinates(i)
        coord.setName(name)
        coord.setRangeMin(lo)
        coord.setRangeMax(hi)
        coord.setDefaultValue(pose[name])
    model.addJoint(pelvis_joint)
    for j in spec.joints_expanded():
        orientation = osim.Vec3(0, math.pi, 0) if j.axis_sign < 0 else osim.Vec3(0)
        joint = osim.PinJoint(j.name, bodies[j.parent], _vec(j.location_in_parent), orientation,
                              bodies[j.child], _vec(j.location_in_child), orientation)
        coord = joint.upd_coordinates(0)
        coord.setName(j.coordinate)
        coord.setRangeMin(math.radians(j.range_deg[0]))
        coord.setRangeMax(math.radians(j.range_deg[1]))
        coord.setDefaultValue(0.0)
        model.addJoint(joint)

    for mk in spec.markers_expanded():
        model.addMarker(osim.Marker(mk.name, bodies[mk.body], _vec(mk.location)))

    if include_forces:
        _add_muscles(model, spec, bodies)
        for p in spec.passive_moments_expanded():
            force = osim.ExpressionBasedCoordinateForce(p.coordinate, passive_moment_expression(p))
            force.setName(f"passive_{p.coordinate}" if p.structure == "joint" else f"{p.structure}_{p.coordinate}")
            model.addForce(force)
        _add_contact(model, spec, bodies)
    model.finalizeConnections()
    return model


def _add_muscles(model: osim.Model, spec: ModelSpec, bodies) -> None:
    for m in spec.muscles_expanded():
        muscle = osim.DeGrooteFregly2016Muscle()
        muscle.setName(m.name)
        muscle.set_max_isometric_force(m.max_isometric_force)
        muscle.set_optimal_fiber_length(m.optimal_fiber_length)
        muscle.set_tendon_slack_length(m.tendon_slack_length)
        muscle.set_pennation_angle_at_optimal(m.pennation_angle)
        muscle.set_max_contraction_velocity(m.max_contraction_velocity)
        muscle.set_ignore_tendon_compliance(not m.compliant_tendon)
        muscle.set_tendon_strain_at_one_norm_force(m.tendon_strain_at_one_norm_force)
        muscle.set_passive_fiber_strain_at_one_norm_force(m.passive_fiber_strain_at_one_norm_force)
        muscle.set_fiber_damping(0.0)
        muscle.set_default_activation(0.05)
        muscle.set_default_normalized_tendon_force(0.1)
        for i, point in enumerate(m.path):
            muscle.addNewPathPoint(f"{m.name}-P{i + 1}", bodies[point.body], _vec(point.location))
        model.addForce(muscle)


def _add_contact(model: osim.Model, spec: ModelSpec, bodies) -> None:
    floor = osim.ContactHalfSpace(osim.Vec3(0), osim.Vec3(*HALF_SPACE_ORIENTATION),
                                  model.getGround(), "floor")
    model.addContactGeometry(floor)
    c = spec.contact
    for s in spec.contact_spheres_expanded():
        sphere = osim.ContactSphere(s.radius, _vec(s.location), bodies[s.body], s.name)
        model.addContactGeometry(sphere)
        force = osim.SmoothSphereHalfSpaceForce(f"contact_{s.name}", sphere, floor)
        force.set_stiffness(c.stiffness)
        force.set_dissipation(c.dissipation)
        force.set_static_friction(c.static_friction)
        force.set_dynamic_friction(c.dynamic_friction)
        force.set_viscous_friction(c.viscous_friction)
        force.set_transition_velocity(c.transition_velocity)
        force.set_constant_contact_force(c.constant_contact_force)
        force.set_hertz_smoothing(c.hertz_smoothing)
        force.set_hunt_crossley_smoothing(c.hunt_crossley_smoothing)
        model.addForce(force)


def _attach_segment_geometry(body: osim.Body, spec_body) -> None:
    """An ellipsoid at the centre of mass, sized by the radii of gyration (for the GUI)."""
    radii = [max(1.2 * r, 0.02) for r in spec_body.gyration_radii]
    frame = osim.PhysicalOffsetFrame(f"{spec_body.name}_geometry", body,
                                     osim.Transform(_vec(spec_body.com)))
    body.addComponent(frame)
    shape = osim.Ellipsoid(radii[0] * 0.5, radii[1] * 1.4, radii[2] * 0.5)
    shape.setColor(osim.Vec3(0.85, 0.75, 0.6))
    shape.setOpacity(0.5)
    frame.attachGeometry(shape)


def export_osim(spec: ModelSpec, path: str | Path) -> Path:
    """Write ``spec`` as a .osim file after checking that it initializes."""
    model = build_model(spec)
    model.initSystem()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.printToXML(str(path))
    return path
