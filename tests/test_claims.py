"""The study's claims: their quantities on constructed strides (a known stride length, a known
foot placement, OpenSim's centre of mass), the verdict rule, and every claim measured on a solved
stride."""

from __future__ import annotations

import numpy as np
import pytest

from sim.apps.claims import CLAIMS, CONTRADICTED, NOT_RESOLVED, NOT_SUPPORTED, SUPPORTED, verdict
from sim.model.geometry import default_pose
from sim.model.spec import COORDINATES
from sim.results.claims import centre_of_mass, foot_placement, leg_length, stride_length, toe_off_node
from sim.stride.trajectory import Trajectory


def _stride(spec, q: np.ndarray, stride_time: float = 0.7, right_stance: slice = slice(0, 25),
            cop_x: float = 0.0) -> Trajectory:
    """A constructed full stride: coordinates ``q`` (nodes x coordinates), the right foot loaded
    over ``right_stance`` with its centre of pressure at ``cop_x`` (m)."""
    n = q.shape[0]
    muscles = spec.muscle_names()
    weight = -spec.mass * spec.gravity
    right = np.zeros((n, 3))
    right[right_stance, 1] = 2.0 * weight
    cop = {s: np.zeros((n, 3)) for s in "rl"}
    cop["r"][:, 0] = cop_x
    return Trajectory(time=np.linspace(0.0, stride_time, n), q=q, qd=np.zeros_like(q), qdd=np.zeros_like(q),
                      activation=np.zeros((n, len(muscles))), muscles=muscles, speed=3.5, body_weight=weight,
                      grf={"r": right, "l": np.zeros((n, 3))}, cop=cop)


def _pose(spec, n: int = 101, **angles_deg: float) -> np.ndarray:
    q = np.array([default_pose(spec)[c] for c in COORDINATES])[None, :].repeat(n, axis=0)
    for name, value in angles_deg.items():
        q[:, COORDINATES.index(name)] = np.radians(value)
    return q


def test_stride_length_is_the_distance_the_pelvis_travels_in_one_cycle(spec):
    q = _pose(spec)
    t = np.linspace(0.0, 1.0, q.shape[0])
    # 2.45 m in one cycle, with the pelvis surging back and forth within it as a runner's does
    q[:, COORDINATES.index("pelvis_tx")] = 0.4 + 2.45 * t + 0.03 * np.sin(2 * np.pi * 2 * t)
    assert stride_length(_stride(spec, q)) == pytest.approx(2.45, abs=1e-12)


def test_the_centre_of_mass_is_opensims(spec):
    from sim.osim.bridge import run_opensim

    rng = np.random.default_rng(3)
    q = _pose(spec, n=6)
    rotational = [i for i, c in enumerate(COORDINATES) if c not in ("pelvis_tx", "pelvis_ty")]
    q[:, rotational] += rng.uniform(-0.6, 0.6, (6, len(rotational)))
    q[:, COORDINATES.index("pelvis_tx")] += rng.uniform(-1.0, 3.0, 6)
    reference = run_opensim("mass_centers", spec=spec.model_dump(mode="json"), q=q)
    assert centre_of_mass(spec, _stride(spec, q)) == pytest.approx(reference, abs=1e-9)


def test_foot_placement_is_the_centre_of_pressure_ahead_of_the_centre_of_mass(spec):
    q = _pose(spec, hip_flexion_r=30.0, knee_angle_r=15.0, hip_flexion_l=-20.0, knee_angle_l=60.0)
    com_x = centre_of_mass(spec, _stride(spec, q))[0, 0]
    placed = foot_placement(spec, _stride(spec, q, cop_x=com_x + 0.32))
    assert placed["foot_ahead_of_com_at_touchdown_m"] == pytest.approx(0.32, abs=1e-12)
    assert placed["foot_ahead_of_com_at_touchdown_leg_lengths"] == pytest.approx(0.32 / leg_length(spec))
    # the whole scene moved 5 m down the track: the same placement
    moved = q.copy()
    moved[:, COORDINATES.index("pelvis_tx")] += 5.0
    again = foot_placement(spec, _stride(spec, moved, cop_x=com_x + 5.32))
    assert again["foot_ahead_of_com_at_touchdown_m"] == pytest.approx(0.32, abs=1e-9)


def test_leg_length_is_the_hip_joint_centre_above_the_floor_standing(spec):
    # a 1.80 m runner: the hip joint centre stands about half the body height above the floor
    assert 0.45 * spec.height < leg_length(spec) < 0.55 * spec.height
    assert leg_length(spec, "l") == pytest.approx(leg_length(spec, "r"))


def test_push_off_is_read_at_the_first_swing_node(spec):
    assert toe_off_node(_stride(spec, _pose(spec), right_stance=slice(0, 34))) == 34


@pytest.mark.parametrize("change,steps,resolution,checks,expected_verdict", [
    (-4.4, [-1.0, -1.5, 0.2, -2.1], 0.2, [-4.1, -4.6, -3.0], SUPPORTED),  # claimed fall, every check falls
    (+3.0, [1.0, 1.0, 0.5, 0.5], 0.2, [2.5, 3.2], CONTRADICTED),  # claimed fall, robustly a rise
    (+0.5, [0.5, -0.4, 0.6, -0.2], 1.2, [0.3, 0.6], NOT_SUPPORTED),  # within the spread of equally good strides
    (-2.0, [-1.0, -1.0, 0.0, 0.0], 0.2, [-1.8, +0.4], NOT_RESOLVED),  # a check changes the other way
    (-2.0, [-1.0, -1.0], 0.2, [-1.8, None], NOT_RESOLVED),  # a check found no running stride
    (-2.0, [-5.0, 1.0, 1.0, 1.0], 0.2, [-1.8], NOT_RESOLVED),  # not monotonic: most steps rise
])
def test_the_verdict_is_never_stronger_than_the_evidence(change, steps, resolution, checks, expected_verdict):
    assert verdict(change, -1, steps, resolution, checks)[0] == expected_verdict


def test_every_claim_is_measured_on_a_solved_stride(spec):
    from sim.cas.model import CasadiModel
    from sim.results.analysis import analyze
    from sim.results.claims import claim_quantities
    from sim.results.metrics import compute_metrics
    from sim.stride.problem import StrideProblem

    solution = StrideProblem(spec, n_intervals=15).solve(3.5, print_level=0)
    assert solution.report.converged
    model = CasadiModel(spec)
    fs = solution.trajectory.full_stride(model)
    values = claim_quantities(spec, fs, compute_metrics(fs), analyze(fs, model))
    for claim in CLAIMS:
        assert np.isfinite(values[claim.quantity]), claim.name
    # at the problem's fixed average speed the pelvis covers speed x stride time
    assert values["stride_length_m"] == pytest.approx(3.5 * fs.stride_time, rel=1e-6)
    assert 0.0 < values["foot_ahead_of_com_at_touchdown_leg_lengths"] < 1.0  # the foot lands ahead of the body
    assert len({c.name for c in CLAIMS}) == len(CLAIMS)


def _line(values, near_best=(), swing_knee=None, key="hip_extension_at_toe_off_deg"):
    """Strides along a knob line: one kept stride per point with ``values``; ``near_best`` maps a
    point's index to the values of its other starts within 1 % of the best cost."""
    knees = swing_knee or [85.0] * len(values)
    line = [[{key: v, "peak_swing_knee_flexion_deg": k}] for v, k in zip(values, knees, strict=True)]
    for index, others in dict(near_best).items():
        line[index] += [{key: v, "peak_swing_knee_flexion_deg": knees[index]} for v in others]
    return line


def test_a_verdict_holds_only_when_every_check_keeps_its_sign():
    from sim.apps.claim_study import evaluate_claim
    from sim.apps.claims import CLAIMS_BY_NAME

    claim = CLAIMS_BY_NAME["hip_extension_at_push_off"]  # claimed to fall with tight hip flexors
    knob = [1.0, 2.0, 3.0, 4.0, 5.0]
    falling = [31.5, 30.0, 29.1, 28.0, 27.1]
    fine = ([{claim.quantity: 30.0, "peak_swing_knee_flexion_deg": 85.0}],
            [{claim.quantity: 26.0, "peak_swing_knee_flexion_deg": 85.0}])
    row = evaluate_claim(claim, _line(falling, {0: [31.4], 4: [27.3]}), knob, fine)
    assert row["verdict"] == SUPPORTED and row["change"] == pytest.approx(-4.4)
    assert row["steps_in_claimed_direction"] == "4 of 4" and row["resolution"] == pytest.approx(0.2)
    assert len(row["checks"]["near_best_combinations"]) == 3 and row["checks"]["fine_mesh"] == pytest.approx(-4.0)
    # one near-best start at the far end that reverses the change: not resolved
    flipped = evaluate_claim(claim, _line(falling, {4: [32.0]}), knob, fine)
    assert flipped["verdict"] == NOT_RESOLVED and "change the other way" in flipped["reason"]
    # the finer mesh found no running stride at an end: not resolved either
    assert evaluate_claim(claim, _line(falling), knob, (fine[0], []))["verdict"] == NOT_RESOLVED
    # a change smaller than the spread of equally good strides: not supported
    tiny = evaluate_claim(claim, _line([31.5, 31.6, 31.4, 31.5, 31.2], {0: [32.0]}), knob, None)
    assert tiny["verdict"] == NOT_SUPPORTED and tiny["checks"]["fine_mesh"] == "not run"
    # robustly the other way: contradicted
    assert evaluate_claim(claim, _line(falling[::-1]), knob, None)["verdict"] == CONTRADICTED


def test_across_a_change_of_stride_family_the_claim_is_judged_within_the_families():
    """A step whose swing knee flexion jumps joins two stride families: the claim reports the
    jump and is judged on its change summed over the steps within one family."""
    from sim.apps.claim_study import evaluate_claim
    from sim.apps.claims import CLAIMS_BY_NAME

    claim = CLAIMS_BY_NAME["lumbar_extension_mean"]  # claimed to rise with tight hip flexors
    # lumbar extension rises within each family, but the second family sits far lower
    line = _line([5.0, 6.0, -5.0, -4.0], swing_knee=[132.0, 131.0, 87.0, 88.0], key=claim.quantity)
    row = evaluate_claim(claim, line, [1.0, 2.0, 3.0, 4.0], None)
    assert row["change"] == pytest.approx(-9.0)
    assert row["family_changes"] == [{"from": 2.0, "to": 3.0, "swing_knee_flexion_deg": [131.0, 87.0]}]
    assert row["change_within_families"] == pytest.approx(2.0) and row["verdict"] == SUPPORTED
    assert "within stride families" in row["reason"]


def test_the_study_tables_come_from_hypotheses_json(tmp_path):
    import json

    import pandas as pd

    from sim.apps.claim_study import evaluate_claim
    from sim.apps.claims import CLAIMS_BY_NAME
    from sim.apps.docs import robustness_table, study_table

    claim = CLAIMS_BY_NAME["hip_extension_at_push_off"]
    fine = ([{claim.quantity: 30.0, "peak_swing_knee_flexion_deg": 85.0}], [])
    row = evaluate_claim(claim, _line([31.5, 30.0, 27.1], {0: [31.4]}), [1.0, 3.0, 5.0], fine)
    (tmp_path / "hypotheses.json").write_text(json.dumps([row]))
    pd.DataFrame([{"hip_flexor_stiffness": 1.0, "glute_strength": 1.0, "status": "result", "point": "p0-0"}]).to_parquet(
        tmp_path / "summary.parquet")
    text = study_table(tmp_path)
    assert ("| less hip extension before the foot leaves the ground | hip extension at toe-off (deg) | "
            "hip_flexor_stiffness 1 -> 5: 31.5 -> 27.1 | -4.4 deg | 2 of 2 | 0.1 | **not resolved by this model** |") in text
    assert "- **hip extension at toe-off** (`hip_extension_at_push_off`): hip extension" in text
    assert "Schache et al. 2000" in text  # the measured evidence beside the definition
    rows = robustness_table(tmp_path)
    assert "| hip extension at toe-off | -4.4 deg | 1: -4.3 to -4.3 | no running stride | not run |" in rows


def test_the_tightness_claims_follow_whichever_hip_flexor_the_sweep_tightens():
    import pandas as pd

    from sim.apps.study import _knob_line, tightness_knob

    rectus = pd.DataFrame([{"rectus_femoris_stiffness": r, "glute_strength": g, "point": f"p{i}-{j}"}
                           for i, r in enumerate([1.0, 2.5, 4.0]) for j, g in enumerate([1.0, 0.2])])
    assert tightness_knob(rectus.columns) == "rectus_femoris_stiffness"
    line, other, healthy = _knob_line(rectus, "rectus_femoris_stiffness")
    assert list(line["rectus_femoris_stiffness"]) == [1.0, 2.5, 4.0] and (other, healthy) == ("glute_strength", 1.0)
    line, other, healthy = _knob_line(rectus, "glute_strength")
    assert list(line["glute_strength"]) == [1.0, 0.2] and (other, healthy) == ("rectus_femoris_stiffness", 1.0)
    both = rectus.assign(hip_flexor_stiffness=1.0)
    assert tightness_knob(both.columns) == "hip_flexor_stiffness"
    with pytest.raises(ValueError, match="rectus_femoris_stiffness"):
        tightness_knob(["glute_strength", "speed"])


def test_the_two_causes_are_compared_claim_by_claim(tmp_path):
    import json

    from sim.apps.claim_study import evaluate_claim
    from sim.apps.claims import CLAIMS_BY_NAME
    from sim.apps.docs import causes_table

    claim = CLAIMS_BY_NAME["hip_extension_at_push_off"]
    for name, knob, values in (("iliopsoas", "hip_flexor_stiffness", [31.5, 30.0, 27.1]),
                               ("rectus", "rectus_femoris_stiffness", [31.5, 31.9, 32.4])):
        (tmp_path / name).mkdir()
        row = evaluate_claim(replace_knob(claim, knob), _line(values), [1.0, 2.5, 4.0], None)
        (tmp_path / name / "hypotheses.json").write_text(json.dumps([row]))
    text = causes_table(tmp_path / "iliopsoas", tmp_path / "rectus")
    assert ("| less hip extension before the foot leaves the ground | hip extension at toe-off (deg) | -4.4 deg (knob "
            "1 -> 4) | **supported** | +0.9 deg (knob 1 -> 4) | **contradicted** |") in text
    assert "| shorter strides at a given pace | stride length (m) |  | not in this sweep |  | not in this sweep |" in text
    from sim.apps.claim_figures import causes_figures

    by_cause = {cause: json.loads((tmp_path / name / "hypotheses.json").read_text())
                for cause, name in (("iliopsoas", "iliopsoas"), ("rectus femoris", "rectus"))}
    figures = causes_figures(by_cause, tmp_path)
    assert [f.name for f in figures] == ["study_causes_hip_extension_and_stride.png"]
    assert figures[0].stat().st_size > 10_000


def replace_knob(claim, knob):
    from dataclasses import replace

    return replace(claim, knob=knob)
