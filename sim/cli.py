"""The ``stridesim`` command line. Heavy imports happen inside commands (fast --help)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="stridesim: physics-based musculoskeletal simulation of running.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
model_app = typer.Typer(help="Build, scale and verify the musculoskeletal model.", no_args_is_help=True)
app.add_typer(model_app, name="model")
console = Console(stderr=True)

ModelFile = Annotated[Path | None, typer.Option("--model", help="Model definition (TOML); default: the packaged runner2d.")]


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=2)


def _load(model: Path | None):
    from sim.spec import DEFAULT_MODEL, ModelSpecError, load_spec

    try:
        return load_spec(model or DEFAULT_MODEL)
    except ModelSpecError as exc:
        _fail(str(exc))


@model_app.command("build")
def model_build(
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")],
    height: Annotated[float | None, typer.Option(help="Subject height (m), with --mass.")] = None,
    mass: Annotated[float | None, typer.Option(help="Subject body mass (kg).")] = None,
    static_trial: Annotated[Path | None, typer.Option(help="Static marker trial (.trc) for OpenSim's ScaleTool.")] = None,
    model: ModelFile = None,
) -> None:
    """Write a subject's .osim, parameter table, picture and Thomas-test table to OUT."""
    from sim.model_build import build_model_folder, describe
    from sim.spec import ModelSpecError
    from sim.subject import ScalingReport, scale_from_height_mass, scale_from_static_trial

    spec = _load(model)
    try:
        if static_trial is not None:
            if mass is None:
                _fail("--static-trial needs --mass (kg)")
            if height is not None:
                _fail("give either --static-trial or --height, not both")
            console.print(f"scaling to {static_trial} with OpenSim's ScaleTool ...")
            spec, report = scale_from_static_trial(spec, static_trial, mass, work_dir=out / "scale_tool")
        elif height is not None or mass is not None:
            if height is None or mass is None:
                _fail("--height and --mass go together")
            spec, report = scale_from_height_mass(spec, height, mass)
        else:
            report = ScalingReport("generic", spec.height, spec.mass, {})
    except ModelSpecError as exc:
        _fail(str(exc))
    summary = build_model_folder(spec, report, out, progress=lambda m: console.print(f"[dim]{m}[/]"))
    print(describe(summary))
    print(f"wrote {out}/ ({summary['osim']}, muscles.csv, model.png, model.json, spec.json)")


@model_app.command("verify")
def model_verify(
    states: Annotated[int, typer.Option(help="Number of random states (plus the default pose).")] = 200,
    seed: int = 0,
    model: ModelFile = None,
) -> None:
    """Compare the CasADi rendering with OpenSim on random states and print the differences."""
    from sim.verification import compare, describe

    agreement, _ = compare(_load(model), n_states=states, seed=seed)
    print(describe(agreement))


@model_app.command("thomas")
def model_thomas(
    stiffness: Annotated[list[float], typer.Argument(help="hip_flexor_stiffness values")] = None,
    model: ModelFile = None,
) -> None:
    """Simulated modified Thomas test (knee 80 deg) for hip-flexor stiffness values."""
    from sim.knobs import validate_knobs
    from sim.spec import ModelSpecError
    from sim.thomas import thomas_test

    spec = _load(model)
    for k in stiffness or [1.0, 2.0, 3.0, 4.0]:
        try:
            validate_knobs(spec, {"hip_flexor_stiffness": k})
        except ModelSpecError as exc:
            _fail(str(exc))
        r = thomas_test(spec, k)
        print(f"hip_flexor_stiffness {k:.2f}: thigh rests at {r.thomas_angle_deg:+.1f} deg hip flexion "
              f"({'positive' if r.positive else 'negative'} test; passive moment {r.resting_moment:.1f} N m)")


def _parse_knobs(values: list[str] | None) -> dict[str, float]:
    knobs = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        try:
            knobs[name.strip()] = float(value)
        except ValueError:
            _fail(f"--knob expects NAME=VALUE, got {item!r}")
        if not sep:
            _fail(f"--knob expects NAME=VALUE, got {item!r}")
    return knobs


@app.command("run")
def run(
    experiment: Annotated[Path | None, typer.Argument(help="Experiment file (TOML); default: the baseline.")] = None,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Run folder (default runs/<name>).")] = None,
    speed: Annotated[float | None, typer.Option(help="Average running speed (m/s), (0, 8].")] = None,
    n_intervals: Annotated[int | None, typer.Option(help="Mesh intervals (>= 5).")] = None,
    knob: Annotated[list[str] | None, typer.Option(help="Knob as NAME=VALUE (repeatable).")] = None,
    guess: Annotated[str | None, typer.Option(help="'data', 'random' or a run folder to warm-start from.")] = None,
    max_iter: Annotated[int | None, typer.Option(help="IPOPT iteration limit.")] = None,
    starts: Annotated[int | None, typer.Option(help="Initial guesses tried, 1-8 (lowest-cost running stride kept).")] = None,
    figures: Annotated[bool, typer.Option(help="Write the comparison figure.")] = True,
) -> None:
    """Optimize a running stride (predictive simulation) and write its run folder and figures."""
    from sim.spec import ModelSpecError
    from sim.stride.config import load_experiment, make_config

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
        _fail(str(exc))
    out = out or Path("runs") / config.name
    _run_with_progress(config, out, figures)


def _run_with_progress(config, out: Path, figures: bool) -> None:
    from sim.stride.runner import run_stride

    def report(entry: dict) -> None:
        if entry["iteration"] % 10 == 0:
            console.print(f"  iter {entry['iteration']:4d}  objective {entry['objective']:.5g}  "
                          f"infeasibility {entry['infeasibility']:.2e}  {entry['elapsed_s']:6.1f} s")

    status = run_stride(config, out, report=report, log=lambda m: console.print(f"[dim]{m}[/]"))
    gait = status["gait"]
    if len(status.get("starts", [])) > 1:
        print(f"kept start: {next(r['start'] for r in status['starts'] if r['chosen'])}")
    verdict = "a running stride" if status["counts_as_result"] else "NOT a result"
    print(f"{status['ipopt_status']} after {status['iterations']} iterations in {status['solve_time_s']:.1f} s: "
          f"{gait['label']} -> {verdict}")
    metrics_file = out / "metrics.json"
    if metrics_file.exists():
        import json

        m = json.loads(metrics_file.read_text())
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
            from sim.results.fullstride import full_stride
            from sim.results.io import load_run

            solution, spec = load_run(out)
            from sim.cas.model import CasadiModel

            plot_vs_measured(full_stride(solution, CasadiModel(spec)), out / "vs_measured.png")
    if "diagnostics" in gait:
        d = gait["diagnostics"]
        print(f"largest constraint violation {d['max_violation']:.2e}:")
        for v in d["largest_violations"][:5]:
            print(f"  {v['constraint']} at t = {v['time_s']} s: {v['violation']:.2e}")
        for name, count in d["variables_at_bounds"][:5]:
            print(f"  {name} ({count} nodes)")
    print(f"wrote {out}/")
    if not status["counts_as_result"]:
        raise typer.Exit(code=1)


@app.command("sweep")
def sweep(
    experiment: Annotated[Path, typer.Argument(help="Sweep file (TOML) with a [grid] table.")],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Sweep folder (default runs/<name>).")] = None,
    workers: Annotated[int, typer.Option(help="Parallel worker processes (local) or tasks (Dask).")] = 2,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")] = None,
) -> None:
    """Solve every point of a grid (resumable: re-run the same command to continue)."""
    from sim.spec import ModelSpecError
    from sim.sweep.config import load_sweep
    from sim.sweep.engine import run_sweep
    from sim.sweep.tables import write_summary, write_timeseries

    if workers < 1:
        _fail(f"--workers = {workers}: must be at least 1")
    try:
        config = load_sweep(experiment)
    except ModelSpecError as exc:
        _fail(str(exc))
    out = out or Path("runs") / config.name

    def report(event: dict) -> None:
        if event["event"] == "start":
            console.print(f"{event['points']} points: {event['already_solved']} already solved, "
                          f"{event['corrupt_resolved']} partial or corrupted (solving again)")
            for key in event["corrupt"]:
                console.print(f"  [yellow]discarded incomplete result[/] {key}")
        else:
            r = event["result"]
            verdict = "running" if r["counts_as_result"] else f"FAILED ({r['attempts'][-1]['gait']})"
            console.print(f"[{event['done']}/{event['total']}] {event['key']}: {verdict} after "
                          f"{len(r['attempts'])} attempt(s), {r['wall_time_s']:.1f} s; "
                          f"elapsed {event['elapsed_s']:.0f} s, ETA {event['eta_s']:.0f} s")

    try:
        counts = run_sweep(config, out, workers=workers, scheduler=scheduler, report=report)
    except ModelSpecError as exc:
        _fail(str(exc))
    write_summary(config, out)
    write_timeseries(config, out)
    print(f"{counts['points']} points; solved now {counts['solved_now']}, already {counts['already_solved']}, "
          f"not running after retries {counts['failed']}")
    print(f"wrote {out}/ (points/, summary.parquet, summary.csv, timeseries.nc)")
    if {"hip_flexor_stiffness", "glute_strength"} <= set(config.grid):
        _study(out)


def _study(sweep_dir: Path) -> None:
    from sim.study import write_study

    try:
        paths = write_study(sweep_dir)
    except ValueError as exc:
        console.print(f"[yellow]study figures skipped:[/] {exc}")
        return
    print((sweep_dir / "summary.md").read_text())
    print("figures: " + ", ".join(p.name for p in paths))


@app.command("study")
def study(sweep_dir: Annotated[Path, typer.Argument(help="A finished stiffness x strength sweep.")]) -> None:
    """Headline figures and plain-language summary of a hip-extension sweep."""
    if not (sweep_dir / "summary.parquet").is_file():
        _fail(f"{sweep_dir} is not a sweep folder (no summary.parquet): run `stridesim sweep` first")
    _study(sweep_dir)


@app.command("whatif")
def whatif(
    thomas_angle: Annotated[float | None, typer.Option(help="Thomas test: hip angle at rest (deg; + = positive).")] = None,
    glute_strength: Annotated[float | None, typer.Option(help="Gluteus maximus strength, % of normal (0-100].")] = None,
    hip_flexor_stiffness: Annotated[float | None, typer.Option(help="Knob value instead of --thomas-angle.")] = None,
    speed: Annotated[float, typer.Option(help="Running speed (m/s).")] = 3.5,
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for the scenario.")] = Path("runs/whatif"),
    search: Annotated[list[Path] | None, typer.Option(help="Folders with stored solutions (default: runs/).")] = None,
    n_intervals: Annotated[int, typer.Option(help="Mesh intervals.")] = 50,
) -> None:
    """What happens to this runner? Clinical inputs in, plain comparison with healthy running out."""
    from sim.knobs import validate_knobs
    from sim.spec import ModelSpecError
    from sim.stride.config import make_config
    from sim.whatif import Scenario, run_whatif, stiffness_for_thomas_angle

    spec = _load(None)
    if (thomas_angle is None) == (hip_flexor_stiffness is None):
        _fail("give exactly one of --thomas-angle (deg) or --hip-flexor-stiffness")
    if glute_strength is None:
        glute_strength = 100.0
    try:
        if not 0.0 < glute_strength <= 100.0:
            raise ModelSpecError(f"--glute-strength {glute_strength:g} % is outside the allowed range (0, 100] %")
        make_config(speed=speed, n_intervals=n_intervals)
        if thomas_angle is not None:
            hip_flexor_stiffness = stiffness_for_thomas_angle(spec, thomas_angle)
        else:
            validate_knobs(spec, {"hip_flexor_stiffness": hip_flexor_stiffness})
            from sim.thomas import thomas_test

            thomas_angle = thomas_test(spec, hip_flexor_stiffness).thomas_angle_deg
    except ModelSpecError as exc:
        _fail(str(exc))
    scenario = Scenario(hip_flexor_stiffness, glute_strength / 100.0, speed, thomas_angle)
    console.print(f"Thomas angle {thomas_angle:+.1f} deg -> hip_flexor_stiffness {hip_flexor_stiffness:.2f}; "
                  f"gluteus strength {glute_strength:.0f} %")
    try:
        summary = run_whatif(spec, scenario, out, search or [Path("runs")], n_intervals=n_intervals,
                             log=lambda m: console.print(f"[dim]{m}[/]"))
    except RuntimeError as exc:
        _fail(str(exc))
    print("Compared with healthy running at the same speed:")
    for line in summary["text"]:
        print("  " + line)
    print(summary["caveat"])
    print("one-page figure: " + ", ".join(summary["figures"]))


def _register_visuals() -> None:
    from sim.cli_visuals import animate, plot, report

    app.command("animate")(animate)
    app.command("plot")(plot)
    app.command("report")(report)


_register_visuals()


def main() -> None:  # pragma: no cover
    app()
