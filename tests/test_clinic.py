"""The clinic: clinical inputs checked before any work, the strides that answer a question,
plain words that agree with their numbers, the preview, and the what-if command end to end."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from sim.apps.clinic_answer import build_answer
from sim.apps.clinic_inputs import FIELDS, InputError, defaults, parse_inputs
from sim.apps.clinic_scenarios import plan, stiffness_for_thomas_angle
from sim.calibration.thomas import thomas_test
from sim.model.spec import ModelSpecError


@pytest.mark.parametrize("field,value,words", [
    ("glute_strength_right_percent", 0.6, "looks like a fraction; for 60 % give 60"),
    ("glute_strength_left_percent", 150, "outside the allowed range [10, 100] %"),
    ("thomas_angle_right_deg", -14, "outside the allowed range [-13.5, 20] deg"),
    ("thomas_angle_left_deg", float("nan"), "must be a finite number"),
    ("speed_m_s", "fast", "must be a number"),
    ("height_m", True, "must be a number"),
    ("mass_kg", 10 ** 400, "must be a finite number"),
])
def test_bad_clinical_input_names_the_field_and_its_range(field, value, words):
    with pytest.raises(InputError) as caught:
        parse_inputs(defaults() | {field: value})
    (error,) = caught.value.errors
    assert error["field"] == field and words in error["message"] and field in error["message"]


def test_missing_unknown_and_implausible_inputs():
    payload = defaults()
    del payload["speed_m_s"]
    with pytest.raises(InputError) as caught:
        parse_inputs(payload | {"password": 1})
    assert {e["field"] for e in caught.value.errors} == {"speed_m_s", "password"}
    with pytest.raises(InputError, match="body-mass index"):
        parse_inputs(defaults() | {"height_m": 2.0, "mass_kg": 40})
    with pytest.raises(InputError, match="must be an object"):
        parse_inputs([1, 2])


def test_inputs_are_kept_at_their_clinical_resolution():
    a = parse_inputs(defaults() | {"thomas_angle_right_deg": 5.04, "glute_strength_left_percent": 59.6})
    assert a.thomas_angle_right_deg == 5.0 and a.glute_strength_left_percent == 60.0 and a.one_sided
    assert a.key() == parse_inputs(defaults() | {"thomas_angle_right_deg": 4.98,
                                                 "glute_strength_left_percent": 60.2}).key()


def test_the_thomas_range_reaches_from_loose_to_clearly_positive(spec):
    """The whole clinical range maps onto the knob, below the healthy value too (looser hip flexors, down to
    where the slack iliopsoas leaves the capsule alone holding the leg)."""
    for angle in (FIELDS["thomas_angle_right_deg"]["minimum"], -13.0, 5.0, FIELDS["thomas_angle_right_deg"]["maximum"]):
        knob = stiffness_for_thomas_angle(spec, angle)
        assert thomas_test(spec, knob).thomas_angle_deg == pytest.approx(angle, abs=0.02)
        assert (knob < 1.0) == (angle < -11.9)
    with pytest.raises(ModelSpecError, match="outside the range this model can represent"):
        stiffness_for_thomas_angle(spec, 40.0)


def test_the_strides_of_a_question():
    healthy = parse_inputs(defaults())
    assert [p.key for p in plan(healthy)] == ["healthy"]
    tight = parse_inputs(defaults() | {"thomas_angle_right_deg": 8, "thomas_angle_left_deg": 8})
    assert [p.key for p in plan(tight)] == ["healthy", "both"] and all(p.symmetric for p in plan(tight))
    both = parse_inputs(defaults() | {"thomas_angle_right_deg": 8, "thomas_angle_left_deg": 8,
                                      "glute_strength_right_percent": 60, "glute_strength_left_percent": 60})
    steps = plan(both)
    assert [p.key for p in steps] == ["healthy", "hip_flexors", "glutes", "both"]
    assert steps[1].glute_percent == (100.0, 100.0) and steps[2].thomas_deg == (None, None)
    # one side only: every stride, the healthy one too, is a full stride (one formulation compared)
    one_sided = parse_inputs(defaults() | {"glute_strength_left_percent": 60})
    assert [p.key for p in plan(one_sided)] == ["healthy", "both"]
    assert all(p.full_stride for p in plan(one_sided))


def _measures(values: dict, spread: dict | None = None) -> dict:
    curve = [0.0] * 101
    from sim.apps.clinic_measures import ANGLE_CURVES, POWER_CURVES

    return {"values": values, "spread": spread, "realism_failing": ["braking peak"], "folder": "x",
            "curves": {k[0]: curve for k in ANGLE_CURVES + POWER_CURVES},
            "frames": {"stride_time_s": 0.7, "points": {"head": [[0.0, 1.7]] * 4}}}


def _values(**changes) -> dict:
    base = {"pelvis_forward_tip_mean_deg": 10.2, "cadence_steps_per_min": 170.0, "hip_contact_force_peak_r_bw": 4.43,
            "calf_share_of_propulsion_r": 0.80, "hip_extensor_share_of_propulsion_r": 0.10}
    return base | changes


def test_plain_words_agree_with_the_numbers_shown():
    inputs = parse_inputs(defaults() | {"thomas_angle_right_deg": 8, "thomas_angle_left_deg": 8})
    answer = build_answer(inputs, {"healthy": _measures(_values()),
                                   "both": _measures(_values(pelvis_forward_tip_mean_deg=13.4,
                                                             cadence_steps_per_min=170.4,
                                                             calf_share_of_propulsion_r=0.873))})
    assert "The pelvis tips forward 3 deg more (10 -> 13 deg)." in answer["text"]
    assert "The calf muscles do 7 percentage points more of the push-off (80 -> 87 %)." in answer["text"]
    assert not any("adence" in t for t in answer["text"])  # 170.0 -> 170.4 shows as no change
    assert answer["shares"]["both"]["Other muscles"] == pytest.approx(1 - 0.873 - 0.10)
    assert any("misses 1 of the realism checks" in c for c in answer["caveats"]["both"])


def test_how_sure_a_change_is():
    inputs = parse_inputs(defaults() | {"thomas_angle_right_deg": 8, "thomas_angle_left_deg": 8})
    spread = {k: 1.0 for k in _values()}
    answer = build_answer(inputs, {"healthy": _measures(_values(), spread),
                                   "both": _measures(_values(pelvis_forward_tip_mean_deg=13.4,
                                                             cadence_steps_per_min=171.5), spread)})
    rows = {r["key"]: r for r in answer["comparison"]}
    assert rows["pelvis_forward_tip_mean_deg"]["exceeds_spread"] == {"both": True}  # 3.2 > 1 + 1
    assert rows["cadence_steps_per_min"]["exceeds_spread"] == {"both": False}  # 1.5 < 1 + 1
    unassessed = build_answer(inputs, {"healthy": _measures(_values()), "both": _measures(_values(), spread)})
    assert all(r["spread"] is None and r["exceeds_spread"] is None for r in unassessed["comparison"])


def test_a_stride_of_another_family_than_the_healthy_one_is_flagged():
    inputs = parse_inputs(defaults() | {"thomas_angle_right_deg": 8, "thomas_angle_left_deg": 8,
                                        "glute_strength_right_percent": 60, "glute_strength_left_percent": 60})
    knee = {"healthy": 134.0, "hip_flexors": 129.0, "glutes": 86.0, "both": None}
    answer = build_answer(inputs, {k: _measures(_values()) | {"swing_knee_flexion_deg": v} for k, v in knee.items()})
    flagged = {k for k, notes in answer["caveats"].items() if any("another kind than the healthy" in n for n in notes)}
    assert flagged == {"glutes"}  # 5 deg is one family; 48 deg is a switch; an unknown knee is not judged
    assert any("86 against 134 deg" in n for n in answer["caveats"]["glutes"])


def test_which_impairment_drives_a_change():
    inputs = parse_inputs(defaults() | {"thomas_angle_right_deg": 8, "thomas_angle_left_deg": 8,
                                        "glute_strength_right_percent": 60, "glute_strength_left_percent": 60})
    answer = build_answer(inputs, {"healthy": _measures(_values()),
                                   "hip_flexors": _measures(_values(pelvis_forward_tip_mean_deg=12.0)),
                                   "glutes": _measures(_values(pelvis_forward_tip_mean_deg=10.6)),
                                   "both": _measures(_values(pelvis_forward_tip_mean_deg=12.6))})
    (driver,) = [t for t in answer["text"] if t.startswith("Pelvis forward tip")]
    # changes between the values as shown (10, 12, 11, 13 deg), as the sentences tell them
    assert "mostly the hip flexors (hip flexors alone +2, glutes alone +1, both +3 deg)" in driver


def test_the_preview_interpolates_between_solved_grid_points(tmp_path):
    from sim.apps.clinic_store import preview_answer, preview_path

    grid = {"thomas_angle_deg": [-11.9, 20.0], "glute_strength_percent": [50.0, 100.0], "speed_m_s": 3.5}
    for thomas in grid["thomas_angle_deg"]:
        for glute in grid["glute_strength_percent"]:
            path = preview_path(tmp_path, grid, thomas, glute, 20)
            path.parent.mkdir(parents=True, exist_ok=True)
            tip = 10.0 + 0.5 * (thomas + 11.9) + 0.1 * (100 - glute)  # linear: bilinear is exact
            path.write_text(json.dumps(_measures(_values(pelvis_forward_tip_mean_deg=tip))))
    inputs = parse_inputs(defaults() | {"thomas_angle_right_deg": 4.1, "thomas_angle_left_deg": 4.1,
                                        "glute_strength_right_percent": 80, "glute_strength_left_percent": 80})
    answer = preview_answer(tmp_path, grid, inputs, 20)
    rows = {r["key"]: r for r in answer["comparison"]}
    assert answer["kind"] == "preview"
    assert rows["pelvis_forward_tip_mean_deg"]["values"]["both"] == pytest.approx(10.0 + 0.5 * 16.0 + 2.0)
    assert rows["pelvis_forward_tip_mean_deg"]["values"]["glutes"] == pytest.approx(12.0)
    assert any("Preview" in c for c in answer["caveats"]["both"])
    preview_path(tmp_path, grid, 20.0, 50.0, 20).unlink()  # a missing corner: no preview, not a guess
    assert preview_answer(tmp_path, grid, inputs, 20) is None


@pytest.mark.parametrize("args,message", [
    (["--glute-strength", "0.6"], "0.6 looks like a fraction; for 60 % give 60"),
    (["--thomas-angle-left", "40"], "--thomas-angle-left = 40 deg is outside the allowed range [-13.5, 20] deg"),
    (["--thomas-angle", "5", "--thomas-angle-right", "3"], "not both"),
    (["--speed", "9"], "--speed = 9 m/s is outside the allowed range [2, 5.5] m/s"),
])
def test_whatif_refuses_bad_input_before_any_work(tmp_path, args, message):
    proc = subprocess.run([sys.executable, "-m", "sim", "whatif", *args, "-o", str(tmp_path / "clinic")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and message in " ".join(proc.stderr.split())
    assert not (tmp_path / "clinic").exists()


def _whatif(out, *args):
    # two starts: on this coarse mesh the measured-stride start alone ends at IPOPT's iteration limit
    # for the healthy stride; the continuation start converges (the scenarios warm-start from it)
    return subprocess.run([sys.executable, "-m", "sim", "whatif", *args, "--n-intervals", "20", "--starts", "2",
                           "-o", str(out)], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def first_question(tmp_path_factory):
    out = tmp_path_factory.mktemp("clinic") / "store"
    return out, _whatif(out, "--thomas-angle", "5", "--glute-strength", "60")


@pytest.mark.opensim
def test_whatif_answers_a_clinical_question(first_question):
    out, proc = first_question
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Compared with healthy running" in proc.stdout and "Lower back (L5/S1) compression" in proc.stdout
    (folder,) = (out / "answers").iterdir()
    answer = json.loads((folder / "answer.json").read_text())
    assert [s["key"] for s in answer["scenarios"]] == ["healthy", "hip_flexors", "glutes", "both"]
    assert answer["inputs"]["glute_strength_right_percent"] == 60.0
    knobs = json.loads((out / "strides" / "thomas+5.0_g60_v3.50_h1.80_m75.2_n20" / "config.json").read_text())["knobs"]
    assert knobs["glute_strength"] == pytest.approx(0.6)
    assert thomas_test_angle(knobs["hip_flexor_stiffness"]) == pytest.approx(5.0, abs=0.05)
    assert (folder / "report.pdf").stat().st_size > 10_000
    for row in answer["loads"]:
        assert all(math.isfinite(v) and v > 0 for v in row["values"].values()), row


def thomas_test_angle(knob: float) -> float:
    from sim.model.spec import load_spec

    return thomas_test(load_spec(), knob).thomas_angle_deg


@pytest.mark.opensim
def test_a_second_question_reuses_strides_and_keeps_the_first_answer(first_question):
    out, first = first_question
    assert first.returncode == 0, first.stderr[-3000:]
    (first_folder,) = (out / "answers").iterdir()
    first_answer = (first_folder / "answer.json").read_text()
    strides = {p.name: (p / "solution.npz").stat().st_mtime_ns for p in (out / "strides").iterdir() if p.is_dir()}
    second = _whatif(out, "--thomas-angle", "5", "--glute-strength", "80")
    assert second.returncode == 0, second.stderr[-3000:]
    assert len(list((out / "answers").iterdir())) == 2
    assert (first_folder / "answer.json").read_text() == first_answer
    after = {p.name: (p / "solution.npz").stat().st_mtime_ns for p in (out / "strides").iterdir() if p.is_dir()}
    # the healthy and the hip-flexors-alone strides are shared, not solved again
    assert {k: after[k] for k in strides} == strides and len(after) == len(strides) + 2
    again = _whatif(out, "--thomas-angle", "5", "--glute-strength", "80")
    assert again.returncode == 0 and "answered before" in again.stderr


def _wait(service, job_id: str, states: set[str], seconds: float = 600.0) -> dict:
    import time

    end = time.time() + seconds
    while time.time() < end:
        view = service.job(job_id)
        if view["state"] in states:
            return view
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {service.job(job_id)['state']} after {seconds} s")


@pytest.mark.opensim
def test_the_service_cancels_queues_and_keeps_answers_over_a_restart(tmp_path):
    """Cancel ends the job's own solve (and only it), a queued job waits its turn with its place
    shown, and a restarted service finds the answer solved before."""
    from sim.apps.clinic_service import ClinicService

    first = parse_inputs(defaults() | {"thomas_angle_right_deg": 6, "thomas_angle_left_deg": 6})
    second = parse_inputs(defaults() | {"glute_strength_right_percent": 70, "glute_strength_left_percent": 70})
    service = ClinicService(tmp_path, n_intervals=10, starts=1, preview=False)
    service.start()
    try:
        a = service.submit(first)
        b = service.submit(second)
        assert service.job(b["id"])["state"] == "queued"
        _wait(service, a["id"], {"running"})
        assert service.job(b["id"])["position"] == 1
        cancelled = service.cancel(a["id"])
        assert cancelled["state"] == "cancelled", cancelled
        done = _wait(service, b["id"], {"done", "failed"})
        assert done["state"] == "done", done["message"]
        assert service.answer(b["id"])["scenarios"][-1]["key"] == "both"
        assert service.pdf(b["id"]).stat().st_size > 10_000
    finally:
        service.stop()
    again = ClinicService(tmp_path, n_intervals=10, starts=1, preview=False)
    again.start()
    try:
        assert again.submit(second)["state"] == "done"  # at once, from the store
        assert again.submit(first)["state"] == "queued"  # the cancelled question was never answered
    finally:
        again.stop()
