"""What the model says at one mesh node: the quantities goals and path constraints are written in.

Each model function (muscle geometry, muscle-tendon forces, contact) is evaluated once per node
and shared by every goal and constraint, so they all see one expression graph.
"""

from __future__ import annotations

from functools import cached_property

import casadi as ca

from sim.stride.variables import Layout


class NodeContext:
    """Symbolic states, controls, parameters and model outputs of one node (physical units)."""

    def __init__(self, model, layout: Layout, xs: ca.SX, us: ca.SX, p: ca.SX, body_weight: float):
        self.model, self.layout, self.body_weight = model, layout, body_weight
        s = layout.slices
        x, u = xs * layout.sx, us * layout.su
        self.q, self.qd, self.a, self.ft = x[s["q"]], x[s["qd"]], x[s["activation"]], x[s["tendon_force"]]
        self.qdd, self.da, self.dft, self.reserves = (u[s["acceleration"]], u[s["activation_rate"]],
                                                      u[s["tendon_force_rate"]], u[s["reserves"]])
        self.speed, self.knobs = p[0], p[1:]
        n_m = model.n_muscles
        self.ft_all, self.dft_all = ca.SX.zeros(n_m), ca.SX.zeros(n_m)
        for k, i in enumerate(layout.compliant):
            self.ft_all[i], self.dft_all[i] = self.ft[k], self.dft[k]
        self.lmt, self.vmt, self.moment_arms = model.muscle_geometry(self.q, self.qd)
        (self.muscle_force, self.hill_residual, self.lm_norm, self.vm_norm, self.active_fiber_force,
         self.passive_fiber_force) = model.muscle_tendon(self.lmt, self.vmt, self.a, self.ft_all, self.dft_all,
                                                         self.knobs)
        self.contact_forces, _, self.contact_generalized = model.contact(self.q, self.qd)

    @cached_property
    def slip(self) -> ca.SX:
        """Horizontal slip speed of each contact sphere's station (1 x spheres), m/s."""
        return self.model.contact_slip(self.q, self.qd)

    @cached_property
    def normal_force_bw(self) -> ca.SX:
        """Normal force of each contact sphere (1 x spheres), in body weights."""
        return self.contact_forces[1, :] / self.body_weight

    def state_derivative(self) -> ca.SX:
        """Scaled time derivative of the scaled states."""
        return ca.vertcat(self.qd, self.qdd, self.da, self.dft) / self.layout.sx
