"""Regenerate the generated tables of the docs from results: ``stridesim docs RUN [--sweep DIR]``.

``docs/validation.md`` holds the baseline against the realism targets (from a run folder's
metrics.json and status.json); ``docs/study.md`` the hypotheses and what changed along the knobs
(from a sweep folder's hypotheses.json and summary.parquet). Each table sits between the lines
``<!-- BEGIN generated: stridesim docs NAME -->`` and ``<!-- END generated -->``; everything
else on the page is left as it is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sim.io.atomic import write_text
from sim.results.runfolder import RunFolder

#: (label, target or measured value, metrics.json key, format)
VALIDATION_ROWS = [
    ("cadence (steps/min)", "160-185 (measured 167-185)", "cadence_steps_per_min", "{:.0f}"),
    ("duty factor", "0.30-0.40", "duty_factor", "{:.2f}"),
    ("flight phase", "yes", "flight_phase", "{}"),
    ("contact / flight time per step (s)", "measured 0.25 / 0.10", ("contact_time_s", "flight_time_s"),
     "{:.2f} / {:.2f}"),
    ("peak vertical GRF (BW)", "2.2-3.0 (measured 2.25-2.43)", "peak_vertical_grf_bw", "{:.2f}"),
    ("braking / propulsive peak (BW)", "measured 0.24-0.37 / 0.29-0.38", ("peak_braking_grf_bw",
                                                                         "peak_propulsive_grf_bw"), "{:.2f} / {:.2f}"),
    ("braking then propulsion", "yes", "braking_before_propulsion", "{}"),
    ("peak swing knee flexion (deg)", "> 90 (measured 100-109)", "peak_swing_knee_flexion_deg", "{:.0f}"),
    ("knee flexion at initial contact (deg)", "measured 16-23", "knee_flexion_at_contact_deg", "{:.0f}"),
    ("peak stance knee flexion (deg)", "measured 48-59", "peak_stance_knee_flexion_deg", "{:.0f}"),
    ("hip extension at toe-off (deg)", "measured 23-29", "hip_extension_at_toe_off_deg", "{:.1f}"),
    ("thigh angle at toe-off (deg behind vertical)", "measured 27-33", "thigh_extension_at_toe_off_deg", "{:.1f}"),
    ("peak hip extension (deg); % of cycle after toe-off", "measured 27-30; 5-7 %",
     ("peak_hip_extension_deg", "peak_hip_extension_after_toe_off_percent"), "{:.1f}; {:.0f} %"),
    ("right toe-off (% of cycle)", "measured 36", "right_toe_off_percent", "{:.0f}"),
    ("mean pelvic tilt / lumbar extension (deg)", "measured -3..0 / -6..-9",
     ("pelvic_tilt_mean_deg", "lumbar_extension_mean_deg"), "{:.1f} / {:.1f}"),
    ("lumbar extension range (deg)", "measured 14-18", "lumbar_extension_range_deg", "{:.1f}"),
    ("trunk forward lean (deg)", "measured 6-11 (Teng & Powers 2014: 7.3 +/- 3.6)", "trunk_forward_lean_mean_deg",
     "{:.1f}"),
    ("fastest slide of a loaded foot (m/s)", "measured heel about 0.7-0.9 at touchdown",
     "loaded_foot_slip.peak_m_per_s", "{:.1f}"),
    ("muscles above their maximal force passively", "none", "analysis.passive.muscles_passive_above_max_isometric",
     "{}"),
    ("passive share of muscle positive work", "", "analysis.passive.passive_share_of_muscle_positive_work", "{:.0%}"),
    ("coordinates on their optimization bound", "none", "coordinates_at_range_limit", "{}"),
]
RMS_ROWS = [("pelvis tilt", "pelvis_tilt_deg"), ("lumbar extension", "lumbar_extension_deg"),
            ("hip flexion", "hip_flexion_r_deg"), ("knee flexion", "knee_angle_r_deg"),
            ("ankle dorsiflexion", "ankle_angle_r_deg")]


def _get(data: dict, key: str):
    for part in key.split("."):
        data = data[part]
    return data


def _cell(metrics: dict, key, fmt: str) -> str:
    keys = key if isinstance(key, tuple) else (key,)
    try:
        values = [_get(metrics, k) for k in keys]
    except KeyError:
        return "-"
    values = [(", ".join(v) or "none") if isinstance(v, list) else
              (", ".join(f"{c} ({s})" for c, s in v.items()) or "none") if isinstance(v, dict) else
              ("yes" if v else "no") if isinstance(v, bool) else v for v in values]
    return fmt.format(*values)


def validation_table(run: RunFolder) -> str:
    """The baseline against the targets, its fit to the measured runner and its OpenSim residuals."""
    metrics, status = run.metrics(), run.status()
    lines = [f"Run folder `{run.path.name}`: {status['ipopt_status']}, {status['iterations']} iterations, "
             f"objective {status['objective']:.4f}, {status['gait']['label']}.", "",
             "| feature | target or measured runner | baseline |", "|---|---|---|"]
    lines += [f"| {label} | {target} | {_cell(metrics, key, fmt)} |" for label, target, key, fmt in VALIDATION_ROWS]
    rms = metrics.get("rms_vs_measured", {})
    lines += ["", f"RMS difference from the measured runner over the gait cycle ({rms.get('measured_cycles', '?')} "
              f"cycles at {rms.get('measured_speed_m_per_s', '?')} m/s):", "",
              "| angle | RMS (deg) |", "|---|---|"]
    lines += [f"| {label} | {rms[key]:.1f} |" for label, key in RMS_ROWS if key in rms]
    if "grf_vertical_bw" in rms:
        lines.append(f"| vertical / fore-aft GRF (BW) | {rms['grf_vertical_bw']:.2f} / {rms['grf_horizontal_bw']:.2f} |")
    residuals = metrics.get("opensim_pelvis_residuals")
    if residuals:
        node = residuals["collocation_nodes"]["max"]
        files = residuals["inverse_dynamics_tool_on_files"]["rms"]
        lines += ["", "OpenSim's inverse dynamics on this stride (pelvis residuals; forces / body weight, moment / "
                  "(body weight x height)): at the collocation nodes at most "
                  f"{max(node.values()):.1e}; OpenSim's InverseDynamicsTool on the written files, RMS "
                  f"{files['pelvis_tx']:.3f} / {files['pelvis_ty']:.3f} / {files['pelvis_tilt']:.3f} "
                  "(fore-aft / vertical / tilt)."]
    return "\n".join(lines)


def study_table(sweep_dir: Path) -> str:
    """The hypotheses with their verdicts, and what changed along each knob."""
    import pandas as pd

    from sim.apps.study import STRIDE_DESCRIPTORS, _knob_line, _results

    rows = json.loads((sweep_dir / "hypotheses.json").read_text())
    table = _results(pd.read_parquet(sweep_dir / "summary.parquet"))
    lines = [f"Sweep `{sweep_dir.name}`: {len(table)} converged running strides.", "",
             "| hypothesis | from -> to | change | steps in the expected direction | verdict |", "|---|---|---|---|---|"]
    for r in rows:
        if "change" not in r:
            lines.append(f"| {r['statement']} | | | | {r['verdict']} |")
            continue
        share = "share" in r["metric"]
        scale, unit = (100.0, " %") if share else (1.0, " deg")
        lines.append(f"| {r['statement']} | {r['knob']} {r['from'][r['knob']]:g} -> {r['to'][r['knob']]:g} | "
                     f"{r['from']['value'] * scale:.1f} -> {r['to']['value'] * scale:.1f}{unit} | "
                     f"{r['steps_in_expected_direction']} | {r['verdict']} |")
    for knob in ("hip_flexor_stiffness", "glute_strength"):
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


def replace_block(page: Path, name: str, content: str) -> bool:
    """Put ``content`` between the page's markers for ``name``; False if the page has none."""
    text = page.read_text()
    pattern = re.compile(rf"(<!-- BEGIN generated: stridesim docs {name} -->\n).*?(<!-- END generated -->)", re.S)
    if not pattern.search(text):
        return False
    write_text(page, pattern.sub(lambda m: m.group(1) + content.rstrip() + "\n" + m.group(2), text))
    return True


def regenerate(run: Path | None = None, sweep: Path | None = None, docs: Path = Path("docs")) -> list[Path]:
    """Regenerate the tables from ``run`` (validation) and ``sweep`` (study); return the pages written."""
    written = []
    if run is not None and replace_block(docs / "validation.md", "validation", validation_table(RunFolder(run).check())):
        written.append(docs / "validation.md")
    if sweep is not None and replace_block(docs / "study.md", "study", study_table(Path(sweep))):
        written.append(docs / "study.md")
    return written
