"""Regenerate the generated tables of the docs from results: ``stridesim docs RUN [--sweep DIR]``.

``docs/validation.md`` holds the baseline against the realism targets (from a run folder's
metrics.json and status.json); ``docs/study.md`` the claims, their robustness and what changed
along the knobs (from a sweep folder's hypotheses.json and summary.parquet). Each table sits
between the lines ``<!-- BEGIN generated: stridesim docs NAME -->`` and ``<!-- END generated -->``;
everything else on the page is left as it is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sim.io.atomic import atomic_file, write_text
from sim.results.runfolder import RunFolder, metric
from sim.run.starts import reaching_best

#: the measured runner's mean pelvic tilt and lumbar extension (Hamner subject, deg): targets are set around them
MEASURED_TILT_DEG, MEASURED_LUMBAR_DEG = -1.5, -7.5


def _within(low: float, high: float):
    return lambda *v: low <= v[0] <= high


#: (label, target, measured runner, metrics.json key(s), format, check of the target or None)
VALIDATION_ROWS = [
    ("cadence (steps/min)", "160-185", "167-185 (3.9 m/s)", "cadence_steps_per_min", "{:.0f}", _within(160, 185)),
    ("duty factor", "0.30-0.40", "0.29-0.36", "duty_factor", "{:.2f}", _within(0.30, 0.40)),
    ("flight phase", "yes", "yes", "flight_phase", "{}", lambda v: bool(v)),
    ("contact / flight time per step (s)", "", "0.25 / 0.10", ("contact_time_s", "flight_time_s"),
     "{:.2f} / {:.2f}", None),
    ("peak vertical GRF (BW)", "2.2-3.0", "2.25-2.43", "peak_vertical_grf_bw", "{:.2f}", _within(2.2, 3.0)),
    ("braking peak (BW)", "0.15-0.6, no spike", "0.24-0.37", "peak_braking_grf_bw", "{:.2f}", _within(0.15, 0.6)),
    ("propulsive peak (BW)", "", "0.29-0.38", "peak_propulsive_grf_bw", "{:.2f}", None),
    ("braking then propulsion", "yes", "yes", "braking_before_propulsion", "{}", lambda v: bool(v)),
    ("knee flexion at initial contact (deg)", "5-30", "16-23", "knee_flexion_at_contact_deg", "{:.0f}",
     _within(5, 30)),
    ("peak stance knee flexion (deg)", "at most about 58 (59)", "48-59", "peak_stance_knee_flexion_deg", "{:.0f}",
     _within(0, 59)),
    ("peak swing knee flexion (deg)", "90-130", "100-109", "peak_swing_knee_flexion_deg", "{:.0f}",
     _within(90, 130)),
    ("hip extension at toe-off (deg)", "", "23-29", "hip_extension_at_toe_off_deg", "{:.1f}", None),
    ("thigh angle at toe-off (deg behind vertical)", "20-38", "27-33", "thigh_extension_at_toe_off_deg", "{:.1f}",
     _within(20, 38)),
    ("peak hip extension (deg); % of cycle after toe-off", "within 10 % after toe-off", "27-30; 5-7 %",
     ("peak_hip_extension_deg", "peak_hip_extension_after_toe_off_percent"), "{:.1f}; {:.0f} %",
     lambda _, after: 0 <= after <= 10),
    ("right toe-off (% of cycle)", "", "36", "right_toe_off_percent", "{:.0f}", None),
    ("mean pelvic tilt (deg; + posterior)", "within 8 of the measured", "-3..0", "pelvic_tilt_mean_deg", "{:.1f}",
     _within(MEASURED_TILT_DEG - 8, MEASURED_TILT_DEG + 8)),
    ("mean lumbar extension (deg)", "measured-like (within 8)", "-6..-9", "lumbar_extension_mean_deg", "{:.1f}",
     _within(MEASURED_LUMBAR_DEG - 8, MEASURED_LUMBAR_DEG + 8)),
    ("lumbar extension range (deg)", "at least 6", "14-18", "lumbar_extension_range_deg", "{:.1f}",
     lambda v: v >= 6),
    ("trunk forward lean (deg)", "2-15", "6-11 (Teng & Powers 2014: 7.3 +/- 3.6)", "trunk_forward_lean_mean_deg",
     "{:.1f}", _within(2, 15)),
    ("fastest slide of a loaded foot (m/s)", "at most 1.5", "heel about 0.7-0.9 at touchdown",
     "loaded_foot_slip.peak_m_per_s", "{:.1f}", lambda v: v <= 1.5),
    ("muscles above their maximal force passively", "none", "", "analysis.passive.muscles_passive_above_max_isometric",
     "{}", lambda v: not v),
    ("passive share of muscle positive work", "", "", "analysis.passive.passive_share_of_muscle_positive_work",
     "{:.0%}", None),
    ("coordinates on their optimization bound", "none", "", "coordinates_at_range_limit", "{}", lambda v: not v),
]
#: (label, metrics key, RMS target in deg)
RMS_ROWS = [("pelvis tilt", "pelvis_tilt_deg", 6.0), ("lumbar extension", "lumbar_extension_deg", 6.0),
            ("hip flexion", "hip_flexion_r_deg", 10.0), ("knee flexion", "knee_angle_r_deg", 15.0),
            ("ankle dorsiflexion", "ankle_angle_r_deg", 10.0)]


def _values(metrics: dict, key) -> list | None:
    try:
        return [metric(metrics, k) for k in (key if isinstance(key, tuple) else (key,))]
    except KeyError:
        return None


def _cell(metrics: dict, key, fmt: str, check=None) -> str:
    values = _values(metrics, key)
    if values is None:
        return "-"
    shown = [(", ".join(v) or "none") if isinstance(v, list) else
             (", ".join(f"{c} ({s})" for c, s in v.items()) or "none") if isinstance(v, dict) else
             ("yes" if v else "no") if isinstance(v, bool) else v for v in values]
    text = fmt.format(*shown)
    if check is None:
        return text
    return f"{text} {'(met)' if check(*values) else '**(missed)**'}"


def validation_table(run: RunFolder, fine: RunFolder | None = None) -> str:
    """The baseline (and, given, the same stride on a finer mesh) against the targets, its fit to
    the measured runner and its OpenSim residuals."""
    runs = [run] + ([fine] if fine is not None else [])
    metrics = [r.metrics() for r in runs]
    lines, heads = [], []
    for r in runs:
        status, n = r.status(), r.config().get("n_intervals")
        heads.append(f"{n} intervals" if n else r.path.name)
        lines.append(f"Run folder `{r.path.name}` ({heads[-1]}): {status['ipopt_status']}, {status['iterations']} "
                     f"iterations, objective {status['objective']:.4f}, {status['gait']['label']}"
                     + (f"; {_starts_line(status)}" if status.get("starts") else "") + ".")
    lines += ["", "| feature | target | measured runner | " + " | ".join(heads) + " |",
              "|---|---|---|" + "---|" * len(runs)]
    for label, target, measured, key, fmt, check in VALIDATION_ROWS:
        cells = " | ".join(_cell(m, key, fmt, check) for m in metrics)
        lines.append(f"| {label} | {target} | {measured} | {cells} |")
    rms = metrics[0].get("rms_vs_measured", {})
    lines += ["", f"RMS difference from the measured runner over the gait cycle ({rms.get('measured_cycles', '?')} "
              f"cycles at {rms.get('measured_speed_m_per_s', '?')} m/s):", "",
              "| angle | target (deg) | " + " | ".join(heads) + " |", "|---|---|" + "---|" * len(runs)]
    for label, key, limit in RMS_ROWS:
        if key in rms:
            cells = " | ".join(f"{m['rms_vs_measured'][key]:.1f} "
                               f"{'(met)' if m['rms_vs_measured'][key] <= limit else '**(missed)**'}" for m in metrics)
            lines.append(f"| {label} | at most {limit:g} | {cells} |")
    if "grf_vertical_bw" in rms:
        cells = " | ".join(f"{m['rms_vs_measured']['grf_vertical_bw']:.2f} / "
                           f"{m['rms_vs_measured']['grf_horizontal_bw']:.2f}" for m in metrics)
        lines.append(f"| vertical / fore-aft GRF (BW) | | {cells} |")
    residuals = metrics[0].get("opensim_pelvis_residuals")
    if residuals:
        node = residuals["collocation_nodes"]["max"]
        files = residuals["inverse_dynamics_tool_on_files"]["rms"]
        lines += ["", f"OpenSim's inverse dynamics on the {heads[0]} stride (pelvis residuals; forces / body weight, "
                  "moment / (body weight x height)): at the collocation nodes at most "
                  f"{max(node.values()):.1e}; OpenSim's InverseDynamicsTool on the written files, RMS "
                  f"{files['pelvis_tx']:.3f} / {files['pelvis_ty']:.3f} / {files['pelvis_tilt']:.3f} "
                  "(fore-aft / vertical / tilt)."]
    return "\n".join(lines)


def _starts_line(status: dict) -> str:
    return f"{reaching_best(status['starts'])} of {len(status['starts'])} starts reached the best cost (within 1 %)"


def _number(value, unit: str) -> str:
    """A change with its unit (:func:`sim.apps.claims.change_unit`)."""
    from sim.apps.claims import change_unit

    return f"{value:+.3g} {change_unit(unit)}"


def study_table(sweep_dir: Path, definitions: bool = True) -> str:
    """Every claim with its numbers and verdict, the claims' definitions and evidence (unless
    ``definitions`` is False: a second sweep of the same claims), and what changed along each knob
    (``hypotheses.json``, ``summary.parquet``)."""
    import pandas as pd

    from sim.apps.study import STRENGTH, STRIDE_DESCRIPTORS, _knob_line, _results, tightness_knob

    rows = json.loads((sweep_dir / "hypotheses.json").read_text())
    table = _results(pd.read_parquet(sweep_dir / "summary.parquet"))
    lines = [f"Sweep `{sweep_dir.name}`: {len(table)} converged running strides.", "",
             "| what runners are told | the model's measure | healthy -> far end of the knob | change | steps the "
             "claimed way | resolution | verdict |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        if "change" not in r:
            lines.append(f"| {r['told']} | {r['label']} | | | | | {r['verdict']} |")
            continue
        knob = r["knob"]
        ends = f"{knob} {r['knob_values'][0]:g} -> {r['knob_values'][-1]:g}: {r['values'][0]:.3g} -> {r['values'][-1]:.3g}"
        family = "; across a change of stride family" if r.get("family_changes") else ""
        lines.append(f"| {r['told']} | {r['label']} ({r['unit']}) | {ends} | {_number(r['change'], r['unit'])}{family} | "
                     f"{r['steps_in_claimed_direction']} | {r['resolution']:.2g} | **{r['verdict']}** |")
    if definitions:
        lines += ["", "Definitions (the quantity, over which part of the cycle, and why it is the claim), and what "
                  "measurements say:", ""]
    for r in rows if definitions else []:
        evidence = f" Measured: {r['evidence']}." if r.get("evidence") else ""
        lines.append(f"- **{r['label']}** (`{r['name']}`): {r['definition']}.{evidence}")
    for knob in (tightness_knob(table.columns), STRENGTH):
        line, other, healthy_other = _knob_line(table, knob)
        if len(line) < 2:
            continue
        lines += ["", f"Along {knob} ({other} {healthy_other:g}):", "",
                  "| | " + " | ".join(f"{v:g}" for v in line[knob]) + " |",
                  "|---|" + "---|" * len(line)]
        for column, label, fmt in STRIDE_DESCRIPTORS:
            if column in line:
                lines.append(f"| {label} | " + " | ".join(fmt.format(v) for v in line[column]) + " |")
    return "\n".join(lines)


def robustness_table(sweep_dir: Path) -> str:
    """Each claim's checks: the change over the ends' near-best starts, on the finer mesh, and
    over perturbed models, with the verdict and why (``hypotheses.json``)."""
    rows = [r for r in json.loads((sweep_dir / "hypotheses.json").read_text()) if "checks" in r]
    n = rows[0]["checks"]["fine_mesh_intervals"] if rows else 100
    lines = [f"| claim | change | over near-best start combinations | at {n} intervals | perturbed models | "
             "verdict, and why |", "|---|---|---|---|---|---|"]
    for r in rows:
        checks, unit = r["checks"], r["unit"]
        combos = checks["near_best_combinations"]
        spread = (f"{len(combos)}: {min(combos):+.3g} to {max(combos):+.3g}" if combos else "none (one start each)")
        fine = checks["fine_mesh"]
        fine = "no running stride" if fine is None else fine if isinstance(fine, str) else _number(fine, unit)
        lines.append(f"| {r['label']} | {_number(r['change'], unit)} | {spread} | {fine} | "
                     f"{_perturbed_cell(checks['perturbed_models'], unit)} | {r['verdict']}: {r['reason']} |")
    return "\n".join(lines)


def _perturbed_cell(changes, unit: str) -> str:
    """The perturbed models' changes: how many, their range, and any without a running stride."""
    if isinstance(changes, str) or not changes:
        return "not run" if isinstance(changes, str) or changes is None else "none solved"
    solved = [c for c in changes.values() if c is not None]
    text = f"{len(solved)}: {min(solved):+.3g} to {max(solved):+.3g}" if solved else ""
    missing = [label for label, c in changes.items() if c is None]
    return text + (f"; no running stride: {', '.join(missing)}" if missing else "")


def causes_table(iliopsoas_sweep: Path, rectus_sweep: Path) -> str:
    """The two causes of restricted hip extension side by side: each tightness claim's change from
    the healthy runner to the knobs' far end (the same clinical severity in each test) and verdict."""
    from sim.apps.claims import CLAIMS, STIFFNESS, change_unit

    def rows(sweep: Path) -> dict[str, dict]:
        return {r["name"]: r for r in json.loads((sweep / "hypotheses.json").read_text())}

    iliopsoas, rectus = rows(iliopsoas_sweep), rows(rectus_sweep)
    lines = ["| what runners are told | the model's measure | iliopsoas tight: change | verdict | rectus femoris "
             "tight: change | verdict |", "|---|---|---|---|---|---|"]
    for claim in (c for c in CLAIMS if c.knob == STIFFNESS):
        cells = []
        for source in (iliopsoas, rectus):
            r = source.get(claim.name, {})
            if "change" not in r:
                cells += ["", r.get("verdict", "not in this sweep")]
                continue
            ends = f"{r['knob_values'][0]:g} -> {r['knob_values'][-1]:g}"
            cells += [f"{r['change']:+.3g} {change_unit(r['unit'])} (knob {ends})", f"**{r['verdict']}**"]
        lines.append(f"| {claim.told} | {claim.label} ({claim.unit}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def replace_block(page: Path, name: str, content: str) -> bool:
    """Put ``content`` between the page's markers for ``name``; False if the page has none."""
    text = page.read_text()
    pattern = re.compile(rf"(<!-- BEGIN generated: stridesim docs {name} -->\n).*?(<!-- END generated -->)", re.S)
    if not pattern.search(text):
        return False
    write_text(page, pattern.sub(lambda m: m.group(1) + content.rstrip() + "\n" + m.group(2), text))
    return True


def regenerate(run: Path | None = None, sweep: Path | None = None, docs: Path = Path("docs"),
               fine: Path | None = None, rectus: Path | None = None) -> list[Path]:
    """Regenerate the tables from ``run`` (validation; ``fine``: the same stride on a finer mesh),
    ``sweep`` (the iliopsoas study) and ``rectus`` (the rectus femoris study, and the two causes
    compared); return the pages written."""
    written = []
    fine_run = RunFolder(fine).check() if fine is not None else None
    if run is not None and replace_block(docs / "validation.md", "validation",
                                         validation_table(RunFolder(run).check(), fine_run)):
        written.append(docs / "validation.md")
    if sweep is not None and replace_block(docs / "study.md", "study", study_table(Path(sweep))):
        written.append(docs / "study.md")
    if sweep is not None:
        replace_block(docs / "study.md", "robustness", robustness_table(Path(sweep)))
        written += _study_figures(Path(sweep), docs)
    if rectus is not None:
        replace_block(docs / "study.md", "rectus", study_table(Path(rectus), definitions=False))
        replace_block(docs / "study.md", "rectus-robustness", robustness_table(Path(rectus)))
        if sweep is not None:
            replace_block(docs / "study.md", "causes", causes_table(Path(sweep), Path(rectus)))
            from sim.apps.claim_figures import causes_figures

            by_cause = {cause: json.loads((Path(folder) / "hypotheses.json").read_text())
                        for cause, folder in (("iliopsoas", sweep), ("rectus femoris", rectus))}
            written += causes_figures(by_cause, docs)
        if docs / "study.md" not in written:
            written.append(docs / "study.md")
    return written


def _study_figures(sweep: Path, docs: Path) -> list[Path]:
    """The sweep's heat maps and claim figures, copied to the page's names (``study_<name>.png``)."""
    import shutil

    written = []
    for figure in [sweep / "heatmaps.png", *sorted(sweep.glob("claims_*.png"))]:
        if figure.is_file():
            target = docs / f"study_{figure.name}"
            with atomic_file(target) as tmp:
                shutil.copyfile(figure, tmp)
            written.append(target)
    return written
