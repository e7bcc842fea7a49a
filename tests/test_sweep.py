"""Sweeps: local processes and a real Dask cluster through one code path, resume after a kill,
corrupted results detected, results of another model refused, bad grids and unreachable schedulers rejected quickly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.model.spec import ModelSpecError
from sim.results.runfolder import RunFolder
from sim.sweep.config import grid_points, load_sweep, point_starts
from sim.sweep.engine import SchedulerUnreachable, StaleSweep, run_sweep
from sim.sweep.worker import POINT_FILE

pytestmark = pytest.mark.opensim

SMALL = """name = "small"
speed = 3.5
n_intervals = 10
starts = 3  # the tests read the multi-start's records, not the search's depth
max_iter = 1000  # the coarse mesh needs more than 300 iterations at some grid points
polish_max_iter = 1000
[grid]
hip_flexor_stiffness = [1.0, 3.0]
glute_strength = [1.0, 0.5]
"""


#: two points of the same grid, for the tests of a code path rather than of the sweep's tables (without
#: the polish pass, so that a solved point's record changes only when the point is solved)
PAIR = SMALL.replace("glute_strength = [1.0, 0.5]", "glute_strength = [1.0]").replace(
    "max_iter = 1000  #", "polish = false\nmax_iter = 1000  #")


@pytest.fixture()
def sweep_file(tmp_path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


@pytest.fixture()
def pair_file(tmp_path) -> Path:
    path = tmp_path / "pair.toml"
    path.write_text(PAIR)
    return path


@pytest.fixture(scope="module")
def solved_small(tmp_path_factory) -> Path:
    """The small sweep solved once (2 workers); tests that alter a solved sweep work on a copy."""
    root = tmp_path_factory.mktemp("solved_small")
    (root / "small.toml").write_text(SMALL)
    run_sweep(load_sweep(root / "small.toml"), root / "out", workers=2)
    return root


def _copy_of(solved: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(sweep file, output folder) of a private copy of a solved sweep."""
    import shutil

    shutil.copytree(solved, tmp_path / "copy")
    return tmp_path / "copy" / "small.toml", tmp_path / "copy" / "out"


def _markers(out: Path) -> dict[str, float]:
    return {p.parent.name: p.stat().st_mtime_ns for p in (out / "points").glob(f"*/{POINT_FILE}")}


def test_local_sweep_then_resume_is_a_no_op(sweep_file, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "sim", "sweep", str(sweep_file), "-o", str(out), "--workers", "2"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(_markers(out)) == 4
    for name in ("summary.parquet", "summary.csv", "timeseries.nc"):
        assert (out / name).stat().st_size > 0
    import pandas as pd
    import xarray as xr

    table = pd.read_parquet(out / "summary.parquet")
    assert len(table) == 4 and set(table["status"]) <= {"result", "failed"}
    data = xr.open_dataset(out / "timeseries.nc")
    # one variable per quantity, each with its units, dimensions named for what they index
    assert data["hip_flexion_r"].dims == ("hip_flexor_stiffness", "glute_strength", "cycle_percent")
    assert data["hip_flexion_r"].attrs["units"] == "deg" and data["hip_flexion_r_moment"].attrs["units"] == "N m/kg"
    assert data["muscle_force"].dims[-1] == "muscle" and "glut_max_r" in data["muscle"].values
    for name in ("knee_angle_r_power", "grf_r_vertical", "activation"):
        assert data[name].attrs["units"] and data[name].attrs["description"]
    solved = table[table["status"] == "result"].iloc[0]
    curve = data["hip_flexion_r"].sel(hip_flexor_stiffness=solved["hip_flexor_stiffness"],
                                      glute_strength=solved["glute_strength"])
    assert float(-curve.min()) == pytest.approx(solved["peak_hip_extension_deg"], abs=1.0)  # the same stride
    # the study figures and the plain-language summary come with a stiffness x strength sweep
    summary = (out / "summary.md").read_text()
    from sim.apps.claims import CLAIMS

    verdicts = ("supported", "contradicted", "not supported", "not resolved by this model", "not testable")
    for claim in CLAIMS:  # every claim, each with a verdict
        line = next(x for x in summary.splitlines() if x.startswith(f"- {claim.told}:"))
        assert any(v in line for v in verdicts)
    assert "cadence (steps/min) along hip_flexor_stiffness 1, 3" in summary
    for name in ("heatmaps.png", "lines.png", "hypotheses.json", "claims_propulsion.png",
                 "claims_hamstrings_and_back.png"):
        assert (out / name).stat().st_size > 0
    # each point's first attempt is a multi-start (the file's 3 starts), recorded per start
    for marker in (out / "points").glob(f"*/{POINT_FILE}"):
        first = json.loads(marker.read_text())["attempts"][0]
        assert len(first["starts"]) == 3 and sum(r["chosen"] for r in first["starts"]) == 1
    before = _markers(out)
    again = subprocess.run([sys.executable, "-m", "sim", "sweep", str(sweep_file), "-o", str(out)],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "4 already solved" in again.stderr.replace("\n", " ")
    assert _markers(out) == before  # nothing solved twice


def test_killed_sweep_resumes_without_losing_or_repeating_work(pair_file, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(pair_file), "-o", str(out), "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and len(_markers(out)) < 1:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole sweep, workers included, at an arbitrary moment
    proc.wait()
    done_before = _markers(out)
    assert len(done_before) == 1  # one solved, one cut off
    resumed = subprocess.run([sys.executable, "-m", "sim", "sweep", str(pair_file), "-o", str(out)],
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    after = _markers(out)
    assert len(after) == 2
    assert all(after[k] == v for k, v in done_before.items())  # solved points kept, not re-solved


def _good_points(out: Path) -> dict[str, float]:
    """Folder name -> cost of the points that count as results."""
    return {m.parent.name: json.loads((m.parent / "status.json").read_text())["objective"]
            for m in (out / "points").glob(f"*/{POINT_FILE}") if json.loads(m.read_text())["counts_as_result"]}


def _grid_neighbours(name: str, names) -> list[str]:
    index = [int(i) for i in name[1:].split("-")]
    return [n for n in names if sum(abs(a - int(b)) for a, b in zip(index, n[1:].split("-"), strict=True)) == 1]


def test_polish_pass_keeps_a_neighbour_start_only_when_it_is_cheaper(solved_small, tmp_path):
    sweep_file, out = _copy_of(solved_small, tmp_path)
    good = _good_points(out)
    assert len(good) >= 2
    # after the pass every solved point was solved from every solved neighbour's current stride
    for name in good:
        record = json.loads((out / "points" / name / POINT_FILE).read_text())
        assert record["polish"]["tried"] == {n: good[n] for n in _grid_neighbours(name, good)}
        for entry in record["polish"]["history"]:  # a replacement only ever lowered the cost
            assert entry["objective_after"] < entry["objective_before"]
    # a point left in a costlier stride than its neighbour's start reaches (its stored cost raised
    # tenfold, its tries forgotten): the pass must replace it, and only it
    name = next(n for n in good if _grid_neighbours(n, good))
    folder = out / "points" / name
    status = json.loads((folder / "status.json").read_text())
    (folder / "status.json").write_text(json.dumps({**status, "objective": 10 * status["objective"]}))
    record = json.loads((folder / POINT_FILE).read_text())
    (folder / POINT_FILE).write_text(json.dumps({**record, "polish": {"tried": {}, "history": []}}))
    others = {n: (out / "points" / n / "solution.npz").stat().st_mtime_ns for n in good if n != name}
    counts = run_sweep(load_sweep(sweep_file), out, workers=1)
    assert counts["solved_now"] == 0 and counts["polish_improved"] >= 1
    after = json.loads((folder / "status.json").read_text())
    assert after["converged"] and after["objective"] < 10 * status["objective"]
    assert after["starts"][0]["start"].startswith("polish from p")
    history = json.loads((folder / POINT_FILE).read_text())["polish"]["history"]
    # the first replacement started from the raised cost; later ones (the point offered again after a
    # neighbour improved from it) each start where the one before ended
    assert history[0]["objective_before"] == 10 * status["objective"]
    assert all(a["objective_after"] == b["objective_before"] for a, b in zip(history, history[1:], strict=False))
    assert history[-1]["objective_after"] == after["objective"]
    RunFolder(folder).check()  # the replaced point is a whole run folder, with its point record
    for n, mtime in others.items():  # the neighbours' strides were not cheaper from it: untouched
        still = (out / "points" / n / "solution.npz").stat().st_mtime_ns == mtime
        assert still or _good_points(out)[n] < good[n]
    assert run_sweep(load_sweep(sweep_file), out, workers=1).get("polish_solves", 0) == 0  # finished: a no-op


def test_corrupted_result_is_detected_and_solved_again(solved_small, tmp_path):
    sweep_file, out = _copy_of(solved_small, tmp_path)
    sweep = load_sweep(sweep_file)
    victim = sorted((out / "points").iterdir())[0]
    (victim / "status.json").write_text('{"converged": tru')  # truncated write
    old = (victim / POINT_FILE).stat().st_mtime_ns
    events = []
    counts = run_sweep(sweep, out, workers=1, report=events.append)
    assert counts["corrupt_resolved"] == 1 and counts["solved_now"] == 1
    assert json.loads((victim / "status.json").read_text())["iterations"] >= 0
    assert (victim / POINT_FILE).stat().st_mtime_ns != old
    # a point solved with another model (a changed model file) stops the resume before any change
    from sim.model.spec import ModelSpec

    solved_with = ModelSpec.model_validate_json((victim / "spec.json").read_text())
    (victim / "spec.json").write_text(solved_with.model_copy(update={"gravity": -9.7}).model_dump_json())
    before = _markers(out)
    with pytest.raises(StaleSweep, match="another model"):
        run_sweep(sweep, out, workers=1)
    assert _markers(out) == before and len(before) == 4
    # so does a point solved with the same model under another cost (a changed default weight)
    (victim / "spec.json").write_text(solved_with.model_dump_json())
    run_sweep(sweep, out, workers=1)  # the model is restored: nothing is stale, nothing to solve
    status = json.loads((victim / "status.json").read_text())
    status["formulation"]["cost_weights"]["acceleration"] *= 20
    (victim / "status.json").write_text(json.dumps(status))
    before = _markers(out)
    with pytest.raises(StaleSweep, match="another stride cost"):
        run_sweep(sweep, out, workers=1)
    assert _markers(out) == before


def test_points_judged_by_other_result_rules_are_judged_again_not_solved_again(solved_small, tmp_path, monkeypatch):
    """A resumed sweep brings every stored verdict up to the current result rules: a point judged
    by other rules is classified again from its stored stride, which is kept; one that no longer
    counts becomes a failed point with the reason, and nothing is solved again."""
    import importlib

    classify = importlib.import_module("sim.stride.classify")  # the module; the package exports the function
    sweep_file, out = _copy_of(solved_small, tmp_path)
    sweep = load_sweep(sweep_file)
    markers = sorted((out / "points").glob(f"*/{POINT_FILE}"))
    results = [m for m in markers if json.loads(m.read_text())["counts_as_result"]]
    assert results and all(json.loads(m.read_text())["result_rules"] == classify.RESULT_RULES for m in markers)
    victim = results[0]
    record = json.loads(victim.read_text())
    del record["result_rules"]  # judged before the rules were recorded
    victim.write_text(json.dumps(record))
    stamps = {m: (m.parent / "solution.npz").stat().st_mtime_ns for m in markers}
    counts = run_sweep(sweep, out, workers=1)
    assert (counts["rejudged"], counts["rejudged_no_longer_results"], counts["solved_now"]) == (1, 0, 0)
    assert json.loads(victim.read_text())["result_rules"] == classify.RESULT_RULES
    # stricter rules: no reserve may carry any part of a joint moment, so no stride counts any more
    monkeypatch.setattr(classify, "RESERVE_LIMIT_FRACTION", 0.0)
    monkeypatch.setitem(classify.RESULT_RULES, "reserve_limit_fraction", 0.0)
    counts = run_sweep(sweep, out, workers=1)
    assert counts["rejudged"] == counts["rejudged_no_longer_results"] == len(results) and counts["solved_now"] == 0
    for m in results:
        status = json.loads((m.parent / "status.json").read_text())
        assert not json.loads(m.read_text())["counts_as_result"] and not status["counts_as_result"]
        assert status["gait"]["label"] == "reserve-driven" and status["rejudged"]["gait"] == "running"
    assert {m: (m.parent / "solution.npz").stat().st_mtime_ns for m in markers} == stamps  # every stride kept


def test_dask_cluster_on_loopback_uses_the_same_code_path(pair_file, tmp_path, monkeypatch):
    from distributed import LocalCluster

    from sim.sweep import engine

    dask_paths, real_dask_executor = [], engine._dask_executor
    monkeypatch.setattr(engine, "_dask_executor", lambda target: dask_paths.append(target) or real_dask_executor(target))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        counts = run_sweep(load_sweep(pair_file), tmp_path / "dask", workers=2, scheduler=cluster.scheduler_address)
    assert counts["solved_now"] == 2
    assert dask_paths == [cluster.scheduler_address]  # the executor path a SLURM cluster's sweep takes too
    pids = {json.loads(p.read_text())["worker_pid"] for p in (tmp_path / "dask" / "points").glob(f"*/{POINT_FILE}")}
    assert os.getpid() not in pids  # solved on the Dask workers, not here


def test_unreachable_scheduler_fails_within_the_timeout(sweep_file, tmp_path):
    start = time.perf_counter()
    with pytest.raises(SchedulerUnreachable, match="could not reach the Dask scheduler"):
        run_sweep(load_sweep(sweep_file), tmp_path / "x", scheduler="tcp://127.0.0.1:9")
    assert time.perf_counter() - start < 30


@pytest.mark.parametrize("grid,message", [
    ("hip_flexor_stiffness = [1.0, 6.0]", r"hip_flexor_stiffness.*\[-1.0, 5.0\]"),
    ("glute_strength = []", "empty"),
    ("quad_strength = [1.0]", "not a knob, speed or height"),
    ("speed = [3.0, 12.0]", "speed"),
    ("height = [1.8, 2.6]", "height = 2.6 m is outside the allowed range"),
])
def test_bad_grids_are_rejected(tmp_path, grid, message):
    path = tmp_path / "bad.toml"
    path.write_text(f'name = "bad"\n[grid]\n{grid}\n')
    with pytest.raises(ModelSpecError, match=message):
        load_sweep(path)


def test_the_search_runs_at_the_corners_and_the_first_point_only_when_asked(tmp_path):
    path = tmp_path / "corners.toml"
    path.write_text('name = "corners"\nstarts = 5\nsearch = "corners"\n[grid]\n'
                    'hip_flexor_stiffness = [1.0, 2.0, 3.0]\nglute_strength = [1.0, 0.6, 0.2]\n')
    sweep = load_sweep(path)
    starts = {p.index: point_starts(sweep, p) for p in grid_points(sweep)}
    assert {i for i, n in starts.items() if n == 5} == {(0, 0), (0, 2), (2, 0), (2, 2)}
    assert all(n == 1 for i, n in starts.items() if i not in {(0, 0), (0, 2), (2, 0), (2, 2)})
    centre = next(p for p in grid_points(sweep) if p.index == (1, 1))
    assert point_starts(sweep, centre, root=True) == 5  # the first point solved searches wherever it is
    every_point = path.with_name("every_point.toml")
    every_point.write_text(path.read_text().replace('search = "corners"\n', ""))
    assert {point_starts(load_sweep(every_point), p) for p in grid_points(sweep)} == {5}  # the default
    path.write_text(path.read_text().replace('"corners"', '"somewhere"'))
    with pytest.raises(ModelSpecError, match="search"):
        load_sweep(path)


def test_missing_grid_is_rejected(tmp_path):
    path = tmp_path / "nogrid.toml"
    path.write_text('name = "nogrid"\nspeed = 3.5\n')
    with pytest.raises(ModelSpecError, match=r"\[grid\] is missing or empty"):
        load_sweep(path)


def test_a_height_axis_scales_the_runner_at_the_base_body_mass_index(tmp_path):
    """A subject-size series: each height is its own scaled model (its own fingerprint, so a
    stored point of one size never passes for another), the mass at the base runner's BMI."""
    from sim.model.spec import load_spec
    from sim.sweep.config import grid_points, point_config
    from sim.sweep.engine import _expected_fingerprint

    path = tmp_path / "sizes.toml"
    path.write_text('name = "sizes"\nspeed = 3.5\n[grid]\nheight = [1.6, 1.8, 1.95]\n')
    sweep = load_sweep(path)
    generic = load_spec().generic_subject
    configs = [point_config(sweep, p) for p in grid_points(sweep)]
    assert [c.subject.height for c in configs] == [1.6, 1.8, 1.95]
    for c in configs:
        assert c.subject.mass / c.subject.height ** 2 == pytest.approx(generic.mass / generic.height ** 2, rel=1e-3)
    expected = _expected_fingerprint(sweep)
    prints = [expected(p) for p in grid_points(sweep)]
    assert len(set(prints)) == 3


def test_perturbed_models_solve_the_claims_corners_once_and_enter_every_claims_checks(solved_small, tmp_path):
    """The ensemble check: each corner the claims compare solved again on each perturbed model (warm
    start from the sweep's stride), recorded with its perturbation, read into every claim's checks,
    and not solved again on a second run."""
    from sim.apps.claim_study import evaluate
    from sim.apps.ensemble import PERTURBATION_FILE, ensemble_dir, solve_ensemble
    from sim.sweep.tables import write_summary

    sweep_file, out = _copy_of(solved_small, tmp_path)
    write_summary(load_sweep(sweep_file), out)
    uncertainty = tmp_path / "uncertainty.toml"
    uncertainty.write_text('[perturbations.contact_stiffness]\nacts_on = "contact_stiffness"\nfactors = [1.5]\n'
                           'description = "contact stiffness x 1.5"\nsource = "a test of the code path"\n')
    solved = solve_ensemble(out, uncertainty, log=lambda m: None)
    assert list(solved) == ["contact_stiffness_x1.5"]
    assert set(solved["contact_stiffness_x1.5"]) == {"healthy", "hip_flexor_stiffness", "glute_strength"}
    folders = sorted(f for f in (ensemble_dir(out) / "contact_stiffness_x1.5").iterdir() if f.is_dir())
    assert len(folders) == 3
    for folder in folders:
        record = json.loads((folder / PERTURBATION_FILE).read_text())
        assert record["factor"] == 1.5 and record["from_point"].endswith(folder.name)
        if RunFolder(folder).holds_result():
            stiffness = json.loads((folder / "spec.json").read_text())["contact"]["stiffness"]
            base = json.loads((out / "points" / folder.name / "spec.json").read_text())["contact"]["stiffness"]
            assert stiffness == pytest.approx(1.5 * base)
    rows = [r for r in evaluate(out) if "checks" in r]
    assert rows and all(set(r["checks"]["perturbed_models"]) == {"contact_stiffness_x1.5"} for r in rows)
    before = {f.name: (f / "status.json").stat().st_mtime_ns for f in folders if (f / "status.json").exists()}
    solve_ensemble(out, uncertainty, log=lambda m: None)
    after = {f.name: (f / "status.json").stat().st_mtime_ns for f in folders if (f / "status.json").exists()}
    assert {k: v for k, v in after.items() if RunFolder(folders[0].parent / k).holds_result()} == {
        k: v for k, v in before.items() if RunFolder(folders[0].parent / k).holds_result()}
    # the same name and factor for another perturbation (an edited file): its strides are not reused
    uncertainty.write_text(uncertainty.read_text().replace('acts_on = "contact_stiffness"',
                                                           'acts_on = "hip_capsule_moment"'))
    solve_ensemble(out, uncertainty, log=lambda m: None)
    again = {f.name: (f / "status.json").stat().st_mtime_ns for f in folders if (f / "status.json").exists()}
    # solved again: replaced, or (a failed solve never replaces a result) written beside it
    assert all(again[k] != before[k] or (ensemble_dir(out) / "contact_stiffness_x1.5" / f"{k}.failed").is_dir()
               for k in before)
