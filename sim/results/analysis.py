"""Where propulsion comes from: joint and muscle work, and induced-acceleration contributions.

Joint moments are the model's own: muscle moments (moment arm x tendon force) plus passive
joint moments. Joint power = moment x angular velocity; work is split into positive and
negative parts, stance and swing (right leg; the stride is symmetric or full).

Induced acceleration analysis (as in Hamner et al. 2010, planar): during right stance the
contact is replaced by a point constraint at the centre of pressure (the foot point there
has zero acceleration; the foot may rotate about it). For each force source s, solve

    M(q) qdd - J^T lam = Q_s,    J qdd = -(dJ/dt) qd  (velocity source only; 0 otherwise)

and lam is the ground reaction force that source induces. Sources: every muscle, passive
joint moments, gravity, velocity (Coriolis/centripetal) terms. Their sum equals the
reaction the constraint needs for the actual motion; its difference from the contact
model's GRF is reported as the residual of the method.
"""

from __future__ import annotations

import casadi as ca
import numpy as np

from sim.cas.skeleton import SX_OPS, poses
from sim.model.spec import COORDINATES
from sim.stride.trajectory import Trajectory

JOINTS = {"hip": "hip_flexion_r", "knee": "knee_angle_r", "ankle": "ankle_angle_r", "lumbar": "lumbar_extension"}
PLANTAR_FLEXORS = ("soleus_r", "gastroc_r")
HIP_EXTENSORS = ("glut_max_r", "hamstrings_r")


def _integrate(values: np.ndarray, time: np.ndarray, mask: np.ndarray) -> float:
    """Trapezoidal integral of ``values`` over the nodes where ``mask`` holds."""
    v = np.where(mask, values, 0.0)
    return float(np.sum(0.5 * (v[1:] + v[:-1]) * np.diff(time)))


class Analyzer:
    """Builds the CasADi functions the analyses need once per model."""

    def __init__(self, model):
        self.model = model
        q, qd = ca.SX.sym("q", len(COORDINATES)), ca.SX.sym("qd", len(COORDINATES))
        qdd = ca.SX.sym("qdd", len(COORDINATES))
        tau = model.skeleton_inverse_dynamics(q, qd, qdd)
        zeros = ca.SX.zeros(len(COORDINATES))
        self.mass_matrix = ca.Function("mass_matrix", [q], [ca.jacobian(tau, qdd)])
        self.gravity = ca.Function("gravity", [q], [-model.skeleton_inverse_dynamics(q, zeros, zeros)])
        velocity = model.skeleton_inverse_dynamics(q, qd, zeros) - model.skeleton_inverse_dynamics(q, zeros, zeros)
        self.velocity = ca.Function("velocity", [q, qd], [-velocity])
        station = ca.SX.sym("station", 3)  # point in the calcn_r frame
        point = ca.vertcat(*poses(model.spec, q)["calcn_r"].point([station[0], station[1], station[2]], SX_OPS)[:2])
        jac = ca.jacobian(point, q)
        self.constraint = ca.Function("constraint", [q, qd, station], [jac, ca.jacobian(jac @ qd, q) @ qd])
        self.to_body = ca.Function("foot_pose", [q], [poses(model.spec, q)["calcn_r"].angle,
                                                     ca.vertcat(*poses(model.spec, q)["calcn_r"].origin[:2])])

    # ------------------------------------------------------------------ joints and muscles
    def joint_moments(self, fs: Trajectory) -> dict[str, np.ndarray]:
        return fs.joint_moments(self.model)

    def work(self, fs: Trajectory) -> dict:
        """Joint and muscle work (J/kg), positive and negative, stance and swing (right leg)."""
        mass = fs.body_weight / 9.80665
        moments = self.joint_moments(fs)
        stance = fs.contact("r")
        joints = {}
        for name, coord in JOINTS.items():
            i = COORDINATES.index(coord)
            power = moments["total"][:, i] * fs.qd[:, i] / mass
            joints[name] = {
                f"{phase}_{sign}_work_J_per_kg": _integrate(np.maximum(power, 0) if sign == "positive"
                                                            else np.minimum(power, 0), fs.time, mask)
                for phase, mask in (("stance", stance), ("swing", ~stance)) for sign in ("positive", "negative")}
            joints[name]["peak_moment_Nm_per_kg"] = float(np.max(np.abs(moments["total"][:, i])) / mass)
            joints[name]["peak_power_W_per_kg"] = float(np.max(np.abs(power)))
        legs = ("hip", "knee", "ankle")
        total_positive = sum(joints[j]["stance_positive_work_J_per_kg"] for j in legs)
        for j in legs:
            joints[j]["stance_positive_work_share"] = joints[j]["stance_positive_work_J_per_kg"] / total_positive \
                if total_positive > 0 else float("nan")
        lmt, vmt, _ = self.model.muscle_geometry.map(len(fs.time))(fs.q.T, fs.qd.T)
        mtu_power = -fs.muscle_force * np.asarray(vmt).T / mass  # shortening under tension = positive work
        # elastic recoil of stretched fibres: free in the cost function, so worth watching
        passive_power = -fs.passive_muscle_force * np.asarray(vmt).T / mass
        muscles = {}
        hip = COORDINATES.index("hip_flexion_r")
        for j, name in enumerate(self.model.muscle_names):
            if not name.endswith("_r") and not name.startswith(("ercspn", "extobl")):
                continue
            hip_power = moments["arms"][j, :, hip] * fs.muscle_force[:, j] * fs.qd[:, hip] / mass
            muscles[name] = {
                "positive_work_J_per_kg": _integrate(np.maximum(mtu_power[:, j], 0), fs.time, np.ones_like(stance)),
                "negative_work_J_per_kg": _integrate(np.minimum(mtu_power[:, j], 0), fs.time, np.ones_like(stance)),
                # positive work of this muscle's hip moment while the hip extends
                "hip_extension_work_J_per_kg": _integrate(np.maximum(hip_power, 0), fs.time, fs.qd[:, hip] < 0),
                "passive_positive_work_J_per_kg": _integrate(np.maximum(passive_power[:, j], 0), fs.time,
                                                             np.ones_like(stance)),
                "peak_passive_force_per_max_isometric": float(fs.passive_muscle_force[:, j].max()
                                                              / fs.max_isometric_force[j])}
        return {"joints": joints, "muscles": muscles}

    # ------------------------------------------------------------------ induced accelerations
    def contributions(self, fs: Trajectory) -> dict:
        """GRF (fore-aft, vertical) each source induces during right stance, per node (N)."""
        stance = np.flatnonzero(fs.contact("r"))
        moments = self.joint_moments(fs)
        names = list(self.model.muscle_names) + ["passive", "gravity", "velocity"]
        induced = np.zeros((len(fs.time), len(names), 2))
        for k in stance:
            q, qd = fs.q[k], fs.qd[k]
            angle, origin = (np.asarray(x).ravel() for x in self.to_body(q))
            c, s = np.cos(angle), np.sin(angle)
            rel = fs.cop["r"][k, :2] - origin
            station = [c * rel[0] + s * rel[1], -s * rel[0] + c * rel[1], 0.0]
            jac, jdot_qd = (np.asarray(x) for x in self.constraint(q, qd, station))
            mass_matrix = np.asarray(self.mass_matrix(q))
            kkt = np.block([[mass_matrix, -jac.T], [jac, np.zeros((2, 2))]])
            sources = [moments["arms"][j, k, :] * fs.muscle_force[k, j] for j in range(self.model.n_muscles)]
            sources += [moments["passive"][k], np.asarray(self.gravity(q)).ravel(),
                        np.asarray(self.velocity(q, qd)).ravel()]
            rhs = np.zeros((len(COORDINATES) + 2, len(sources)))
            rhs[:len(COORDINATES), :] = np.column_stack(sources)
            rhs[len(COORDINATES):, -1] = -jdot_qd.ravel()
            solution = np.linalg.solve(kkt, rhs)
            induced[k] = solution[len(COORDINATES):, :].T
        total = induced.sum(axis=1)
        actual = fs.grf["r"][:, :2]
        on = fs.contact("r")
        residual = np.sqrt(np.mean((total[on] - actual[on]) ** 2, axis=0)) / fs.body_weight
        return {"names": names, "induced": induced, "total": total, "residual_rms_bw": residual}

    def propulsion(self, fs: Trajectory) -> dict:
        """Impulse (body weights x s) each source contributes to propulsion, braking and support."""
        iaa = self.contributions(fs)
        on = fs.contact("r")
        fore_aft = fs.grf["r"][:, 0]
        propulsive, braking = on & (fore_aft > 0), on & (fore_aft < 0)
        bw = fs.body_weight
        rows = {}
        for j, name in enumerate(iaa["names"]):
            f = iaa["induced"][:, j, :]
            rows[name] = {"propulsive_impulse_bw_s": _integrate(f[:, 0], fs.time, propulsive) / bw,
                          "braking_impulse_bw_s": _integrate(f[:, 0], fs.time, braking) / bw,
                          "support_impulse_bw_s": _integrate(f[:, 1], fs.time, on) / bw}
        total_prop = _integrate(fore_aft, fs.time, propulsive) / bw
        return {"contributors": rows, "total_propulsive_impulse_bw_s": total_prop,
                "total_braking_impulse_bw_s": _integrate(fore_aft, fs.time, braking) / bw,
                "total_support_impulse_bw_s": _integrate(fs.grf["r"][:, 1], fs.time, on) / bw,
                "residual_rms_bw": {"fore_aft": float(iaa["residual_rms_bw"][0]),
                                    "vertical": float(iaa["residual_rms_bw"][1])},
                "method": "induced acceleration analysis, point constraint at the centre of pressure"}


def analyze(fs: Trajectory, model, analyzer: Analyzer | None = None) -> dict:
    """All analyses of one stride, with the summary ratios the hip-extension study reads
    (``analyzer``: one already built for ``model``)."""
    analyzer = analyzer or Analyzer(model)
    work = analyzer.work(fs)
    propulsion = analyzer.propulsion(fs)
    c = propulsion["contributors"]
    # shares among the muscles' propulsive contributions (sources that brake during the
    # propulsive phase are not subtracted), so each share lies in [0, 1]
    pushing = sum(max(v["propulsive_impulse_bw_s"], 0.0) for k, v in c.items() if k in work["muscles"])
    hip_work = {m: work["muscles"][m]["hip_extension_work_J_per_kg"] for m in HIP_EXTENSORS}

    def share(names) -> float:
        return sum(max(c[m]["propulsive_impulse_bw_s"], 0.0) for m in names) / pushing if pushing > 0 else float("nan")

    ratios = {
        "plantar_flexor_share_of_propulsion": share(PLANTAR_FLEXORS),
        "hip_extensor_share_of_propulsion": share(HIP_EXTENSORS),
        "hamstrings_share_of_hip_extension_work": hip_work["hamstrings_r"] / sum(hip_work.values())
        if sum(hip_work.values()) > 0 else float("nan"),
    }
    muscles = work["muscles"]
    total_positive = sum(v["positive_work_J_per_kg"] for v in muscles.values())
    passive = {
        "passive_share_of_muscle_positive_work": sum(v["passive_positive_work_J_per_kg"] for v in muscles.values())
        / total_positive if total_positive > 0 else float("nan"),
        "peak_passive_force_per_max_isometric": {m: v["peak_passive_force_per_max_isometric"] for m, v in muscles.items()},
        # passive fibre force above the maximal isometric force: beyond what muscle tissue bears
        "muscles_passive_above_max_isometric": [m for m, v in muscles.items()
                                                 if v["peak_passive_force_per_max_isometric"] > 1.0],
    }
    return {"work": work, "propulsion": propulsion, "ratios": ratios, "passive": passive}
