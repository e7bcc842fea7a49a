"""The clinic's folder: solved strides, their measures, the answers, the preview grid.

    store/strides/<stride>/       run folders (sim.results.runfolder), named by clinical inputs
    store/measures/<stride>.json  what the clinic reads off each stride (clinic_measures)
    store/answers/<question>/     answer.json and report.pdf of one question
    store/preview/                the pre-solved grid of the instant preview

Everything is written atomically, so a cancelled or killed solve loses only the stride it was
solving, and a restart finds every finished answer. The functions here run in the solve's own
(spawned) process: they are the entry points of :class:`sim.apps.clinic_service.ClinicService`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from sim.apps.clinic_inputs import ClinicalInputs, parse_inputs
from sim.io.atomic import write_json


def answer_folder(store: Path, inputs: ClinicalInputs, n_intervals: int) -> Path:
    return store / "answers" / f"{inputs.key()}_n{n_intervals}"


@lru_cache(maxsize=32)
def current_fingerprint(inputs: ClinicalInputs | None = None) -> str:
    """The fingerprint of the runner's model (scaled to ``inputs``; the packaged model without),
    the stride cost and the package version: a stored answer or preview of another is stale."""
    import sim
    from sim.apps.clinic_scenarios import base_spec, runner_spec
    from sim.results.runfolder import fingerprint
    from sim.stride.problem import formulation

    spec = base_spec() if inputs is None else runner_spec(inputs)
    return f"{fingerprint(spec, formulation())}-{sim.__version__}"


def stored_answer(store: Path, inputs: ClinicalInputs, n_intervals: int) -> dict | None:
    """The finished answer of this question, if it was solved before with this model, cost and version."""
    path = answer_folder(store, inputs, n_intervals) / "answer.json"
    try:
        answer = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return answer if answer.get("model_fingerprint") == current_fingerprint(inputs) else None


def measures_of(store: Path, folder: Path) -> dict:
    """The clinic's measures of one solved stride, computed once and kept beside the strides."""
    from sim.apps.clinic_measures import stride_measures
    from sim.results.runfolder import RunFolder

    path = store / "measures" / f"{folder.name}.json"
    import sim

    # the stride's solution, model and cost, and the code that reads it (by version)
    fingerprint = (RunFolder(folder).file("solution.npz").stat().st_mtime_ns, RunFolder(folder).fingerprint(),
                   sim.__version__)
    try:
        kept = json.loads(path.read_text())
        if kept.get("source") == list(fingerprint):
            return kept
    except (OSError, ValueError):
        pass
    measures = stride_measures(folder) | {"source": list(fingerprint)}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, measures)
    return measures


def solve_answer(store: str | Path, payload: dict, n_intervals: int, starts: int,
                 progress: Callable[[dict], None] = lambda event: None) -> Path:
    """Solve every stride of a question, compare them, write answer.json and report.pdf; return the folder."""
    from sim.apps.clinic_answer import build_answer
    from sim.apps.clinic_report import write_report
    from sim.apps.clinic_scenarios import solve_strides

    store, inputs = Path(store), parse_inputs(payload)
    folders = solve_strides(store, inputs, n_intervals, starts, progress)
    progress({"step": "comparing the strides", "message": "computing loads and the comparison"})
    answer = build_answer(inputs, {key: measures_of(store, folder) for key, folder in folders.items()})
    answer["model_fingerprint"] = current_fingerprint(inputs)
    out = answer_folder(store, inputs, n_intervals)
    out.mkdir(parents=True, exist_ok=True)
    write_report(answer, out / "report.pdf")
    write_json(out / "answer.json", answer)
    return out


# ---------------------------------------------------------------------- the preview grid
#: Thomas angles (deg) and gluteus strengths (%) of the pre-solved grid: symmetric, 3.5 m/s,
#: the generic runner; the grid spans the inputs' ranges so that every preview interpolates
PREVIEW_GRID = {"thomas_angle_deg": [-13.5, -11.9, 0.0, 10.0, 20.0], "glute_strength_percent": [10.0, 55.0, 100.0],
                "speed_m_s": 3.5}


def preview_inputs(thomas: float, glute: float, speed: float) -> ClinicalInputs:
    from sim.apps.clinic_inputs import defaults

    return parse_inputs(defaults() | {"thomas_angle_right_deg": thomas, "thomas_angle_left_deg": thomas,
                                      "glute_strength_right_percent": glute, "glute_strength_left_percent": glute,
                                      "speed_m_s": speed})


def preview_path(store: Path, grid: dict, thomas: float, glute: float, n_intervals: int) -> Path:
    """A grid stride's measures; the name carries the model's fingerprint, so a changed model or
    cost starts a new grid (and forgets the old one's failures)."""
    tag = current_fingerprint()[:12]
    return (store / "preview" / f"thomas{thomas:+.1f}_glute{glute:.0f}_v{grid['speed_m_s']:.2f}_n{n_intervals}"
            f"_{tag}.json")


def solve_preview_point(store: str | Path, grid: dict, thomas: float, glute: float, n_intervals: int, starts: int,
                        progress: Callable[[dict], None] = lambda event: None) -> Path:
    """Solve one grid point (the patient stride of a symmetric question) and keep its measures."""
    from sim.apps.clinic_scenarios import plan, solve_strides

    store = Path(store)
    inputs = preview_inputs(thomas, glute, grid["speed_m_s"])
    key = plan(inputs)[-1].key
    path = preview_path(store, grid, thomas, glute, n_intervals)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        folders = solve_strides(store, inputs, n_intervals, starts, progress, only={key})
    except RuntimeError as exc:  # kept, so that the grid does not try it again; the preview skips it
        write_json(path.with_suffix(".failed.json"), {"error": str(exc)})
        raise
    write_json(path, measures_of(store, folders[key]))
    return path


def _blend(items: list[tuple[float, object]]):
    """The weighted mean of equally shaped nested data (numbers, lists, dicts); anything else is
    taken from the heaviest item."""
    first = max(items, key=lambda item: item[0])[1]
    if isinstance(first, bool) or not isinstance(first, (int, float, list, dict)):
        return first
    if isinstance(first, (int, float)):
        return float(sum(w * v for w, v in items))
    if isinstance(first, list):
        if all(isinstance(x, (int, float, list)) and not isinstance(x, bool) for x in first):
            return [_blend([(w, v[i]) for w, v in items]) for i in range(len(first))]
        return first
    if any(not isinstance(v, dict) for _, v in items):
        return first
    return {k: _blend([(w, v[k]) for w, v in items]) if all(k in v for _, v in items) else first[k] for k in first}


def preview_measures(store: Path, grid: dict, thomas: float, glute: float, n_intervals: int) -> dict | None:
    """Measures interpolated (bilinearly) from the four grid points around (thomas, glute); None
    while any of them is missing."""
    from bisect import bisect_left

    def bracket(axis: list[float], x: float) -> tuple[int, int, float]:
        i = min(max(bisect_left(axis, x), 1), len(axis) - 1)
        w = (x - axis[i - 1]) / (axis[i] - axis[i - 1])
        return i - 1, i, min(max(w, 0.0), 1.0)

    thomas_axis, glute_axis = grid["thomas_angle_deg"], grid["glute_strength_percent"]
    t0, t1, wt = bracket(thomas_axis, thomas)
    g0, g1, wg = bracket(glute_axis, glute)
    items = []
    for ti, tw in ((t0, 1 - wt), (t1, wt)):
        for gi, gw in ((g0, 1 - wg), (g1, wg)):
            path = preview_path(store, grid, thomas_axis[ti], glute_axis[gi], n_intervals)
            try:
                items.append((tw * gw, json.loads(path.read_text())))
            except (OSError, ValueError):
                return None
    blended = _blend(items)
    blended["spread"] = None
    return blended


def preview_answer(store: Path, grid: dict, inputs: ClinicalInputs, n_intervals: int) -> dict | None:
    """The answer interpolated from the grid (``kind`` "preview"), or None where the grid is not solved
    or does not span the question (a knee reading: the grid's strides have a healthy rectus femoris).

    A one-sided question takes each side's numbers from that side's own inputs and the rest
    (timing, trunk, curves) from the mean of the sides: a first look, replaced by the exact answer."""
    from sim.apps.clinic_answer import build_answer
    from sim.apps.clinic_inputs import HEALTHY_THOMAS_DEG
    from sim.apps.clinic_scenarios import has_rectus_reading, plan

    measures = {}
    if has_rectus_reading(inputs):
        return None  # the grid varies the iliopsoas and the glutes, not the rectus femoris
    for stride in plan(inputs):
        thomas = [HEALTHY_THOMAS_DEG if a is None else a for a in stride.thomas_deg]
        mean = preview_measures(store, grid, sum(thomas) / 2, sum(stride.glute_percent) / 2, n_intervals)
        if mean is None:
            return None
        if not stride.sides_equal:
            for i, side in enumerate(("r", "l")):
                own = preview_measures(store, grid, thomas[i], stride.glute_percent[i], n_intervals)
                if own is None:
                    return None
                # per-side quantities name their side as a word of the key: hip_contact_force_peak_r_bw
                mean["values"] |= {k: v for k, v in own["values"].items() if f"_{side}_" in f"{k}_"}
        measures[stride.key] = mean
    return build_answer(inputs, measures, kind="preview")
