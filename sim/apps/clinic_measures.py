"""What the clinic reads off one solved stride: posture, who propels, tissue loads, per side,
plus the curves and stick-figure frames the page draws (docs/clinic.md, 'What is reported').

Right-side analyses describe the left leg when run on the stride seen from the other side
(:meth:`sim.stride.trajectory.Trajectory.mirrored`), so every per-side number comes from the
same code. The spread over the other starts that reached the best cost (within 1 %) says how
sure each number is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.model.geometry import FLOAT_OPS, body_poses
from sim.results.flags import evaluate
from sim.results.runfolder import RunFolder

#: the gait-cycle grid of the curves (percent from right heel strike)
PERCENT = np.linspace(0.0, 100.0, 101)
#: frames of the stick-figure animation per stride (the same phases for every stride)
FRAMES = 40
SIDES = ("r", "l")
#: the speed of the realism targets (sim.results.metrics.REALISM) and the checks that depend on it
REALISM_SPEED = 3.5
SPEED_DEPENDENT_CHECKS = ("cadence", "duty factor", "peak vertical ground force")
#: angle curves: (key, label, coordinate, sign); signs make "forward tip" and "extension" positive
ANGLE_CURVES = [("hip_flexion_r", "Hip flexion, right", "hip_flexion_r", 1.0),
                ("hip_flexion_l", "Hip flexion, left", "hip_flexion_l", 1.0),
                ("pelvis_forward_tip", "Pelvis forward tip (anterior tilt)", "pelvis_tilt", -1.0),
                ("lumbar_extension", "Lumbar extension (arched back)", "lumbar_extension", 1.0),
                ("knee_flexion_r", "Knee flexion, right", "knee_angle_r", 1.0),
                ("knee_flexion_l", "Knee flexion, left", "knee_angle_l", 1.0),
                ("ankle_dorsiflexion_r", "Ankle dorsiflexion, right", "ankle_angle_r", 1.0)]
POWER_CURVES = [("hip_power_r", "Hip power, right", "hip_flexion_r"), ("knee_power_r", "Knee power, right", "knee_angle_r"),
                ("ankle_power_r", "Ankle power, right", "ankle_angle_r")]
#: stick-figure segments between named points
SEGMENTS = [("head", "neck"), ("neck", "lumbar"), *[pair for s in SIDES for pair in (
    ("lumbar", f"hip_{s}"), (f"hip_{s}", f"knee_{s}"), (f"knee_{s}", f"ankle_{s}"), (f"ankle_{s}", f"heel_{s}"),
    (f"heel_{s}", f"toe_{s}"), (f"ankle_{s}", f"toe_{s}"))]]


def _side_values(metrics: dict, ratios: dict, side: str) -> dict[str, float]:
    return {f"hip_extension_at_toe_off_{side}_deg": metrics["hip_extension_at_toe_off_deg"],
            f"peak_hip_extension_{side}_deg": metrics["peak_hip_extension_deg"],
            f"knee_flexion_at_contact_{side}_deg": metrics["knee_flexion_at_contact_deg"],
            f"calf_share_of_propulsion_{side}": ratios["plantar_flexor_share_of_propulsion"],
            f"hip_extensor_share_of_propulsion_{side}": ratios["hip_extensor_share_of_propulsion"],
            f"hamstring_share_of_hip_extension_work_{side}": ratios["hamstrings_share_of_hip_extension_work"]}


def stride_values(trajectory, spec, model, analyzer) -> tuple[dict[str, float], dict]:
    """Every reported number of one solved stride, and the right-first full stride with its joint
    moments (``analyzer``: a :class:`sim.results.analysis.Analyzer` of ``model``)."""
    from sim.results.analysis import analyze
    from sim.results.loads import clinical_loads
    from sim.results.metrics import compute_metrics

    values: dict[str, float] = {}
    knee_moment = {}
    for side, solved in (("r", trajectory), ("l", trajectory.mirrored())):
        fs = solved.full_stride(model)
        metrics, analysis = compute_metrics(fs), analyze(fs, model, analyzer)
        values.update(_side_values(metrics, analysis["ratios"], side))
        moments = analyzer.joint_moments(fs)["total"]
        knee_moment[side] = moments[:, fs.coordinates.index("knee_angle_r")]
        if side == "r":
            right, right_metrics, right_moments = fs, metrics, moments
    values.update(clinical_loads(spec, right, knee_moment))
    m = right_metrics
    values.update({"cadence_steps_per_min": m["cadence_steps_per_min"], "stride_length_m": m["stride_length_m"],
                   "contact_time_s": m["contact_time_s"], "pelvis_forward_tip_mean_deg": -m["pelvic_tilt_mean_deg"],
                   "lumbar_extension_mean_deg": m["lumbar_extension_mean_deg"],
                   "lumbar_extension_peak_deg": m["lumbar_extension_peak_deg"],
                   "trunk_forward_lean_mean_deg": m["trunk_forward_lean_mean_deg"],
                   "peak_vertical_grf_bw": m["peak_vertical_grf_bw"], "peak_braking_grf_bw": m["peak_braking_grf_bw"]})
    return {k: float(v) for k, v in values.items()}, {"full_stride": right, "joint_moments": right_moments}


def curves(fs, moments: np.ndarray, gravity: float) -> dict[str, list[float]]:
    """Angle (deg) and joint power (W/kg) curves on :data:`PERCENT` (``moments``: the net joint
    moments of ``fs``, nodes x coordinate, N m)."""
    out = {}
    for key, _, coordinate, sign in ANGLE_CURVES:
        out[key] = np.interp(PERCENT, fs.cycle_percent, sign * np.degrees(fs.column(coordinate))).tolist()
    mass = fs.body_weight / abs(gravity)
    for key, _, coordinate in POWER_CURVES:
        j = fs.coordinates.index(coordinate)
        out[key] = np.interp(PERCENT, fs.cycle_percent, moments[:, j] * fs.qd[:, j] / mass).tolist()
    return out


def frames(fs, spec, count: int = FRAMES) -> dict:
    """Stick-figure points (m; x forward relative to the runner's mean position, y up) at ``count``
    equally spaced phases of the stride."""
    phases = np.arange(count) / count
    t = fs.time[0] + phases * fs.stride_time
    torso = next(b for b in spec.bodies_expanded() if b.name == "torso")
    neck_height = 2.25 * torso.com[1]
    spheres = spec.contact_spheres_expanded()
    heel = {s: min((p for p in spheres if p.name.endswith(f"_{s}")), key=lambda p: p.location[0]) for s in SIDES}
    toe = {s: max((p for p in spheres if p.name.endswith(f"_{s}")), key=lambda p: p.location[0]) for s in SIDES}
    points: dict[str, list] = {}
    for time in t:
        q = {c: float(np.interp(time, fs.time, fs.q[:, i])) for i, c in enumerate(fs.coordinates)}
        named = _figure(spec, body_poses(spec, q), fs.speed * (time - fs.time[0]), torso.com, neck_height, heel, toe)
        for name, xy in named.items():
            points.setdefault(name, []).append(xy)
    return {"stride_time_s": fs.stride_time, "points": points}


def _figure(spec, poses, advance: float, com, neck_height: float, heel: dict, toe: dict) -> dict[str, list[float]]:
    """The stick figure's named points in one pose, moved back by the runner's ``advance`` (m)."""
    def at(body: str, local) -> list[float]:
        x, y, _ = poses[body].point([local[0], local[1], 0.0], FLOAT_OPS)
        return [round(x - advance, 4), round(y, 4)]

    named = {"lumbar": at("torso", [0.0, 0.0]), "neck": at("torso", [com[0], neck_height]),
             "head": at("torso", [com[0] + 0.03, neck_height + 0.45 * com[1]])}
    for s in SIDES:
        named |= {f"hip_{s}": at(f"femur_{s}", [0, 0]), f"knee_{s}": at(f"tibia_{s}", [0, 0]),
                  f"ankle_{s}": at(f"talus_{s}" if f"talus_{s}" in poses else f"calcn_{s}", [0, 0]),
                  f"heel_{s}": at(heel[s].body, heel[s].location), f"toe_{s}": at(toe[s].body, toe[s].location)}
    return named


def stride_measures(folder: str | Path) -> dict:
    """Everything the clinic shows of the stride in ``folder`` (a run folder), JSON-ready."""
    from sim.cas.model import CasadiModel
    from sim.results.analysis import Analyzer

    run = RunFolder(folder)
    trajectory, spec = run.solution()
    model = CasadiModel(spec)
    analyzer = Analyzer(model)
    values, extras = stride_values(trajectory, spec, model, analyzer)
    fs = extras["full_stride"]
    spread, starts = None, 1
    near = run.near_best() if run.file("near_best").exists() else []
    if near:
        others = [stride_values(t, spec, model, analyzer)[0] for t in near]
        starts += len(others)
        spread = {k: float(max(v[k] for v in [values, *others]) - min(v[k] for v in [values, *others])) for k in values}
    # the timing and force targets are those of healthy running at 3.5 m/s: not applied at other speeds
    skipped = SPEED_DEPENDENT_CHECKS if abs(fs.speed - REALISM_SPEED) > 0.25 else ()
    metrics = run.metrics()
    failing = [flag["key"] for flag in evaluate(metrics) if flag["ok"] is False and flag["key"] not in skipped]
    return {"folder": str(Path(folder).resolve()), "values": values, "spread": spread, "starts_at_best": starts,
            "swing_knee_flexion_deg": metrics.get("peak_swing_knee_flexion_deg"), "realism_failing": failing,
            "realism_not_applied": list(skipped), "speed_m_s": fs.speed,
            "curves": curves(fs, extras["joint_moments"], spec.gravity), "frames": frames(fs, spec)}
