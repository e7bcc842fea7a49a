"""CasadiModel: the symbolic rendering of a ModelSpec as a set of CasADi Functions.

Every quantity is an SX expression graph, so derivatives are exact (algorithmic
differentiation); nothing here calls OpenSim or finite differences. Knobs enter as a
parameter vector ``knobs`` (order :attr:`CasadiModel.knob_names`), so changing them never
rebuilds anything.
"""

from __future__ import annotations

from functools import cached_property

import casadi as ca

from sim.cas import contact as contact_model
from sim.cas import muscles as dgf
from sim.cas.skeleton import SX_OPS, inertial_generalized_forces, poses
from sim.model.geometry import path_length
from sim.model.knobs import knob_vector, knobbed_parameters, parameter_names
from sim.model.spec import COORDINATES, ModelSpec

N_Q = len(COORDINATES)


class CasadiModel:
    """Symbolic skeleton, muscles, passive moments and contact of one (scaled) ModelSpec."""

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self.muscles = spec.muscles_expanded()
        self.muscle_names = [m.name for m in self.muscles]
        self.compliant = [m.compliant_tendon for m in self.muscles]
        self.spheres = spec.contact_spheres_expanded()
        #: the knob parameters, each knob on each side (``glute_strength_r``, ...)
        self.knob_names = parameter_names(spec)
        self.coordinates = list(COORDINATES)

    def knob_vector(self, knobs: dict[str, float] | None) -> list[float]:
        """Knob values (validated; one-sided ones allowed) in the order of :attr:`knob_names`."""
        return knob_vector(self.spec, knobs)

    @property
    def n_muscles(self) -> int:
        return len(self.muscles)

    def coordinate_index(self, name: str) -> int:
        return self.coordinates.index(name)

    # ------------------------------------------------------------------ skeleton
    @cached_property
    def skeleton_inverse_dynamics(self) -> ca.Function:
        """(q, qd, qdd) -> generalized forces needed by the bare skeleton under gravity."""
        q, qd, qdd = (ca.SX.sym(n, N_Q) for n in ("q", "qd", "qdd"))
        tau = inertial_generalized_forces(self.spec, q, qd, qdd)
        return ca.Function("skeleton_inverse_dynamics", [q, qd, qdd], [tau],
                           ["q", "qd", "qdd"], ["tau"])

    @cached_property
    def body_points(self) -> ca.Function:
        """q -> ground (x, y) of each body origin, stacked (used by pictures and animation)."""
        q = ca.SX.sym("q", N_Q)
        body_pose = poses(self.spec, q)
        names = [b.name for b in self.spec.bodies_expanded()]
        origins = ca.horzcat(*[ca.vertcat(*body_pose[n].origin[:2]) for n in names])
        angles = ca.vertcat(*[body_pose[n].angle for n in names])
        return ca.Function("body_points", [q], [origins, angles], ["q"], ["origins", "angles"])

    # ------------------------------------------------------------------ muscle geometry
    @cached_property
    def muscle_geometry(self) -> ca.Function:
        """(q, qd) -> muscle-tendon lengths, lengthening speeds, moment arms (n_m x n_q).

        Moment arms follow OpenSim: r = -dL/dq (positive = tension drives q positive).
        """
        q, qd = ca.SX.sym("q", N_Q), ca.SX.sym("qd", N_Q)
        body_pose = poses(self.spec, q)
        lengths = ca.vertcat(*[path_length([(p.body, p.location) for p in m.path], body_pose, SX_OPS)
                               for m in self.muscles])
        jac = ca.jacobian(lengths, q)
        return ca.Function("muscle_geometry", [q, qd], [lengths, jac @ qd, -jac],
                           ["q", "qd"], ["lmt", "vmt", "moment_arms"])

    # ------------------------------------------------------------------ muscle dynamics
    @cached_property
    def muscle_tendon(self) -> ca.Function:
        """Muscle forces from lengths, speeds, activations and tendon states.

        Inputs: lmt, vmt, activation, normalized tendon force ``ft`` and its derivative
        ``dft`` (used by compliant tendons only; rigid tendons ignore them), knobs.
        Outputs: tendon force (N), equilibrium residual (compliant: f_T - f_fibre cos(alpha);
        0 for rigid), normalized fibre length and velocity, active and passive fibre force (N).
        """
        n = self.n_muscles
        lmt, vmt, act, ft, dft = (ca.SX.sym(s, n) for s in ("lmt", "vmt", "a", "ft", "dft"))
        knobs = ca.SX.sym("knobs", len(self.knob_names))
        knob_map = {k: knobs[i] for i, k in enumerate(self.knob_names)}
        out = {k: [] for k in ("force", "residual", "lm_norm", "vm_norm", "active", "passive")}
        for i, m in enumerate(self.muscles):
            par = knobbed_parameters(self.spec, m, knob_map)
            fmax, strain, slack = (par["max_isometric_force"],
                                   par["passive_fiber_strain_at_one_norm_force"],
                                   par["tendon_slack_length"])
            lopt = m.optimal_fiber_length
            width = lopt * ca.sin(m.pennation_angle)
            vmax = m.max_contraction_velocity * lopt
            if m.compliant_tendon:
                lt_norm = dgf.tendon_length_from_force(ft[i], m.tendon_strain_at_one_norm_force)
                tendon_velocity = slack * dft[i] / dgf.tendon_force_slope(
                    lt_norm, m.tendon_strain_at_one_norm_force)
                along = lmt[i] - slack * lt_norm
                along_velocity = vmt[i] - tendon_velocity
            else:
                along, along_velocity = lmt[i] - slack, vmt[i]
            fibre = ca.sqrt(along ** 2 + width ** 2)
            cos_pennation = along / fibre
            lm_norm = fibre / lopt
            vm_norm = along_velocity * cos_pennation / vmax
            active = act[i] * dgf.active_force_length(lm_norm) * dgf.force_velocity(vm_norm)
            passive = dgf.passive_force_length(lm_norm, strain)
            along_tendon = (active + passive) * cos_pennation
            if m.compliant_tendon:
                force, residual = fmax * ft[i], ft[i] - along_tendon
            else:
                force, residual = fmax * along_tendon, ca.SX(0)
            for key, value in (("force", force), ("residual", residual), ("lm_norm", lm_norm),
                               ("vm_norm", vm_norm), ("active", fmax * active),
                               ("passive", fmax * passive)):
                out[key].append(value)
        outputs = [ca.vertcat(*out[k]) for k in out]
        return ca.Function("muscle_tendon", [lmt, vmt, act, ft, dft, knobs], outputs,
                           ["lmt", "vmt", "a", "ft", "dft", "knobs"], list(out))

    # ------------------------------------------------------------------ passive moments
    def _passive_sum(self, q: ca.SX, qd: ca.SX, structures: tuple[str, ...] = ("joint", "capsule")) -> ca.SX:
        """The passive moment entries of the named structures, summed per coordinate."""
        moments = ca.SX.zeros(N_Q)
        for p in self.spec.passive_moments_expanded():
            if p.structure in structures:
                i = self.coordinate_index(p.coordinate)
                moments[i] += (p.k1 * ca.exp(p.k2 * (q[i] - p.theta2))
                               + p.k3 * ca.exp(p.k4 * (q[i] - p.theta1)) - p.damping * qd[i])
        return moments

    @cached_property
    def passive_moments(self) -> ca.Function:
        """(q, qd) -> generalized passive joint moments (exponential stops plus damping)."""
        q, qd = ca.SX.sym("q", N_Q), ca.SX.sym("qd", N_Q)
        return ca.Function("passive_moments", [q, qd], [self._passive_sum(q, qd)], ["q", "qd"], ["moments"])

    @cached_property
    def range_stop_moments(self) -> ca.Function:
        """q -> the moments of the joints' range-of-motion stops alone (the ``joint`` entries, damping
        excluded; capsules left out): the limit torques PredSim's passive-torque goal charges."""
        q = ca.SX.sym("q", N_Q)
        stops = self._passive_sum(q, ca.SX.zeros(N_Q), ("joint",))
        return ca.Function("range_stop_moments", [q], [stops], ["q"], ["moments"])

    @cached_property
    def elastic_passive_moments(self) -> ca.Function:
        """q -> the passive joint moments without their damping: what capsules, ligaments and the
        range stops hold elastically (charged by the ``passive_torque`` variant goal)."""
        q = ca.SX.sym("q", N_Q)
        return ca.Function("elastic_passive_moments", [q], [self._passive_sum(q, ca.SX.zeros(N_Q))], ["q"], ["moments"])

    # ------------------------------------------------------------------ contact
    def _sphere_kinematics(self, q: ca.SX, qd: ca.SX) -> list[tuple]:
        """(sphere, centre, centre velocity, body angular velocity) of each contact sphere, in ground."""
        body_pose = poses(self.spec, q)
        out = []
        for sphere in self.spheres:
            pose = body_pose[sphere.body]
            centre = ca.vertcat(*pose.point(sphere.location, SX_OPS)[:2])
            out.append((sphere, centre, ca.jacobian(centre, q) @ qd, ca.jacobian(pose.angle, q) @ qd))
        return out

    @cached_property
    def contact(self) -> ca.Function:
        """(q, qd) -> sphere forces (2 x n_spheres, on the foot, ground frame), points, Q."""
        q, qd = ca.SX.sym("q", N_Q), ca.SX.sym("qd", N_Q)
        forces, points = [], []
        generalized = ca.SX.zeros(N_Q)
        for sphere, centre, centre_velocity, omega in self._sphere_kinematics(q, qd):
            force, point = contact_model.sphere_force(centre, centre_velocity, omega,
                                                      sphere.radius, self.spec.contact)
            # generalized force of a force on a body-fixed station: J_station^T F, where the
            # station's velocity is v_centre + omega x (point - centre)
            station_velocity = centre_velocity + ca.vertcat(-omega * (point[1] - centre[1]),
                                                            omega * (point[0] - centre[0]))
            generalized += ca.jacobian(station_velocity, qd).T @ force
            forces.append(force)
            points.append(point)
        return ca.Function("contact", [q, qd], [ca.horzcat(*forces), ca.horzcat(*points), generalized],
                           ["q", "qd"], ["forces", "points", "generalized"])

    @cached_property
    def contact_slip(self) -> ca.Function:
        """(q, qd) -> horizontal slip velocity of each sphere's contact station (1 x n_spheres)."""
        q, qd = ca.SX.sym("q", N_Q), ca.SX.sym("qd", N_Q)
        slips = [contact_model.station_slip(centre, velocity, omega, sphere.radius)[2]
                 for sphere, centre, velocity, omega in self._sphere_kinematics(q, qd)]
        return ca.Function("contact_slip", [q, qd], [ca.horzcat(*slips)], ["q", "qd"], ["slip"])

    # ------------------------------------------------------------------ whole model
    @cached_property
    def residual_forces(self) -> ca.Function:
        """Generalized forces still needed after muscles, passive moments and contact.

        (q, qd, qdd, a, ft, dft, knobs) -> tau; zero at every coordinate means the motion is
        dynamically consistent with the muscle forces (pelvis rows are the 'residuals').
        """
        q, qd, qdd = (ca.SX.sym(n, N_Q) for n in ("q", "qd", "qdd"))
        n = self.n_muscles
        act, ft, dft = (ca.SX.sym(s, n) for s in ("a", "ft", "dft"))
        knobs = ca.SX.sym("knobs", len(self.knob_names))
        lmt, vmt, arms = self.muscle_geometry(q, qd)
        force = self.muscle_tendon(lmt, vmt, act, ft, dft, knobs)[0]
        tau = (self.skeleton_inverse_dynamics(q, qd, qdd) - self.passive_moments(q, qd)
               - self.contact(q, qd)[2] - arms.T @ force)
        return ca.Function("residual_forces", [q, qd, qdd, act, ft, dft, knobs], [tau],
                           ["q", "qd", "qdd", "a", "ft", "dft", "knobs"], ["tau"])
