"""Sweeps on a SLURM cluster: the worker jobs, described once and started through dask-jobqueue.

The driver (``stridesim sweep FILE --cluster slurm``) runs on a login node or inside a small
allocation of its own; it submits ``jobs`` batch jobs, each starting ``cores`` single-threaded
Dask workers (one stride solve each: IPOPT and MUMPS run on one core). The sweep then goes
through the same executor path as a local pool or a ``--scheduler`` address
(:func:`sim.sweep.engine.make_executor`). Workers retire before their walltime and the cluster
adapts back to ``jobs`` jobs, so a long sweep outlives any one job; a point whose worker was
lost is resubmitted by Dask, and a re-run of the same command resumes from the points on disk.
"""

from __future__ import annotations

import re
import sys

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.model.spec import ModelSpecError, validation_message

#: margin between a worker's retirement and its job's walltime: a solve in progress then has
#: time to finish or be handed on before SLURM kills the job
RETIRE_BEFORE_WALLTIME_MIN = 10
#: spread of the workers' retirement times, so the jobs of one sweep are not all replaced at once
RETIRE_STAGGER_MIN = 4

_WALLTIME = re.compile(r"^(?:(\d+)-)?(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$")


def walltime_minutes(walltime: str) -> float:
    """Minutes of a SLURM walltime written D-HH:MM:SS, HH:MM:SS or HH:MM."""
    match = _WALLTIME.match(walltime)
    if match is None:
        raise ValueError(f"walltime = {walltime!r}: write it as HH:MM:SS, HH:MM or D-HH:MM:SS (SLURM's --time)")
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return days * 1440 + hours * 60 + minutes + seconds / 60


class SlurmOptions(BaseModel):
    """The worker jobs of a sweep on SLURM: how many, their size, walltime, account and environment."""

    model_config = ConfigDict(extra="forbid")

    jobs: int = Field(1, ge=1, le=1000, description="batch jobs kept running (each starts `cores` workers)")
    cores: int = Field(2, ge=1, le=256, description="cores per job = worker processes per job (one solve each)")
    memory_per_core_gb: float = Field(3.0, gt=0.5, le=64.0, description="memory per worker in GB as SLURM's --mem "
                                      "counts them (GiB); a 50-interval solve needs about 1")
    walltime: str = Field("02:00:00", description="each job's walltime (SLURM --time)")
    partition: str | None = Field(None, description="SLURM partition (-p); default: the site's")
    account: str | None = Field(None, description="SLURM account (-A); default: the user's")
    job_extra: list[str] = Field(default_factory=list, description="further #SBATCH directives, e.g. --qos=normal")
    prologue: list[str] = Field(default_factory=list, description="shell lines run before the workers start, "
                                "e.g. 'module load python' or 'source ~/stridesim/.venv/bin/activate'")
    python: str = Field(default_factory=lambda: sys.executable, description="the Python on the compute nodes "
                        "(default: this one, right when the environment is on a shared filesystem)")
    interface: str | None = Field(None, description="network interface the workers reach the driver on, e.g. ib0")

    @field_validator("walltime")
    @classmethod
    def _walltime(cls, value: str) -> str:
        minutes = walltime_minutes(value)
        if minutes <= RETIRE_BEFORE_WALLTIME_MIN + RETIRE_STAGGER_MIN:
            raise ValueError(f"walltime = {value!r}: at least {RETIRE_BEFORE_WALLTIME_MIN + RETIRE_STAGGER_MIN + 1} "
                             f"minutes (workers retire {RETIRE_BEFORE_WALLTIME_MIN} min before it, staggered by "
                             f"{RETIRE_STAGGER_MIN}), and longer than one point's solve")
        return value

    @field_validator("job_extra")
    @classmethod
    def _directives(cls, value: list[str]) -> list[str]:
        for directive in value:
            if not directive.startswith("-"):
                raise ValueError(f"job_extra = {directive!r}: an #SBATCH option such as --qos=normal")
        return value

    @property
    def workers(self) -> int:
        """Worker processes when every job runs: the sweep's concurrent solves."""
        return self.jobs * self.cores

    def lifetime_minutes(self) -> int:
        """How long a worker runs before it retires, leaving room for the stagger and the margin."""
        return int(walltime_minutes(self.walltime)) - RETIRE_BEFORE_WALLTIME_MIN - RETIRE_STAGGER_MIN


def slurm_options(**values) -> SlurmOptions:
    """Validated options (``None`` values take the defaults); ModelSpecError names each bad field."""
    try:
        return SlurmOptions.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise ModelSpecError(validation_message("invalid SLURM options", exc, "(options)")) from None


def slurm_cluster(options: SlurmOptions):
    """A dask-jobqueue SLURMCluster for ``options`` (its scheduler runs in this process; no job is
    submitted until it is scaled)."""
    from dask_jobqueue import SLURMCluster

    return SLURMCluster(
        cores=options.cores, processes=options.cores,  # one single-threaded worker per core
        memory=f"{options.memory_per_core_gb * options.cores:g}GiB", walltime=options.walltime,  # GiB: SLURM's G
        queue=options.partition, account=options.account, job_extra_directives=list(options.job_extra),
        job_script_prologue=list(options.prologue), python=options.python, interface=options.interface,
        job_name="stridesim-worker",
        worker_extra_args=["--lifetime", f"{options.lifetime_minutes()}m", "--lifetime-stagger",
                           f"{RETIRE_STAGGER_MIN}m"],
        scheduler_options={"dashboard_address": None}, silence_logs="error")


def job_script(options: SlurmOptions) -> str:
    """The batch script each worker job runs (what ``--print-job-script`` shows)."""
    cluster = slurm_cluster(options)
    try:
        return cluster.job_script()
    finally:
        cluster.close()


def start_slurm(options: SlurmOptions):
    """A SLURM cluster that keeps ``options.jobs`` jobs running: retired or lost jobs are replaced."""
    cluster = slurm_cluster(options)
    cluster.adapt(minimum_jobs=options.jobs, maximum_jobs=options.jobs)
    return cluster
