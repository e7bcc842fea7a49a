"""``stridesim whatif``: a clinical scenario against healthy running, in plain words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import console, fail

Percent = Annotated[float | None, typer.Option(help="Gluteus maximus strength, % of normal (10-100), both sides.")]


def whatif(
    thomas_angle: Annotated[float | None, typer.Option(
        help="Modified Thomas test, thigh to table (deg, -13.5 to 20; healthy mean -11.9, > 0 positive), "
             "both sides.")] = None,
    thomas_angle_right: Annotated[float | None, typer.Option(help="Thomas-test angle of the right hip only (deg).")] = None,
    thomas_angle_left: Annotated[float | None, typer.Option(help="Thomas-test angle of the left hip only (deg).")] = None,
    thomas_knee: Annotated[float | None, typer.Option(
        help="The same test's knee flexion angle (deg, 15 to 90; smaller = tighter rectus femoris; this model's "
             "healthy reading 61.4), both sides. Not given: a healthy rectus femoris.")] = None,
    thomas_knee_right: Annotated[float | None, typer.Option(help="Knee angle, right leg only (deg).")] = None,
    thomas_knee_left: Annotated[float | None, typer.Option(help="Knee angle, left leg only (deg).")] = None,
    glute_strength: Percent = None,
    glute_strength_right: Annotated[float | None, typer.Option(help="Right gluteus maximus strength only (%).")] = None,
    glute_strength_left: Annotated[float | None, typer.Option(help="Left gluteus maximus strength only (%).")] = None,
    speed: Annotated[float | None, typer.Option(help="Running speed (m/s, 2.0-5.5).")] = None,
    height: Annotated[float | None, typer.Option(help="The runner's height (m, 1.50-2.05).")] = None,
    mass: Annotated[float | None, typer.Option(help="The runner's body mass (kg, 40-130).")] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="The clinic's folder (strides, answers).")] = Path("runs/clinic"),
    n_intervals: Annotated[int, typer.Option(help="Mesh intervals.", min=10, max=200)] = 50,
    starts: Annotated[int, typer.Option(help="Initial guesses per stride.", min=1, max=9)] = 3,
) -> None:
    """What happens to this runner? Clinical inputs in, a plain comparison with healthy running out.

    Solves the healthy stride, each impairment alone and both together at the runner's speed
    and size (reusing every stride solved before), and writes answer.json and report.pdf.
    """
    from sim.apps.clinic_inputs import InputError, defaults, parse_inputs
    from sim.apps.clinic_scenarios import plan
    from sim.model.spec import ModelSpecError

    values = defaults()
    for side in ("right", "left"):
        thomas = thomas_angle_right if side == "right" else thomas_angle_left
        knee = thomas_knee_right if side == "right" else thomas_knee_left
        glute = glute_strength_right if side == "right" else glute_strength_left
        if thomas is not None and thomas_angle is not None:
            fail(f"give --thomas-angle (both sides) or --thomas-angle-{side}, not both")
        if knee is not None and thomas_knee is not None:
            fail(f"give --thomas-knee (both sides) or --thomas-knee-{side}, not both")
        values[f"thomas_knee_{side}_deg"] = next((v for v in (knee, thomas_knee) if v is not None), None)
        if glute is not None and glute_strength is not None:
            fail(f"give --glute-strength (both sides) or --glute-strength-{side}, not both")
        values[f"thomas_angle_{side}_deg"] = next((v for v in (thomas, thomas_angle) if v is not None),
                                                  values[f"thomas_angle_{side}_deg"])
        values[f"glute_strength_{side}_percent"] = next((v for v in (glute, glute_strength) if v is not None),
                                                        values[f"glute_strength_{side}_percent"])
    values |= {k: v for k, v in (("speed_m_s", speed), ("height_m", height), ("mass_kg", mass)) if v is not None}
    try:
        inputs = parse_inputs(values)
        strides = plan(inputs)
        from sim.apps.clinic_scenarios import check_representable

        check_representable(inputs)  # a Thomas reading the model cannot represent fails here, before any solve
    except InputError as exc:
        sided = {f"--{kind}-{side}" for kind, side, value in (
            ("thomas-angle", "right", thomas_angle_right), ("thomas-angle", "left", thomas_angle_left),
            ("thomas-knee", "right", thomas_knee_right), ("thomas-knee", "left", thomas_knee_left),
            ("glute-strength", "right", glute_strength_right), ("glute-strength", "left", glute_strength_left))
            if value is not None}
        fail("; ".join(dict.fromkeys(_cli_words(e["message"], sided) for e in exc.errors)))
    except ModelSpecError as exc:
        fail(str(exc))
    console.print(f"[bold]{len(strides)} strides[/] answer this: " + ", ".join(s.title.lower() for s in strides))
    folder = _solve(out, inputs, n_intervals, starts)
    answer = json.loads((folder / "answer.json").read_text())
    print("Compared with healthy running at the same speed and size:")
    for line in answer["text"]:
        print("  " + line)
    print("Loads:")
    for row in answer["loads"]:
        d = row["digits"]
        print(f"  {row['label']}: " + ", ".join(f"{next(s['title'] for s in answer['scenarios'] if s['key'] == k)} "
                                              f"{v:.{d}f}" for k, v in row["values"].items()) + f" {row['unit']}")
    from sim.apps.clinic_answer import caveats_by_note

    for note, strides_of_note in caveats_by_note(answer):
        print(f"Caution ({', '.join(strides_of_note)}): {note}")
    print(f"answer: {folder / 'answer.json'}\none-page report: {folder / 'report.pdf'}")


def _cli_words(message: str, sided: set[str]) -> str:
    """The input's name as the command line spells it (thomas_angle_right_deg -> --thomas-angle,
    or --thomas-angle-right when that side was given on its own)."""
    for side in ("right", "left"):
        for name, option in ((f"thomas_angle_{side}_deg", "--thomas-angle"), (f"thomas_knee_{side}_deg", "--thomas-knee"),
                             (f"glute_strength_{side}_percent", "--glute-strength")):
            message = message.replace(name, f"{option}-{side}" if f"{option}-{side}" in sided else option)
    for name, option in (("speed_m_s", "--speed"), ("height_m", "--height"), ("mass_kg", "--mass")):
        message = message.replace(name, option)
    return message


def _solve(out: Path, inputs, n_intervals: int, starts: int) -> Path:
    """Solve the question in this process, showing the step and IPOPT's iteration."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from sim.apps.clinic_store import answer_folder, solve_answer, stored_answer

    if stored_answer(out, inputs, n_intervals) is not None:
        console.print("[dim]answered before: read from the store[/]")
        return answer_folder(out, inputs, n_intervals)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("starting", total=None)
        state = {"step": ""}

        def progress(event: dict) -> None:
            state["step"] = event.get("step", state["step"])
            iteration = f", IPOPT iteration {event['iteration']}" if "iteration" in event else ""
            bar.update(task, description=f"{state['step']}{iteration}")

        try:
            return solve_answer(out, inputs.model_dump(), n_intervals, starts, progress=progress)
        except RuntimeError as exc:  # a stride that did not converge: no answer, and not the input's fault
            console.print(f"[bold red]no answer:[/] {exc}")
            raise typer.Exit(code=1) from None
