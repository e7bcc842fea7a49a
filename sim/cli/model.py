"""``stridesim model ...``: build, scale, verify the model and read its Thomas test."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import ModelFile, console, fail, load_model

model_app = typer.Typer(help="Build, scale and verify the musculoskeletal model.", no_args_is_help=True)


@model_app.command("build")
def model_build(
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")],
    height: Annotated[float | None, typer.Option(help="Subject height (m), with --mass.")] = None,
    mass: Annotated[float | None, typer.Option(help="Subject body mass (kg).")] = None,
    static_trial: Annotated[Path | None, typer.Option(help="Static marker trial (.trc) for OpenSim's ScaleTool.")] = None,
    model: ModelFile = None,
) -> None:
    """Write a subject's .osim, parameter table, picture and Thomas-test table to OUT."""
    from sim.apps.model_folder import build_model_folder, describe
    from sim.model.spec import ModelSpecError
    from sim.osim.subject import ScalingReport, scale_from_height_mass, scale_from_static_trial

    spec = load_model(model)
    try:
        if static_trial is not None:
            if mass is None:
                fail("--static-trial needs --mass (kg)")
            if height is not None:
                fail("give either --static-trial or --height, not both")
            console.print(f"scaling to {static_trial} with OpenSim's ScaleTool ...")
            spec, report = scale_from_static_trial(spec, static_trial, mass, work_dir=out / "scale_tool")
        elif height is not None or mass is not None:
            if height is None or mass is None:
                fail("--height and --mass go together")
            spec, report = scale_from_height_mass(spec, height, mass)
        else:
            report = ScalingReport("generic", spec.height, spec.mass, {})
    except ModelSpecError as exc:
        fail(str(exc))
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
    from sim.osim.verification import compare, describe

    agreement, _ = compare(load_model(model), n_states=states, seed=seed)
    print(describe(agreement))


@model_app.command("thomas")
def model_thomas(
    stiffness: Annotated[list[float], typer.Argument(help="hip_flexor_stiffness values")] = None,
    rectus: Annotated[list[float], typer.Option(help="rectus_femoris_stiffness values: the test read at the "
                                                     "knee (repeat the option for several)")] = None,
    model: ModelFile = None,
) -> None:
    """Simulated modified Thomas test (clinical posture) for hip-flexor and rectus femoris knob values."""
    from sim.calibration.thomas import thomas_knee_test, thomas_test
    from sim.model.knobs import validate_knobs
    from sim.model.spec import ModelSpecError

    spec = load_model(model)
    for r in rectus or []:
        try:
            validate_knobs(spec, {"rectus_femoris_stiffness": r})
        except ModelSpecError as exc:
            fail(str(exc))
        knee = thomas_knee_test(spec, {"rectus_femoris_stiffness": r})
        print(f"rectus_femoris_stiffness {r:.2f}: the hanging knee rests at {knee.knee_flexion_deg:.1f} deg of "
              f"flexion (thigh {knee.thomas_angle_deg:+.1f} deg to the table)")
    for k in stiffness or ([] if rectus else [1.0, 2.0, 3.0, 4.0]):
        try:
            validate_knobs(spec, {"hip_flexor_stiffness": k})
        except ModelSpecError as exc:
            fail(str(exc))
        r = thomas_test(spec, k)
        print(f"hip_flexor_stiffness {k:.2f}: thigh rests at {r.thomas_angle_deg:+.1f} deg to the table "
              f"({'positive' if r.positive else 'negative'} test; passive moment {r.resting_moment:.1f} N m)")
