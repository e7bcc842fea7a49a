"""From clinical inputs to solved strides: which strides answer a question, and solving them.

A question is answered by up to four strides at the runner's speed and size: healthy, each
impairment alone (the tight or loose hip flexors as entered with normal glutes, the weak
glutes as entered with normal hip flexors) and the patient as entered ("both"). A Thomas angle
becomes the iliopsoas contracture knob by inverting the simulated Thomas test on the runner's
own scaled model; the test's knee angle, when measured, becomes the rectus femoris contracture
knob by inverting the test read at the knee with the iliopsoas as entered; a strength in
percent becomes the gluteus-maximus knob as a fraction. Each
stride is a run folder under ``store/strides`` named by its clinical inputs, so any later
question that needs the same stride reuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sim.apps.clinic_inputs import ClinicalInputs, InputError
from sim.model.spec import ModelSpec

SIDES = ("r", "l")
SIDE_WORDS = {"r": "right", "l": "left"}
#: a Thomas angle this close (deg) to the runner's healthy reading is the healthy knob itself
HEALTHY_TOLERANCE_DEG = 0.25
TITLES = {"healthy": "Healthy", "hip_flexors": "Hip flexors as entered, normal glutes",
          "glutes": "Glutes as entered, normal hip flexors", "both": "As entered"}


@dataclass(frozen=True)
class PlannedStride:
    """One stride of an answer: per side a Thomas angle and knee angle (None = healthy) and a strength (%)."""

    key: str
    thomas_deg: tuple[float | None, float | None]  # right, left
    glute_percent: tuple[float, float]
    #: solved as a full stride: every stride of a one-sided question is, the healthy one too, so
    #: that the strides compared come from one formulation
    full_stride: bool = False
    knee_deg: tuple[float | None, float | None] = (None, None)  # the test's knee reading, right, left

    @property
    def title(self) -> str:
        return TITLES[self.key]

    @property
    def sides_equal(self) -> bool:
        return (self.thomas_deg[0] == self.thomas_deg[1] and self.glute_percent[0] == self.glute_percent[1]
                and self.knee_deg[0] == self.knee_deg[1])

    @property
    def symmetric(self) -> bool:
        return not self.full_stride


@lru_cache(maxsize=1)
def base_spec() -> ModelSpec:
    """The packaged model, read once per process."""
    from sim.model.spec import load_spec

    return load_spec()


def subject(inputs: ClinicalInputs) -> dict:
    """The run configuration's ``subject`` table for the runner's size: empty for the generic
    model's size (to the inputs' resolution), so that such runners share the unscaled model."""
    spec = base_spec()
    if abs(inputs.height_m - spec.generic_subject.height) < 0.005 and abs(inputs.mass_kg - spec.mass) < 0.05:
        return {}
    return {"height": inputs.height_m, "mass": inputs.mass_kg}


@lru_cache(maxsize=16)
def _runner_spec(height: float | None, mass: float | None) -> ModelSpec:
    from sim.model.scaling import scale_to_height_mass

    return base_spec() if height is None else scale_to_height_mass(base_spec(), height, mass)


def runner_spec(inputs: ClinicalInputs) -> ModelSpec:
    """The model scaled to the runner (the generic model at its own size)."""
    size = subject(inputs)
    return _runner_spec(size.get("height"), size.get("mass"))


@lru_cache(maxsize=16)
def healthy_thomas_deg(height: float | None, mass: float | None) -> float:
    """The simulated Thomas test of this runner size with healthy hip flexors (knob 1)."""
    from sim.calibration.thomas import thomas_test

    return thomas_test(_runner_spec(height, mass), 1.0).thomas_angle_deg


@lru_cache(maxsize=64)
def healthy_knee_deg(height: float | None, mass: float | None, hip_flexor_stiffness: float) -> float:
    """The test's knee reading of this runner size with a healthy rectus femoris and the iliopsoas knob given."""
    from sim.calibration.thomas import thomas_knee_test

    return thomas_knee_test(_runner_spec(height, mass), {"hip_flexor_stiffness": hip_flexor_stiffness}).knee_flexion_deg


def _healthy_knee(inputs: ClinicalInputs, thomas: float | None, knee: float | None) -> float | None:
    """None where the knee was not measured or reads as a healthy rectus femoris would with the
    thigh as entered; the knee otherwise (a reading the model cannot represent is kept, for
    :func:`check_representable` to name)."""
    from sim.model.spec import ModelSpecError

    if knee is None:
        return None
    size = subject(inputs)
    try:
        healthy = healthy_knee_deg(size.get("height"), size.get("mass"), _hip_knob(inputs, thomas))
    except (ModelSpecError, RuntimeError):
        return knee
    return None if abs(knee - healthy) <= HEALTHY_TOLERANCE_DEG else knee


def plan(inputs: ClinicalInputs) -> list[PlannedStride]:
    """The strides that answer ``inputs``: healthy first; each impairment alone only when both are present."""
    size = subject(inputs)
    healthy_reading = healthy_thomas_deg(size.get("height"), size.get("mass"))
    thomas = tuple(None if abs(a - healthy_reading) <= HEALTHY_TOLERANCE_DEG else a
                   for a in (inputs.thomas_angle_right_deg, inputs.thomas_angle_left_deg))
    knees = tuple(_healthy_knee(inputs, t, k) for t, k in zip(thomas, (inputs.thomas_knee_right_deg,
                                                                        inputs.thomas_knee_left_deg), strict=True))
    glutes = (inputs.glute_strength_right_percent, inputs.glute_strength_left_percent)
    full = thomas[0] != thomas[1] or glutes[0] != glutes[1] or knees[0] != knees[1]
    healthy = PlannedStride("healthy", (None, None), (100.0, 100.0), full)
    both = PlannedStride("both", thomas, glutes, full, knees)
    hip_impaired = any(a is not None for a in thomas + knees)
    glute_impaired = any(g < 100.0 for g in glutes)
    if not hip_impaired and not glute_impaired:
        return [healthy]
    if hip_impaired and glute_impaired:
        return [healthy, PlannedStride("hip_flexors", thomas, (100.0, 100.0), full, knees),
                PlannedStride("glutes", (None, None), glutes, full), both]
    return [healthy, both]


def stiffness_for_thomas_angle(spec: ModelSpec, angle_deg: float) -> float:
    """Invert the simulated Thomas test; ModelSpecError names the reachable range."""
    from scipy.optimize import brentq

    from sim.calibration.thomas import thomas_test
    from sim.model.spec import ModelSpecError

    knob = spec.knobs["hip_flexor_stiffness"]
    low = thomas_test(spec, knob.minimum).thomas_angle_deg
    high = thomas_test(spec, knob.maximum).thomas_angle_deg
    if not low <= angle_deg <= high:
        raise ModelSpecError(f"Thomas angle {angle_deg:g} deg is outside the range this model can represent "
                             f"[{low:.1f}, {high:.1f}] deg (hip_flexor_stiffness {knob.minimum:g} to {knob.maximum:g})")
    return float(brentq(lambda k: thomas_test(spec, k).thomas_angle_deg - angle_deg, knob.minimum, knob.maximum,
                        xtol=1e-4))


def has_rectus_reading(inputs: ClinicalInputs) -> bool:
    """A knee reading of the question asks for a rectus femoris other than healthy."""
    return any(k is not None for stride in plan(inputs) for k in stride.knee_deg)


def rectus_for_knee_angle(spec: ModelSpec, hip_flexor_stiffness: float, knee_deg: float) -> float:
    """Invert the test read at the knee, the iliopsoas knob held; ModelSpecError names the reachable range."""
    from scipy.optimize import brentq

    from sim.calibration.thomas import thomas_knee_test
    from sim.model.spec import ModelSpecError

    knob = spec.knobs["rectus_femoris_stiffness"]

    def reading(rectus: float) -> float:
        knobs = {"hip_flexor_stiffness": hip_flexor_stiffness, "rectus_femoris_stiffness": rectus}
        return thomas_knee_test(spec, knobs).knee_flexion_deg

    straightest, loosest = reading(knob.maximum), reading(knob.minimum)  # a tighter rectus holds the knee straighter
    if not straightest <= knee_deg <= loosest:
        raise ModelSpecError(f"knee angle {knee_deg:g} deg is outside the range this model can represent with the "
                             f"thigh as entered [{straightest:.1f}, {loosest:.1f}] deg (rectus_femoris_stiffness "
                             f"{knob.minimum:g} to {knob.maximum:g})")
    return float(brentq(lambda r: reading(r) - knee_deg, knob.minimum, knob.maximum, xtol=1e-4))


@lru_cache(maxsize=64)
def _stiffness(height: float | None, mass: float | None, angle_deg: float) -> float:
    """The knob of a Thomas angle for a runner size: the strides of a question share their angles."""
    return stiffness_for_thomas_angle(_runner_spec(height, mass), angle_deg)


@lru_cache(maxsize=64)
def _rectus(height: float | None, mass: float | None, hip_flexor_stiffness: float, knee_deg: float) -> float:
    return rectus_for_knee_angle(_runner_spec(height, mass), hip_flexor_stiffness, knee_deg)


def _hip_knob(inputs: ClinicalInputs, angle_deg: float | None) -> float:
    """The iliopsoas knob of one side's thigh reading (None: healthy) on the runner's model."""
    size = subject(inputs)
    return 1.0 if angle_deg is None else _stiffness(size.get("height"), size.get("mass"), angle_deg)


def _rectus_knob(inputs: ClinicalInputs, hip_flexor_stiffness: float, knee_deg: float | None) -> float:
    """The rectus femoris knob of one side's knee reading (None: healthy), its iliopsoas knob held."""
    size = subject(inputs)
    return 1.0 if knee_deg is None else _rectus(size.get("height"), size.get("mass"), hip_flexor_stiffness, knee_deg)


def knobs(planned: PlannedStride, inputs: ClinicalInputs) -> dict[str, float]:
    """The stride's knob values, one-sided where the sides differ (the rectus knob only where a
    knee reading asks for it)."""
    out = {}
    for i, side in enumerate(SIDES):
        stiffness = _hip_knob(inputs, planned.thomas_deg[i])
        out[f"hip_flexor_stiffness_{side}"] = stiffness
        out[f"rectus_femoris_stiffness_{side}"] = _rectus_knob(inputs, stiffness, planned.knee_deg[i])
        out[f"glute_strength_{side}"] = planned.glute_percent[i] / 100.0
    for name in ("hip_flexor_stiffness", "rectus_femoris_stiffness", "glute_strength"):
        if out[f"{name}_r"] == out[f"{name}_l"]:
            out[name] = out.pop(f"{name}_r")
            del out[f"{name}_l"]
    if out.get("rectus_femoris_stiffness") == 1.0:
        del out["rectus_femoris_stiffness"]  # a healthy rectus: the model's default
    return out


def check_representable(inputs: ClinicalInputs) -> None:
    """InputError naming each Thomas reading the runner's model cannot represent (before any solve)."""
    from sim.model.spec import ModelSpecError

    readings = plan(inputs)[-1]  # the last stride carries every reading of the question
    errors = []
    for i, word in enumerate(SIDE_WORDS.values()):
        try:
            stiffness = _hip_knob(inputs, readings.thomas_deg[i])
        except ModelSpecError as exc:
            errors.append({"field": f"thomas_angle_{word}_deg", "message": f"thomas_angle_{word}_deg: {exc}"})
            continue
        try:
            _rectus_knob(inputs, stiffness, readings.knee_deg[i])
        except ModelSpecError as exc:
            errors.append({"field": f"thomas_knee_{word}_deg", "message": f"thomas_knee_{word}_deg: {exc}"})
    if errors:
        raise InputError(errors)


def stride_name(planned: PlannedStride, inputs: ClinicalInputs, n_intervals: int) -> str:
    """The stride's folder name: its clinical inputs, speed, runner size and mesh."""
    def side(i: int) -> str:
        angle, knee = planned.thomas_deg[i], planned.knee_deg[i]
        return (f"{'healthy' if angle is None else f'{angle:+.1f}'}{'' if knee is None else f'_knee{knee:.1f}'}"
                f"_g{planned.glute_percent[i]:.0f}")

    body = side(0) if planned.sides_equal else f"R{side(0)}_L{side(1)}"
    return (f"thomas{body}_v{inputs.speed_m_s:.2f}_h{inputs.height_m:.2f}_m{inputs.mass_kg:.1f}"
            f"_n{n_intervals}{'' if planned.symmetric else '_full'}")


def solve_strides(store: Path, inputs: ClinicalInputs, n_intervals: int, starts: int,
                  progress: Callable[[dict], None] = lambda event: None,
                  only: set[str] | None = None) -> dict[str, Path]:
    """Solve (or reuse) every planned stride of ``inputs`` (or those of ``only``); {key: run folder}.
    RuntimeError when a stride does not converge to running (nothing is reported from it)."""
    from sim.results.runfolder import RunFolder, fingerprint
    from sim.run.config import make_config
    from sim.run.runner import run_stride, shared_problem
    from sim.stride.problem import formulation

    planned = [p for p in plan(inputs) if only is None or p.key in only]
    size = subject(inputs)
    # the runner's scaled model is in the fingerprint: strides of another size never match it
    current = fingerprint(runner_spec(inputs), formulation())
    folders = {}
    for k, stride in enumerate(planned):
        folder = store / "strides" / stride_name(stride, inputs, n_intervals)
        folders[stride.key] = folder
        step = {"step": f"stride {k + 1} of {len(planned)}: {stride.title.lower()}", "steps_done": k,
                "steps_total": len(planned)}
        if RunFolder(folder).holds_result() and RunFolder(folder).fingerprint() == current:
            progress({**step, "message": "reusing a solved stride"})
            continue
        values = knobs(stride, inputs)
        stored = [(f, c) for f, c in stored_strides(store / "strides", current)
                  if c.get("symmetric", True) == stride.symmetric and c.get("n_intervals") == n_intervals]
        guess = nearest(stored, values, inputs.speed_m_s)
        config = make_config(name=stride.key, speed=inputs.speed_m_s, n_intervals=n_intervals, knobs=values,
                             symmetric=stride.symmetric, starts=starts, guess=str(guess) if guess else "data",
                             subject=size or None)
        progress({**step, "message": f"solving (warm start: {'a stored stride' if guess else 'measured running'})"})

        def report(event: dict, step=step) -> None:
            progress({**step, "iteration": event.get("iteration", 0)})

        # a result already in the folder is stale (another model or cost), or it would have been reused
        status = run_stride(config, folder, report=report, problem=shared_problem(config), log=lambda m: None,
                            check_residuals=False, overwrite=True)
        if not status["counts_as_result"]:
            raise RuntimeError(f"the {stride.title.lower()} stride did not converge to running "
                               f"({status['ipopt_status']}, {status['gait']['label']})")
    progress({"step": "done", "steps_done": len(planned), "steps_total": len(planned)})
    return folders


def stored_strides(root: Path, current: str) -> list[tuple[Path, dict]]:
    """Converged running strides below ``root`` solved with this model and cost: (folder, config)."""
    from sim.io.atomic import is_partial
    from sim.results.runfolder import RunFolder

    found = []
    for folder in sorted(root.iterdir()) if root.exists() else []:
        run = RunFolder(folder)
        if is_partial(folder) or not run.holds_result() or run.fingerprint() != current:
            continue
        found.append((folder, run.config()))
    return found


def nearest(runs: list[tuple[Path, dict]], knob_values: dict[str, float], speed: float) -> Path | None:
    """The stored stride closest in knobs and speed: the warm start of a new solve."""
    def mean(knobs: dict, name: str) -> float:  # a one-sided knob counts by the mean of its sides
        both = knobs.get(name, 1.0)
        return (knobs.get(f"{name}_r", both) + knobs.get(f"{name}_l", both)) / 2

    def distance(config: dict) -> float:
        k = config.get("knobs") or {}
        return (abs(mean(k, "hip_flexor_stiffness") - mean(knob_values, "hip_flexor_stiffness")) / 3.0
                + abs(mean(k, "rectus_femoris_stiffness") - mean(knob_values, "rectus_femoris_stiffness")) / 3.0
                + abs(mean(k, "glute_strength") - mean(knob_values, "glute_strength")) + abs(config["speed"] - speed))
    return min(runs, key=lambda r: distance(r[1]))[0] if runs else None
