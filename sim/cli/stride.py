"""``stridesim run | sweep | study``: stride optimizations, parameter sweeps and the study."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import console, fail


class Cluster(StrEnum):
    """Batch systems a sweep can start its workers on."""

    slurm = "slurm"


def _parse_knobs(values: list[str] | None) -> dict[str, float]:
    knobs = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        try:
            knobs[name.strip()] = float(value)
        except ValueError:
            fail(f"--knob expects NAME=VALUE, got {item!r}")
        if not sep:
            fail(f"--knob expects NAME=VALUE, got {item!r}")
    return knobs


def run(
    experiment: Annotated[Path | None, typer.Argument(help="Experiment file (TOML); default: the baseline.")] = None,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Run folder (default runs/<name>).")] = None,
    speed: Annotated[float | None, typer.Option(help="Average running speed (m/s), (0, 8].")] = None,
    n_intervals: Annotated[int | None, typer.Option(help="Mesh intervals (>= 5).")] = None,
    knob: Annotated[list[str] | None, typer.Option(help="Knob as NAME=VALUE (repeatable).")] = None,
    guess: Annotated[str | None, typer.Option(help="'data', 'random' or a run folder to warm-start from.")] = None,
    max_iter: Annotated[int | None, typer.Option(help="IPOPT iteration limit.")] = None,
    starts: Annotated[int | None, typer.Option(help="Initial guesses tried, 1-9 (lowest-cost running stride kept).")] = None,
    figures: Annotated[bool, typer.Option(help="Write the comparison figure.")] = True,
    start_workers: Annotated[int, typer.Option(help="Processes solving the starts at once, 1-9 (each builds the "
                                                    "problem once; 2 on a 2-core machine).")] = 2,
    overwrite: Annotated[bool, typer.Option(help="Replace a result already in the output folder (a failed solve "
                                                 "never replaces one: it is written beside it, to NAME.failed).")] = False,
) -> None:
    """Optimize a running stride (predictive simulation) and write its run folder and figures."""
    from sim.model.spec import ModelSpecError
    from sim.run.config import load_experiment, make_config

    overrides = {"speed": speed, "n_intervals": n_intervals, "guess": guess, "max_iter": max_iter, "starts": starts}
    knobs = _parse_knobs(knob)
    try:
        if experiment is not None:
            config = load_experiment(experiment, **overrides)
            if knobs:
                config = make_config(str(experiment), **{**config.model_dump(), "knobs": {**config.knobs, **knobs}})
        else:
            config = make_config(**overrides, knobs=knobs)
    except ModelSpecError as exc:
        fail(str(exc))
    if not 1 <= start_workers <= 9:
        fail(f"--start-workers = {start_workers}: must be 1-9")
    out = out or Path("runs") / config.name
    from sim.results.writer import ResultExists, check_target

    try:
        check_target(out, overwrite)
    except ResultExists as exc:
        fail(str(exc))
    _run_with_progress(config, out, figures, overwrite, start_workers)


def _run_with_progress(config, out: Path, figures: bool, overwrite: bool, start_workers: int = 1) -> None:
    from sim.run.runner import run_stride

    def report(entry: dict) -> None:
        if entry["iteration"] % 10 == 0:
            where = f"start {entry['start']}  " if "start" in entry else ""
            console.print(f"  {where}iter {entry['iteration']:4d}  objective {entry['objective']:.5g}  "
                          f"infeasibility {entry['infeasibility']:.2e}  {entry['elapsed_s']:6.1f} s")

    status = run_stride(config, out, report=report, log=lambda m: console.print(f"[dim]{m}[/]"), overwrite=overwrite,
                        start_workers=min(start_workers, config.starts))
    written = Path(status.get("written_to", out))
    gait = status["gait"]
    if len(status.get("starts", [])) > 1:
        starts = status["starts"]
        from sim.run.starts import reaching_best

        print(f"kept start: {next(r['start'] for r in starts if r['chosen'])}; {reaching_best(starts)} of "
              f"{len(starts)} starts reached the best cost (within 1 %)")
    verdict = "a running stride" if status["counts_as_result"] else "NOT a result"
    print(f"{status['ipopt_status']} after {status['iterations']} iterations in {status['solve_time_s']:.1f} s: "
          f"{gait['label']} -> {verdict}")
    from sim.results.runfolder import METRICS, VS_MEASURED, RunFolder

    if (written / METRICS).exists():
        m = RunFolder(written).metrics()
        print(f"cadence {m['cadence_steps_per_min']:.0f} steps/min, stride {m['stride_length_m']:.2f} m, "
              f"duty factor {m['duty_factor']:.2f}, peak vertical GRF {m['peak_vertical_grf_bw']:.2f} BW, "
              f"peak swing knee flexion {m['peak_swing_knee_flexion_deg']:.0f} deg")
        misses = [k for k, v in m["realism"].items() if not v["ok"]]
        if misses:
            print("outside the realism targets: " + ", ".join(misses))
        if m.get("coordinates_at_range_limit"):
            print("at their range bound (the bound, not the model, limits them): "
                  + ", ".join(f"{c} ({side})" for c, side in m["coordinates_at_range_limit"].items()))
        if figures and status["counts_as_result"]:
            from sim.figures.gait_compare import plot_vs_measured

            plot_vs_measured(RunFolder(written).full_stride(), written / VS_MEASURED)
    if "diagnostics" in gait:
        d = gait["diagnostics"]
        print(f"largest constraint violation {d['max_violation']:.2e}:")
        for v in d["largest_violations"][:5]:
            print(f"  {v['constraint']} at t = {v['time_s']} s: {v['violation']:.2e}")
        for name, count in d["variables_at_bounds"][:5]:
            print(f"  {name} ({count} nodes)")
    if written != out:
        print(f"not a result: {out}/ keeps its result; this solve was written to {written}/")
    else:
        print(f"wrote {out}/")
    if status.get("interrupted"):
        print("interrupted: not every start ran, so the kept stride may not be the lowest-cost one")
    if not status["counts_as_result"]:
        raise typer.Exit(code=1)


def sweep(
    experiment: Annotated[Path, typer.Argument(help="Sweep file (TOML) with a [grid] table.")],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Sweep folder (default runs/<name>).")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Parallel solves: local worker processes (default 2) or Dask tasks (default with --cluster: jobs x "
        "cores).", show_default=False)] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")] = None,
    polish: Annotated[bool | None, typer.Option(
        "--polish/--no-polish", help="After solving, solve each point again from every solved neighbour's stride "
        "and keep the cheaper (default: the sweep file's 'polish', true).", show_default=False)] = None,
    cluster: Annotated[Cluster | None, typer.Option(
        help="Start worker jobs on a cluster's batch system (docs/cluster.md).", rich_help_panel="Cluster")] = None,
    jobs: Annotated[int | None, typer.Option(help="Batch jobs kept running (default 1).",
                                             rich_help_panel="Cluster", show_default=False)] = None,
    cores_per_job: Annotated[int | None, typer.Option(help="Cores per job = workers per job (default 2).",
                                                      rich_help_panel="Cluster", show_default=False)] = None,
    memory_per_core: Annotated[float | None, typer.Option(help="Memory per worker, GB (default 3).",
                                                          rich_help_panel="Cluster", show_default=False)] = None,
    walltime: Annotated[str | None, typer.Option(help="Each job's walltime, HH:MM:SS (default 02:00:00).",
                                                 rich_help_panel="Cluster", show_default=False)] = None,
    partition: Annotated[str | None, typer.Option(help="SLURM partition (-p).", rich_help_panel="Cluster")] = None,
    account: Annotated[str | None, typer.Option(help="SLURM account (-A).", rich_help_panel="Cluster")] = None,
    job_extra: Annotated[list[str] | None, typer.Option(
        help="A further #SBATCH option, e.g. --qos=normal (repeatable).", rich_help_panel="Cluster")] = None,
    prologue: Annotated[list[str] | None, typer.Option(
        help="A shell line run before the workers start, e.g. 'module load python' (repeatable).",
        rich_help_panel="Cluster")] = None,
    python: Annotated[str | None, typer.Option(
        help="The Python on the compute nodes (default: this one).", rich_help_panel="Cluster",
        show_default=False)] = None,
    interface: Annotated[str | None, typer.Option(
        help="Network interface the workers reach this driver on, e.g. ib0.", rich_help_panel="Cluster")] = None,
    print_job_script: Annotated[bool, typer.Option(
        help="Print the worker jobs' batch script and exit (nothing is submitted).", rich_help_panel="Cluster")] = False,
) -> None:
    """Solve every point of a grid (resumable: re-run the same command to continue)."""
    from sim.model.spec import ModelSpecError
    from sim.sweep.cluster import job_script, slurm_options
    from sim.sweep.config import load_sweep
    from sim.sweep.engine import run_sweep
    from sim.sweep.tables import write_summary, write_timeseries

    cluster_values = {"jobs": jobs, "cores": cores_per_job, "memory_per_core_gb": memory_per_core,
                      "walltime": walltime, "partition": partition, "account": account, "job_extra": job_extra,
                      "prologue": prologue, "python": python, "interface": interface}
    given = [f"--{k.replace('_', '-')}" for k, v in cluster_values.items() if v not in (None, [])]
    if cluster is None and (given or print_job_script):
        fail(f"{', '.join(given) or '--print-job-script'}: cluster options need --cluster slurm")
    if cluster is not None and scheduler is not None:
        fail("--cluster and --scheduler: give one (--cluster starts its own scheduler)")
    slurm = None
    if cluster is not None:
        try:
            slurm = slurm_options(**cluster_values)
        except ModelSpecError as exc:
            fail(str(exc))
        if print_job_script:
            print(job_script(slurm))
            return
    workers = workers if workers is not None else (slurm.workers if slurm is not None else 2)
    if workers < 1:
        fail(f"--workers = {workers}: must be at least 1")
    try:
        config = load_sweep(experiment)
    except ModelSpecError as exc:
        fail(str(exc))
    out = out or Path("runs") / config.name

    def report(event: dict) -> None:
        if event["event"] == "start":
            console.print(f"{event['points']} points: {event['already_solved']} already solved, "
                          f"{event['corrupt_resolved']} partial or corrupted (solving again)")
            for key in event["corrupt"]:
                console.print(f"  [yellow]discarded incomplete result[/] {key}")
            if event.get("rejudged"):
                console.print(f"{event['rejudged']} stored point(s) judged again by the current result rules, "
                              f"{event['rejudged_no_longer_results']} of them no longer a result (kept as failed)")
            for key in event.get("no_longer_results", []):
                console.print(f"  [yellow]no longer a result[/] {key}")
        elif event["event"] == "polish_start":
            if event["pairs"]:
                console.print(f"polish: {event['pairs']} (point, neighbour) solve(s) to try")
        elif event["event"] == "polish":
            r = event["result"]
            outcome = (f"[green]cheaper[/] {r['objective_before']:.4f} -> {r['objective_after']:.4f}" if r["improved"]
                       else f"kept {r['objective_before']:.4f} (from it: {r['ipopt_status']}, {r['gait']}, "
                            f"{r['objective_after']:.4f})")
            console.print(f"polish {event['key']} from {event['from']}: {outcome}, {r['iterations']} iterations, "
                          f"{r['wall_time_s']:.1f} s; {event['pending']} to go, elapsed {event['elapsed_s']:.0f} s")
        else:
            r = event["result"]
            verdict = "running" if r["counts_as_result"] else f"FAILED ({r['attempts'][-1]['gait']})"
            console.print(f"[{event['done']}/{event['total']}] {event['key']}: {verdict} after "
                          f"{len(r['attempts'])} attempt(s), {r['wall_time_s']:.1f} s; "
                          f"elapsed {event['elapsed_s']:.0f} s, ETA {event['eta_s']:.0f} s")

    try:
        counts = run_sweep(config, out, workers=workers, scheduler=scheduler, report=report, polish=polish,
                           cluster=slurm)
    except ModelSpecError as exc:
        fail(str(exc))
    write_summary(config, out)
    write_timeseries(config, out)
    print(f"{counts['points']} points; solved now {counts['solved_now']}, already {counts['already_solved']}, "
          f"not running after retries {counts['failed']}"
          + (f", interrupted {counts['interrupted']} (solved again when you re-run)" if counts.get("interrupted") else ""))
    if counts.get("polish_solves") or counts.get("polish_interrupted"):
        print(f"polish: {counts['polish_solves']} solve(s) from neighbours, {counts['polish_improved']} of them "
              "replaced a point's stride by a cheaper one"
              + (" (interrupted: re-run to go on)" if counts["polish_interrupted"] else ""))
    print(f"wrote {out}/ (points/, summary.parquet, summary.csv, timeseries.nc)")
    if "glute_strength" in config.grid and any(k in config.grid for k in ("hip_flexor_stiffness",
                                                                         "rectus_femoris_stiffness")):
        _study(out)


def _study(sweep_dir: Path) -> None:
    from sim.apps.study import write_study

    try:
        paths = write_study(sweep_dir)
    except ValueError as exc:
        console.print(f"[yellow]study figures skipped:[/] {exc}")
        return
    print((sweep_dir / "summary.md").read_text())
    print("figures: " + ", ".join(p.name for p in paths))


def study(sweep_dir: Annotated[Path, typer.Argument(help="A finished stiffness x strength sweep.")]) -> None:
    """Headline figures and plain-language summary of a hip-extension sweep."""
    if not (sweep_dir / "summary.parquet").is_file():
        fail(f"{sweep_dir} is not a sweep folder (no summary.parquet): run `stridesim sweep` first")
    _study(sweep_dir)


def docs(
    run: Annotated[Path | None, typer.Argument(help="Run folder of the baseline (for docs/validation.md).")] = None,
    sweep: Annotated[Path | None, typer.Option(help="Finished hip-extension sweep (for docs/study.md).")] = None,
    fine: Annotated[Path | None, typer.Option(help="The baseline solved on a finer mesh (a second column).")] = None,
    rectus: Annotated[Path | None, typer.Option(help="Finished rectus femoris sweep (docs/study.md; with --sweep, "
                                                     "the two causes compared).")] = None,
    docs_dir: Annotated[Path, typer.Option("--docs", help="The docs folder.")] = Path("docs"),
) -> None:
    """Regenerate the generated tables of docs/validation.md and docs/study.md from results."""
    from sim.apps.docs import regenerate
    from sim.results.runfolder import NotARunFolder

    if run is None and sweep is None and rectus is None:
        fail("give a run folder (validation) and/or --sweep DIR / --rectus DIR (study)")
    for given in (sweep, rectus):
        if given is not None and not (given / "hypotheses.json").is_file():
            fail(f"{given} is not a finished study sweep (no hypotheses.json): run `stridesim sweep` first")
    if not docs_dir.is_dir():
        fail(f"{docs_dir} is not a folder (run from the repository root or give --docs)")
    try:
        written = regenerate(run, sweep, docs_dir, fine, rectus)
    except (NotARunFolder, OSError, ValueError, KeyError) as exc:
        fail(f"cannot read the results: {exc}")
    for page in written:
        print(f"wrote {page}")
    if not written:
        fail("no page had the generated-table markers")
