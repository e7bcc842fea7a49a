"""``stridesim whatif``: a clinical scenario against healthy running, in plain words."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import console, fail, load_model


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
    from sim.apps.whatif import Scenario, run_whatif, stiffness_for_thomas_angle
    from sim.model.knobs import validate_knobs
    from sim.model.spec import ModelSpecError
    from sim.run.config import make_config

    spec = load_model(None)
    if (thomas_angle is None) == (hip_flexor_stiffness is None):
        fail("give exactly one of --thomas-angle (deg) or --hip-flexor-stiffness")
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
            from sim.calibration.thomas import thomas_test

            thomas_angle = thomas_test(spec, hip_flexor_stiffness).thomas_angle_deg
    except ModelSpecError as exc:
        fail(str(exc))
    scenario = Scenario(hip_flexor_stiffness, glute_strength / 100.0, speed, thomas_angle)
    console.print(f"Thomas angle {thomas_angle:+.1f} deg -> hip_flexor_stiffness {hip_flexor_stiffness:.2f}; "
                  f"gluteus strength {glute_strength:.0f} %")
    try:
        summary = run_whatif(spec, scenario, out, search or [Path("runs")], n_intervals=n_intervals,
                             log=lambda m: console.print(f"[dim]{m}[/]"))
    except RuntimeError as exc:
        fail(str(exc))
    print("Compared with healthy running at the same speed:")
    for line in summary["text"]:
        print("  " + line)
    print(summary["caveat"])
    print("one-page figure: " + ", ".join(summary["figures"]))
