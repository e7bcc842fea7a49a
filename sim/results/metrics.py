"""Gait metrics of a full stride (metrics.json): timing, GRF peaks, joint angles, trunk, realism,
and how fast a loaded foot slides (real feet land almost at rest; a contact model with friction
also lets a swinging foot land sliding and be braked by friction, which costs the optimizer
nothing: docs/validation.md)."""

from __future__ import annotations

import numpy as np

from sim.data.measured import ANGLES, PERCENT, measured_cycle
from sim.stride.classify import CONTACT_THRESHOLD
from sim.stride.trajectory import Trajectory

#: realism targets for healthy running at 3.5 m/s (docs/validation.md; Fukuchi et al. 2017,
#: Hamner 2010 subject): (low, high)
REALISM = {"cadence_steps_per_min": (160.0, 185.0), "duty_factor": (0.30, 0.40),
           "peak_vertical_grf_bw": (2.2, 3.0), "peak_swing_knee_flexion_deg": (90.0, 180.0)}


def _stance_intervals(contact: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) node indices of each contact phase in a closed cycle (last node = first)."""
    on = contact[:-1]
    starts = np.flatnonzero(on & ~np.roll(on, 1))
    out = []
    for s in starts:
        e = s
        while on[(e + 1) % len(on)] and (e + 1) % len(on) != s:
            e += 1
        out.append((int(s), int(e % len(on))))
    return out


def right_toe_off_node(fs: Trajectory) -> int:
    """The first node of the right foot's swing after its stance from node 0 (right heel strike)."""
    right_stances = _stance_intervals(fs.contact("r"))
    return right_stances[0][1] + 1 if right_stances else 0


def compute_metrics(fs: Trajectory) -> dict:
    """All scalar metrics of one stride; angles in degrees, forces in body weights, SI otherwise."""
    deg = np.degrees
    t = fs.time
    n = len(t) - 1
    dt = fs.stride_time / n
    on_r, on_l = fs.contact("r")[:-1], fs.contact("l")[:-1]
    contact_r = float(on_r.mean())
    flight = float(np.mean(~on_r & ~on_l))
    toe_off = right_toe_off_node(fs)
    vertical = fs.grf["r"][:, 1] / fs.body_weight
    horizontal = fs.grf["r"][:, 0] / fs.body_weight
    stance = fs.contact("r")
    braking_idx = int(np.argmin(np.where(stance, horizontal, np.inf)))
    propulsive_idx = int(np.argmax(np.where(stance, horizontal, -np.inf)))
    hip, knee = fs.column("hip_flexion_r"), fs.column("knee_angle_r")
    tilt, lumbar = fs.column("pelvis_tilt"), fs.column("lumbar_extension")
    thigh = tilt + hip  # thigh angle to the vertical, + forward
    swing = ~fs.contact("r")
    metrics = {
        "speed_m_per_s": fs.speed,
        "stride_time_s": fs.stride_time,
        "stride_length_m": fs.speed * fs.stride_time,
        "cadence_steps_per_min": 120.0 / fs.stride_time,
        "duty_factor": contact_r,
        "contact_time_s": contact_r * fs.stride_time,
        "flight_time_s": flight * fs.stride_time / 2.0,  # per step
        "flight_phase": bool(flight > 0),
        "peak_vertical_grf_bw": float(vertical.max()),
        "peak_braking_grf_bw": float(-horizontal[braking_idx]),
        "peak_propulsive_grf_bw": float(horizontal[propulsive_idx]),
        "braking_before_propulsion": bool(braking_idx < propulsive_idx),
        "joint_angle_min_deg": {c: float(deg(fs.column(c).min())) for c in _angle_columns()},
        "joint_angle_max_deg": {c: float(deg(fs.column(c).max())) for c in _angle_columns()},
        "peak_hip_extension_deg": float(-deg(hip.min())),
        # where the peak falls: the measured runner peaks at 42 % of the cycle, just after toe-off
        # (36 %), with the hip already extended 24 deg at toe-off
        "peak_hip_extension_percent": float(fs.cycle_percent[int(np.argmin(hip))]),
        "hip_extension_at_toe_off_deg": float(-deg(hip[toe_off])),
        "peak_thigh_extension_deg": float(-deg(thigh.min())),
        "thigh_extension_at_toe_off_deg": float(-deg(thigh[toe_off])),
        "peak_swing_knee_flexion_deg": float(deg(knee[swing].max())) if swing.any() else float("nan"),
        # the cycle starts at right heel strike: node 0 is initial contact
        "knee_flexion_at_contact_deg": float(deg(knee[0])),
        "peak_stance_knee_flexion_deg": float(deg(knee[stance].max())) if stance.any() else float("nan"),
        "pelvic_tilt_mean_deg": float(deg(tilt[:-1].mean())),
        "pelvic_tilt_peak_anterior_deg": float(-deg(tilt.min())),  # anterior tilt is negative
        "pelvic_tilt_range_deg": float(deg(np.ptp(tilt))),
        "lumbar_extension_mean_deg": float(deg(lumbar[:-1].mean())),
        "lumbar_extension_peak_deg": float(deg(lumbar.max())),
        "lumbar_extension_range_deg": float(deg(np.ptp(lumbar))),
        "trunk_forward_lean_mean_deg": float(-deg((tilt + lumbar)[:-1].mean())),  # torso to vertical
        "right_toe_off_percent": float(100.0 * toe_off / n),
        "peak_hip_extension_after_toe_off_percent": float(fs.cycle_percent[int(np.argmin(hip))] - 100.0 * toe_off / n),
        "time_step_s": dt,
    }
    metrics["realism"] = {k: {"value": metrics[k], "range": list(r), "ok": bool(r[0] <= metrics[k] <= r[1])}
                          for k, r in REALISM.items()}
    metrics["realism"]["flight_phase"] = {"value": metrics["flight_phase"], "ok": metrics["flight_phase"]}
    metrics["realism"]["braking_then_propulsion"] = {"value": metrics["braking_before_propulsion"],
                                                     "ok": metrics["braking_before_propulsion"]}
    metrics["rms_vs_measured"] = compare_with_measured(fs)
    return metrics


def _angle_columns() -> list[str]:
    from sim.model.spec import COORDINATES

    return [c for c in COORDINATES if c not in ("pelvis_tx", "pelvis_ty")]


def cycle_curves(fs: Trajectory) -> dict[str, np.ndarray]:
    """Simulated curves at PERCENT (angles deg, GRF body weights), for plots and RMS."""
    pct = fs.cycle_percent
    curves = {name: np.interp(PERCENT, pct, np.degrees(fs.column(name))) for name in ANGLES}
    curves["grf_vertical"] = np.interp(PERCENT, pct, fs.grf["r"][:, 1] / fs.body_weight)
    curves["grf_horizontal"] = np.interp(PERCENT, pct, fs.grf["r"][:, 0] / fs.body_weight)
    return curves


def compare_with_measured(fs: Trajectory) -> dict:
    """RMS differences over the gait cycle against the measured subject (deg; body weights)."""
    ref = measured_cycle()
    sim = cycle_curves(fs)
    out = {f"{name}_deg": float(np.sqrt(np.mean((sim[name] - ref.angles_deg[name]) ** 2))) for name in ANGLES}
    out["grf_vertical_bw"] = float(np.sqrt(np.mean((sim["grf_vertical"] - ref.grf_bw["vertical"]) ** 2)))
    out["grf_horizontal_bw"] = float(np.sqrt(np.mean((sim["grf_horizontal"] - ref.grf_bw["horizontal"]) ** 2)))
    out["measured_speed_m_per_s"] = ref.speed
    out["measured_cycles"] = ref.n_cycles
    return out


def coordinates_at_range_limit(fs: Trajectory, ranges_deg: dict[str, tuple[float, float]],
                               tolerance_deg: float = 0.5) -> dict[str, str]:
    """Coordinates that reach their optimization bound ("lower"/"upper") somewhere in the stride.

    A stride touching a bound is shaped by that bound rather than by the muscles and passive
    structures, so such a result should be read with care (docs/validation.md).
    """
    out = {}
    for name, (low, high) in ranges_deg.items():
        angle = np.degrees(fs.column(name))
        if angle.min() <= low + tolerance_deg:
            out[name] = "lower"
        elif angle.max() >= high - tolerance_deg:
            out[name] = "upper"
    return out


def loaded_foot_slip(fs: Trajectory, model, side: str = "r") -> dict[str, float]:
    """Peak slip speed (m/s) of a loaded contact sphere of ``side``'s foot, and where (% of cycle)."""
    n = fs.q.shape[0]
    slip = np.abs(np.asarray(model.contact_slip.map(n)(fs.q.T, fs.qd.T)).reshape(n, -1))
    mine = [j for j, s in enumerate(model.spheres) if s.name.endswith(f"_{side}")]
    loaded = np.where(fs.sphere_normal_force[:, mine] > CONTACT_THRESHOLD, slip[:, mine], 0.0)
    node = int(np.argmax(loaded.max(axis=1)))
    return {"peak_m_per_s": float(loaded.max()), "percent_of_cycle": float(fs.cycle_percent[node])}
