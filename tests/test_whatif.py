"""Clinician what-if: clinical inputs mapped to knobs, checked before any solve."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.apps.whatif import compare, sentences, stiffness_for_thomas_angle
from sim.calibration.thomas import thomas_test
from sim.model.spec import ModelSpecError


def test_thomas_angle_maps_back_to_the_knob(spec):
    for k in (1.3, 2.5, 3.7):
        angle = thomas_test(spec, k).thomas_angle_deg
        assert stiffness_for_thomas_angle(spec, angle) == pytest.approx(k, abs=1e-3)


def test_thomas_angle_outside_the_model_range(spec):
    with pytest.raises(ModelSpecError, match=r"--thomas-angle 40 deg is outside the range"):
        stiffness_for_thomas_angle(spec, 40.0)


def test_comparison_sentences_follow_the_numbers():
    healthy = {"peak_hip_extension_deg": 20.0, "cadence_steps_per_min": 170.0}
    scenario = {"peak_hip_extension_deg": 12.5, "cadence_steps_per_min": 170.0}
    text = sentences(compare(healthy, scenario))
    assert text[0] == "Peak hip extension (negative = the hip stays flexed) falls from 20.0 to 12.5 deg (-7.5)."
    assert text[1] == "Cadence is unchanged (170 steps/min)."


@pytest.mark.parametrize("args,message", [
    (["--thomas-angle", "10", "--glute-strength", "0"], "outside the allowed range (0, 100]"),
    (["--thomas-angle", "10", "--glute-strength", "150"], "outside the allowed range (0, 100]"),
    (["--thomas-angle", "60"], "outside the range this model can represent"),
    (["--glute-strength", "50"], "exactly one of --thomas-angle"),
])
def test_whatif_cli_rejects_bad_input(tmp_path, args, message):
    proc = subprocess.run([sys.executable, "-m", "sim", "whatif", *args, "-o", str(tmp_path / "w")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and message in proc.stderr.replace("\n", " ")
    assert not (tmp_path / "w").exists()


def _whatif(out, *args):
    return subprocess.run([sys.executable, "-m", "sim", "whatif", *args, "--n-intervals", "20",
                           "--search", str(out.parent / "none"), "-o", str(out)],
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def first_scenario(tmp_path_factory):
    out = tmp_path_factory.mktemp("clinic") / "w"
    return out, _whatif(out, "--thomas-angle", "5", "--glute-strength", "60")


@pytest.mark.opensim
def test_whatif_answers_a_clinical_question(first_scenario):
    tmp_path = first_scenario[0].parent
    proc = first_scenario[1]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Compared with healthy running" in proc.stdout and "Peak hip extension (negative" in proc.stdout
    import json

    (folder,) = [p for p in (tmp_path / "w").iterdir() if (p / "whatif.json").exists()]
    summary = json.loads((folder / "whatif.json").read_text())
    assert summary["scenario"]["glute_strength"] == pytest.approx(0.6)
    assert thomas_test_angle_matches(summary)
    for suffix in ("png", "pdf"):
        assert (folder / f"whatif.{suffix}").stat().st_size > 10_000


@pytest.mark.opensim
def test_a_second_scenario_keeps_the_first_one(first_scenario):
    """Each scenario has its own folder, named by its inputs; asking a second question neither
    replaces the first answer nor solves the shared healthy stride again."""
    import json

    out, first = first_scenario
    assert first.returncode == 0, first.stderr[-3000:]
    (first_folder,) = [p for p in out.iterdir() if (p / "whatif.json").exists()]
    first_answer = (first_folder / "whatif.json").read_text()
    second = _whatif(out, "--thomas-angle", "5", "--glute-strength", "80")
    assert second.returncode == 0, second.stderr[-3000:]
    assert "healthy baseline: reusing" in second.stderr.replace("\n", " ")
    answers = sorted(p.name for p in out.iterdir() if (p / "whatif.json").exists())
    assert len(answers) == 2 and first_folder.name in answers
    assert (first_folder / "whatif.json").read_text() == first_answer
    strengths = sorted(json.loads((out / a / "whatif.json").read_text())["scenario"]["glute_strength"] for a in answers)
    assert strengths == pytest.approx([0.6, 0.8])


def thomas_test_angle_matches(summary) -> bool:
    from sim.model.spec import load_spec

    k = summary["scenario"]["hip_flexor_stiffness"]
    return abs(thomas_test(load_spec(), k).thomas_angle_deg - 5.0) < 0.05


def test_a_stored_baseline_is_reused_only_for_the_same_model_cost_and_knobs(tmp_path, spec):
    """`stridesim run` stores no knobs (defaults) and must count as the healthy baseline; a run
    of a changed model (here one tendon slack length), of another cost (another acceleration
    weight) or from before formulations were recorded is stale and must not be reused."""
    import json

    from sim.apps.whatif import reusable_runs
    from sim.stride.problem import DEFAULT_WEIGHTS, formulation

    changed = spec.model_copy(update={"muscles": [
        m.model_copy(update={"tendon_slack_length": m.tendon_slack_length + 0.01}) if m.name == "soleus" else m
        for m in spec.muscles]})
    other_cost = formulation({"acceleration": 20 * DEFAULT_WEIGHTS["acceleration"]})
    runs = []
    for name, model, knobs, cost in (("defaults", spec, {}, formulation()),
                                     ("explicit", spec, {"glute_strength": 1.0}, formulation()),
                                     ("weak", spec, {"glute_strength": 0.6}, formulation()),
                                     ("stale", changed, {}, formulation()),
                                     ("other_cost", spec, {}, other_cost), ("unrecorded", spec, {}, None)):
        folder = tmp_path / name
        folder.mkdir()
        config = {"knobs": knobs, "speed": 3.5, "n_intervals": 50}
        (folder / "config.json").write_text(json.dumps(config))
        (folder / "spec.json").write_text(model.model_dump_json(indent=1))
        (folder / "status.json").write_text(json.dumps({} if cost is None else {"formulation": cost}))
        runs.append((folder, config))
    healthy = {"hip_flexor_stiffness": 1.0, "glute_strength": 1.0}
    assert [p.name for p in reusable_runs(runs, spec, healthy, 3.5, 50)] == ["defaults", "explicit"]
    assert reusable_runs(runs, spec, healthy, 3.0, 50) == []
    assert reusable_runs(runs, spec, healthy, 3.5, 20) == []
    assert [p.name for p in reusable_runs(runs, changed, healthy, 3.5, 50)] == ["stale"]
    assert changed.fingerprint() != spec.fingerprint()
    # a citation or description edit does not change the physics, so it keeps the fingerprint
    cited = spec.model_copy(update={"description": "edited", "sources": {
        k: v.model_copy(update={"citation": v.citation + " (edited)"}) for k, v in spec.sources.items()}})
    assert cited.fingerprint() == spec.fingerprint()
