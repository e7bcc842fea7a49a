"""Sweeps on SLURM: the worker jobs' batch script, bad options refused before anything starts, and
the cluster path running a sweep through the same Dask executor as a scheduler address."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from sim.cli.main import app
from sim.model.spec import ModelSpecError
from sim.sweep import cluster as slurm
from sim.sweep import engine
from sim.sweep.cluster import SlurmOptions, job_script, slurm_options
from sim.sweep.worker import POINT_FILE

PAIR = """name = "pair"
speed = 3.5
n_intervals = 10
starts = 1
polish = false
max_iter = 1000
[grid]
hip_flexor_stiffness = [1.0, 3.0]
"""


def test_job_script_asks_for_the_jobs_size_walltime_account_and_environment():
    options = SlurmOptions(jobs=4, cores=8, memory_per_core_gb=2.5, walltime="1-00:00:00", partition="compute",
                           account="biomech", job_extra=["--qos=long"], prologue=["module load python/3.11"],
                           python="/home/me/venv/bin/python")
    script = job_script(options)
    for line in ("#SBATCH -p compute", "#SBATCH -A biomech", "#SBATCH --cpus-per-task=8", "#SBATCH --mem=20G",
                 "#SBATCH -t 1-00:00:00", "#SBATCH --qos=long", "module load python/3.11"):
        assert line in script.splitlines()
    worker = next(line for line in script.splitlines() if "dask_worker" in line)
    assert worker.startswith("/home/me/venv/bin/python -m distributed.cli.dask_worker")
    # one single-threaded worker per core; each retires before the walltime (24 h - 10 min margin - 4 min stagger)
    assert "--nworkers 8" in worker and "--nthreads 1" in worker
    assert "--lifetime 1426m" in worker and "--lifetime-stagger 4m" in worker
    assert options.workers == 32
    assert script.index("module load") < script.index("dask_worker")  # the environment first


@pytest.mark.parametrize("values,field", [
    ({"walltime": "2h"}, "walltime"),
    ({"walltime": "00:12:00"}, "walltime"),  # no time left once the workers' retirement margin is taken
    ({"jobs": 0}, "jobs"),
    ({"cores": 0}, "cores"),
    ({"memory_per_core_gb": 0.1}, "memory_per_core_gb"),
    ({"job_extra": ["qos=long"]}, "job_extra"),
    ({"queue": "compute"}, "queue"),  # unknown option: SLURM's partition is 'partition'
])
def test_bad_slurm_options_are_refused_naming_the_field(values, field):
    with pytest.raises(ModelSpecError, match=rf"{field}: "):
        slurm_options(**values)


def test_cluster_options_without_a_cluster_are_refused(tmp_path):
    (tmp_path / "pair.toml").write_text(PAIR)
    result = CliRunner().invoke(app, ["sweep", str(tmp_path / "pair.toml"), "--jobs", "2", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "need --cluster slurm" in result.output
    result = CliRunner().invoke(app, ["sweep", str(tmp_path / "pair.toml"), "--cluster", "slurm", "--scheduler",
                                      "tcp://127.0.0.1:9", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "give one" in result.output
    assert not (tmp_path / "o").exists()


def test_print_job_script_submits_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(slurm, "start_slurm", lambda options: pytest.fail("a job was started"))
    (tmp_path / "pair.toml").write_text(PAIR)
    result = CliRunner().invoke(app, ["sweep", str(tmp_path / "pair.toml"), "--cluster", "slurm", "--walltime",
                                      "04:00:00", "--print-job-script", "-o", str(tmp_path / "o")])
    assert result.exit_code == 0 and "#SBATCH -t 04:00:00" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.opensim
def test_cluster_sweep_runs_on_the_same_dask_executor_path(tmp_path, monkeypatch):
    """``--cluster slurm`` with the batch system replaced by local worker processes (no SLURM here):
    the sweep is solved on the cluster's workers through the executor a scheduler address gets."""
    from distributed import LocalCluster

    started, dask_paths = [], []

    def local_jobs(options: SlurmOptions):
        started.append(options)
        return LocalCluster(n_workers=options.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address=None)

    real_dask_executor = engine._dask_executor

    def spy(target):
        dask_paths.append(target)
        return real_dask_executor(target)

    monkeypatch.setattr(slurm, "start_slurm", local_jobs)
    monkeypatch.setattr(engine, "_dask_executor", spy)
    (tmp_path / "pair.toml").write_text(PAIR)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sweep", str(tmp_path / "pair.toml"), "--cluster", "slurm", "--jobs", "1",
                                      "--cores-per-job", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [o.workers for o in started] == [2] and len(dask_paths) == 1
    records = [json.loads(p.read_text()) for p in (out / "points").glob(f"*/{POINT_FILE}")]
    assert len(records) == 2 and all(r["counts_as_result"] for r in records)
    assert os.getpid() not in {r["worker_pid"] for r in records}  # solved on the cluster's workers
    # resuming with the same command submits nothing: every point is on disk
    monkeypatch.setattr(slurm, "start_slurm", lambda options: pytest.fail("resumed a finished sweep on a cluster"))
    again = CliRunner().invoke(app, ["sweep", str(tmp_path / "pair.toml"), "--cluster", "slurm", "-o", str(out)])
    assert again.exit_code == 0 and "already 2" in again.output
