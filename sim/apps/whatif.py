"""Clinician what-if: a Thomas-test angle and a gluteus strength in, a plain comparison out.

The Thomas angle is turned into the hip-flexor stiffness knob by inverting the simulated
modified Thomas test (sim.calibration.thomas); the scenario is solved warm-started from the nearest
stored solution and compared with the healthy baseline at the same speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from sim.calibration.thomas import thomas_test
from sim.io.atomic import atomic_file, is_partial, write_json
from sim.model.spec import ModelSpec, ModelSpecError

#: (metric key, words, unit shown, digits shown); shares are fractions in the data and percent in words
COMPARED = [
    ("peak_hip_extension_deg", "Peak hip extension (negative = the hip stays flexed)", "deg", 1),
    ("thigh_extension_at_toe_off_deg", "Thigh extension at toe-off", "deg", 1),
    ("pelvic_tilt_peak_anterior_deg", "Peak anterior pelvic tilt", "deg", 1),
    ("pelvic_tilt_mean_deg", "Mean pelvic tilt (negative = anterior)", "deg", 1),
    ("lumbar_extension_peak_deg", "Peak lumbar extension", "deg", 1),
    ("analysis.ratios.plantar_flexor_share_of_propulsion", "Calf (soleus + gastrocnemius) share of propulsion", "%", 0),
    ("analysis.ratios.hip_extensor_share_of_propulsion", "Hip-extensor share of propulsion", "%", 0),
    ("analysis.ratios.hamstrings_share_of_hip_extension_work", "Hamstrings share of hip-extension work", "%", 0),
    ("cadence_steps_per_min", "Cadence", "steps/min", 0),
    ("stride_length_m", "Stride length", "m", 2),
    ("contact_time_s", "Ground contact time", "s", 3),
    ("peak_vertical_grf_bw", "Peak vertical ground force", "body weights", 2),
]


@dataclass
class Scenario:
    hip_flexor_stiffness: float
    glute_strength: float
    speed: float
    thomas_angle_deg: float


def stiffness_for_thomas_angle(spec: ModelSpec, angle_deg: float) -> float:
    """Invert the simulated Thomas test; ModelSpecError names the reachable range."""
    knob = spec.knobs["hip_flexor_stiffness"]
    low = thomas_test(spec, knob.minimum).thomas_angle_deg
    high = thomas_test(spec, knob.maximum).thomas_angle_deg
    if not low <= angle_deg <= high:
        raise ModelSpecError(f"--thomas-angle {angle_deg:g} deg is outside the range this model can represent "
                             f"[{low:.1f}, {high:.1f}] deg (hip_flexor_stiffness {knob.minimum:g}-{knob.maximum:g})")
    return float(brentq(lambda k: thomas_test(spec, k).thomas_angle_deg - angle_deg, knob.minimum, knob.maximum,
                        xtol=1e-4))


def _get(metrics: dict, key: str) -> float:
    value = metrics
    for part in key.split("."):
        value = value[part]
    return float(value)


def find_runs(roots: list[Path]) -> list[tuple[Path, dict]]:
    """Converged running results below ``roots``: (folder, config)."""
    from sim.results.runfolder import METRICS, STATUS, RunFolder

    found = []
    for root in roots:
        for status_file in root.rglob(STATUS) if root.exists() else []:
            run = RunFolder(status_file.parent)
            if is_partial(run.path):
                continue
            try:
                status, config = run.status(), run.config()
            except (OSError, ValueError):
                continue
            if status.get("counts_as_result") and run.file(METRICS).exists():
                found.append((run.path, config))
    return found


def reusable_runs(runs: list[tuple[Path, dict]], spec: ModelSpec, knobs: dict[str, float], speed: float,
                  n_intervals: int) -> list[Path]:
    """Stored strides solved with this very model and stride cost at these knobs, speed and mesh.

    A run's config lists only the knobs it set, so the model's defaults fill the rest; a run
    solved with another model (a changed model file or calibration) or another cost (changed
    default weights) is stale and never reused.
    """
    from sim.results.runfolder import RunFolder, fingerprint
    from sim.stride.problem import formulation

    defaults = {name: knob.default for name, knob in spec.knobs.items()}
    expected = fingerprint(spec, formulation())
    return [folder for folder, config in runs
            if {**defaults, **(config.get("knobs") or {})} == {**defaults, **knobs}
            and abs(config["speed"] - speed) < 1e-9 and config.get("n_intervals") == n_intervals
            and config.get("symmetric", True)
            and RunFolder(folder).fingerprint() == expected]


def nearest(runs: list[tuple[Path, dict]], knobs: dict[str, float], speed: float) -> Path | None:
    def distance(config: dict) -> float:
        k = config.get("knobs") or {}
        return (abs(k.get("hip_flexor_stiffness", 1.0) - knobs["hip_flexor_stiffness"]) / 3.0
                + abs(k.get("glute_strength", 1.0) - knobs["glute_strength"]) + abs(config["speed"] - speed))
    return min(runs, key=lambda r: distance(r[1]))[0] if runs else None


def compare(healthy: dict, scenario: dict) -> list[dict]:
    """One row per compared metric: healthy and scenario values and the change, in the metric's
    own unit (``unit``: shares are fractions, as in metrics.json), and how to show it."""
    rows = []
    for key, words, shown, digits in COMPARED:
        try:
            a, b = _get(healthy, key), _get(scenario, key)
        except KeyError:
            continue
        rows.append({"metric": key, "words": words, "unit": "fraction" if shown == "%" else shown, "healthy": a,
                     "scenario": b, "change": b - a, "shown_unit": shown, "digits": digits})
    return rows


def shown(row: dict, key: str) -> float:
    """A row's value as it is shown to people (shares in percent)."""
    return row[key] * (100.0 if row["shown_unit"] == "%" else 1.0)


def sentences(rows: list[dict]) -> list[str]:
    out = []
    for r in rows:
        d, unit = r["digits"], r["shown_unit"]
        healthy, scenario, change = shown(r, "healthy"), shown(r, "scenario"), shown(r, "change")
        if abs(change) < 0.5 * 10 ** -d:
            out.append(f"{r['words']} is unchanged ({healthy:.{d}f} {unit}).")
            continue
        verb = "rises" if change > 0 else "falls"
        out.append(f"{r['words']} {verb} from {healthy:.{d}f} to {scenario:.{d}f} {unit} ({change:+.{d}f}).")
    return out


def one_page_figure(scenario: Scenario, healthy_dir: Path, scenario_dir: Path, rows: list[dict], text: list[str],
                    caveat: str, out_base: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    import sim.figures  # noqa: F401  (chooses the headless backend)
    from sim.io.storage import read_storage
    from sim.results.runfolder import KINEMATICS

    fig = plt.figure(figsize=(8.27, 11.69), dpi=100)  # A4 portrait
    fig.suptitle(f"What if: Thomas angle {scenario.thomas_angle_deg:+.0f} deg, gluteus strength "
                 f"{scenario.glute_strength * 100:.0f} %, {scenario.speed:g} m/s", fontsize=13)
    panels = [("hip_flexion_r", "hip flexion (deg)"), ("pelvis_tilt", "pelvic tilt (deg, - anterior)"),
              ("lumbar_extension", "lumbar extension (deg)")]
    strides = [(read_storage(folder / KINEMATICS), name, colour)
               for folder, name, colour in ((healthy_dir, "healthy", "#1f77b4"), (scenario_dir, "what-if", "#d62728"))]
    for i, (column, label) in enumerate(panels):
        ax = fig.add_axes([0.08 + i * 0.31, 0.66, 0.25, 0.2])
        for (labels, data, _), name, colour in strides:
            pct = 100 * (data[:, 0] - data[0, 0]) / (data[-1, 0] - data[0, 0])
            ax.plot(pct, data[:, labels.index(column)], color=colour, label=name)
        ax.set_xlabel("gait cycle (%)", fontsize=8)
        ax.set_title(label, fontsize=9)
        ax.tick_params(labelsize=7)
        if i == 0:
            ax.legend(fontsize=7)
    ax = fig.add_axes([0.35, 0.36, 0.6, 0.24])
    bars = rows[:8]
    y = np.arange(len(bars))
    ax.barh(y - 0.2, [shown(r, "healthy") for r in bars], 0.4, color="#1f77b4", label="healthy")
    ax.barh(y + 0.2, [shown(r, "scenario") for r in bars], 0.4, color="#d62728", label="what-if")
    ax.set_yticks(y, [f"{r['words']} ({r['shown_unit']})" for r in bars], fontsize=7)
    ax.invert_yaxis()
    ax.legend(fontsize=7)
    body = "\n".join(text + ["", caveat])
    fig.text(0.06, 0.31, body, va="top", fontsize=8, wrap=True)
    paths = [out_base.with_suffix(".png"), out_base.with_suffix(".pdf")]
    for p in paths:
        with atomic_file(p) as tmp:
            fig.savefig(tmp, format=p.suffix[1:])
    plt.close(fig)
    return paths


def scenario_name(scenario: Scenario, n_intervals: int) -> str:
    """The folder name of a scenario: its inputs, so that every scenario keeps its own answer."""
    return (f"thomas{scenario.thomas_angle_deg:+.2f}_glute{scenario.glute_strength * 100:.2f}"
            f"_speed{scenario.speed:g}_n{n_intervals}")


def run_whatif(spec: ModelSpec, scenario: Scenario, out_dir: Path, search: list[Path], n_intervals: int = 50,
               log=print) -> dict:
    """Solve (or reuse) healthy and scenario strides; write the comparison into the scenario's own
    folder (``out_dir/<scenario_name>``); return the comparison.

    A stored stride of the same model, cost, knobs, speed and mesh is reused (below ``search`` or
    ``out_dir``), so asking the same question twice solves nothing; the healthy stride at a speed
    is shared by every scenario at that speed.
    """
    from sim.results.runfolder import RunFolder
    from sim.run.config import make_config
    from sim.run.runner import run_stride, shared_problem

    folder = out_dir / scenario_name(scenario, n_intervals)
    stored = find_runs(search + [out_dir])
    healthy_knobs = {name: knob.default for name, knob in spec.knobs.items()}
    knobs = {"hip_flexor_stiffness": scenario.hip_flexor_stiffness, "glute_strength": scenario.glute_strength}
    targets = {"healthy": out_dir / f"healthy_speed{scenario.speed:g}_n{n_intervals}", "whatif": folder / "scenario"}
    results = {}
    for name, k in (("healthy", healthy_knobs), ("whatif", knobs)):
        same = reusable_runs(stored, spec, k, scenario.speed, n_intervals)
        if same:
            results[name] = same[0]
            log(f"{'healthy baseline' if name == 'healthy' else 'scenario'}: reusing {same[0]}")
            continue
        guess = nearest(stored, k, scenario.speed)
        log(f"solving the {name} stride (warm start: {guess or 'measured running'})")
        config = make_config(name=name, speed=scenario.speed, n_intervals=n_intervals, knobs=k,
                             guess=str(guess) if guess else "data")
        # one built problem for both strides: knobs and speed are its parameters; a result already in
        # the target folder is stale (another model or cost), or it would have been reused
        status = run_stride(config, targets[name], problem=shared_problem(config), log=lambda m: None,
                            check_residuals=False, overwrite=True)
        if not status["counts_as_result"]:
            raise RuntimeError(f"the {name} stride did not converge to running ({status['ipopt_status']}, "
                               f"{status['gait']['label']}); see {status.get('written_to', targets[name])}/status.json")
        results[name] = targets[name]
        stored = find_runs(search + [out_dir])
    healthy, what = (RunFolder(results[k]).metrics() for k in ("healthy", "whatif"))
    rows = compare(healthy, what)
    text = sentences(rows)
    failing = [k for m in (healthy, what) for k, v in m["realism"].items() if not v["ok"]]
    caveat = ("Caution: these strides fail realism checks (" + ", ".join(sorted(set(failing))) +
              "); read directions of change, not absolute values." if failing else "Both strides pass the realism checks.")
    folder.mkdir(parents=True, exist_ok=True)
    paths = one_page_figure(scenario, results["healthy"], results["whatif"], rows, text, caveat, folder / "whatif")
    summary = {"scenario": scenario.__dict__, "folder": str(folder), "healthy_run": str(results["healthy"]),
               "whatif_run": str(results["whatif"]), "comparison": rows, "text": text, "caveat": caveat,
               "figures": [str(p) for p in paths]}
    write_json(folder / "whatif.json", summary)
    return summary
