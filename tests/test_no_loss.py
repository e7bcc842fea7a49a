"""Nothing already computed is lost: a failure never replaces a result, two writers never corrupt a
folder, an interrupted sweep point is solved again, bad files and unreachable schedulers leave
nothing behind."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.io.atomic import atomic_folder
from sim.model.spec import ModelSpecError
from sim.results.runfolder import RunFolder


def _fake_result(folder: Path, counts: bool = True, tag: str = "kept") -> Path:
    """A folder that reads as a stridesim result (the files RunFolder checks), marked by ``tag``."""
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"tag": tag}))
    (folder / "status.json").write_text(json.dumps({"counts_as_result": counts, "converged": counts, "tag": tag}))
    np.savez(folder / "solution.npz", q=np.zeros((3, 10)))
    return folder


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, timeout=timeout)


def _words(text: str) -> str:
    """Console text with its line wrapping undone."""
    return " ".join(text.split())


def test_run_refuses_to_replace_a_result_before_any_work(tmp_path):
    kept = _fake_result(tmp_path / "A")
    before = (kept / "status.json").read_text()
    proc = _cli("run", "--n-intervals", "10", "--max-iter", "1", "-o", str(kept), timeout=60)
    assert proc.returncode == 2 and "holds a result" in _words(proc.stderr) and "--overwrite" in _words(proc.stderr)
    assert (kept / "status.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A"]


@pytest.mark.opensim
def test_a_failed_run_with_overwrite_is_written_beside_the_result(tmp_path):
    kept = _fake_result(tmp_path / "A")
    before = (kept / "status.json").read_text()
    proc = _cli("run", "--n-intervals", "10", "--max-iter", "2", "--starts", "1", "--no-figures", "--overwrite",
                "-o", str(kept))
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert (kept / "status.json").read_text() == before  # the result is untouched
    failed = tmp_path / "A.failed"
    status = json.loads((failed / "status.json").read_text())
    assert not status["counts_as_result"] and status["kept_result"] == str(kept)
    assert str(failed) in proc.stdout.replace("\n", "")


def _publish(folder: str, tag: str, rounds: int) -> None:
    for k in range(rounds):
        with atomic_folder(Path(folder)) as partial:
            for i in range(20):
                (partial / f"file{i}.txt").write_text(f"{tag} {k}")


def test_two_processes_writing_one_run_folder_leave_one_complete_folder(tmp_path):
    target = tmp_path / "run"
    ctx = multiprocessing.get_context("spawn")
    writers = [ctx.Process(target=_publish, args=(str(target), tag, 15)) for tag in ("first", "second")]
    for w in writers:
        w.start()
    for w in writers:
        w.join(120)
        assert w.exitcode == 0
    contents = {p.read_text() for p in target.iterdir()}
    assert len(list(target.iterdir())) == 20 and len(contents) == 1  # one writer's complete folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "run.lock"]  # no partial or old folders left


def test_a_failing_writer_leaves_the_folder_as_it_was(tmp_path):
    target = _fake_result(tmp_path / "run")
    with pytest.raises(RuntimeError, match="boom"), atomic_folder(target) as partial:
        (partial / "status.json").write_text("{}")
        raise RuntimeError("boom")
    assert RunFolder(target).holds_result()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_an_interrupted_sweep_point_is_not_finished(tmp_path, monkeypatch):
    """A point whose multi-start Ctrl-C cut short gets no point.json, so the resume solves it again,
    even if a start before the interruption converged."""
    import sim.run.runner as runner
    from sim.sweep.config import GridPoint, load_sweep, point_config
    from sim.sweep.engine import point_state
    from sim.sweep.worker import POINT_FILE, solve_point

    sweep_file = tmp_path / "s.toml"
    sweep_file.write_text('name = "s"\nn_intervals = 10\n[grid]\nglute_strength = [1.0]\n')
    sweep = load_sweep(sweep_file)
    point = GridPoint((0,), {"glute_strength": 1.0})
    out = tmp_path / "points" / point.folder

    def interrupted_run(config, out_dir, **kwargs):
        _fake_result(Path(out_dir))
        status = {"counts_as_result": True, "interrupted": True, "ipopt_status": "Solve_Succeeded",
                  "gait": {"label": "running"}, "iterations": 5, "solve_time_s": 1.0, "converged": True,
                  "starts": [{"start": "data"}]}
        (Path(out_dir) / "status.json").write_text(json.dumps(status))
        return status

    monkeypatch.setattr(runner, "run_stride", interrupted_run)
    monkeypatch.setattr(runner, "shared_problem", lambda config: None)
    result = solve_point({"config": point_config(sweep, point).model_dump(mode="json"), "out": str(out),
                          "guesses": ["data", "random"], "values": point.values})
    assert result["interrupted"] and not result["counts_as_result"]
    assert not (out / POINT_FILE).exists()
    assert point_state(sweep, point, out) == "corrupt"  # present but unfinished: solved again on resume
    # a point.json that claims a result whose search was interrupted does not count either
    (out / POINT_FILE).write_text(json.dumps({"values": point.values, "counts_as_result": True, "attempts": []}))
    assert point_state(sweep, point, out) == "corrupt"


def test_missing_static_trial_in_an_experiment_file_is_a_clear_error(tmp_path):
    from sim.run.config import load_experiment

    path = tmp_path / "subject.toml"
    path.write_text('name = "x"\n[subject]\nstatic_trial = "nowhere/static.trc"\nmass = 70.0\n')
    with pytest.raises(ModelSpecError, match=r"subject.static_trial: marker file not found: .*nowhere/static.trc"):
        load_experiment(path)
    proc = _cli("run", str(path), "-o", str(tmp_path / "out"), timeout=60)
    assert proc.returncode == 2 and "subject.static_trial: marker file not found" in _words(proc.stderr)
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_leaves_nothing_behind(tmp_path):
    from sim.sweep.config import load_sweep
    from sim.sweep.engine import SchedulerUnreachable, run_sweep

    sweep_file = tmp_path / "s.toml"
    sweep_file.write_text('name = "s"\nn_intervals = 10\n[grid]\nglute_strength = [1.0, 0.5]\n')
    with pytest.raises(SchedulerUnreachable):
        run_sweep(load_sweep(sweep_file), tmp_path / "out", scheduler="tcp://127.0.0.1:9")
    assert not (tmp_path / "out").exists()


def test_a_swap_that_fails_puts_the_old_folder_back(tmp_path, monkeypatch):
    import os

    import sim.io.atomic as atomic

    target = _fake_result(tmp_path / "run")
    real_replace, calls = os.replace, []

    def replace_failing_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the new folder into place
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace_failing_second)
    with pytest.raises(KeyboardInterrupt), atomic_folder(target) as partial:
        (partial / "status.json").write_text("{}")
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert RunFolder(target).holds_result()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "run.lock"]


def test_run_refuses_a_folder_of_other_files(tmp_path):
    other = tmp_path / "documents"
    other.mkdir()
    (other / "thesis.txt").write_text("months of work")
    proc = _cli("run", "--n-intervals", "10", "-o", str(other), timeout=60)
    assert proc.returncode == 2 and "not a stridesim run" in _words(proc.stderr)
    assert (other / "thesis.txt").read_text() == "months of work"
