"""`stridesim model build`: a subject model folder (.osim, parameter table, picture, Thomas table)."""

from __future__ import annotations

import csv
import platform
import time
from dataclasses import asdict
from pathlib import Path

from sim import __version__
from sim.calibration.thomas import thomas_test
from sim.figures.model_picture import draw_model
from sim.io.atomic import atomic_file, write_json, write_text
from sim.model.spec import ModelSpec
from sim.osim.bridge import run_opensim
from sim.osim.subject import ScalingReport

THOMAS_STIFFNESS_VALUES = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0)


def parameter_rows(spec: ModelSpec) -> list[dict]:
    """One row per muscle (both sides) with the values both renderings use."""
    sources = spec.sources
    return [{"muscle": m.name, "group": m.group, "max_isometric_force_N": round(m.max_isometric_force, 3),
             "optimal_fiber_length_m": round(m.optimal_fiber_length, 5),
             "tendon_slack_length_m": round(m.tendon_slack_length, 5),
             "pennation_angle_deg": m.pennation_angle_deg, "compliant_tendon": m.compliant_tendon,
             "source": sources[m.source].citation.split(";")[0]} for m in spec.muscles_expanded()]


def body_rows(spec: ModelSpec) -> list[dict]:
    rows = []
    for b in spec.bodies_expanded():
        mass = spec.body_mass(b.name)
        rows.append({"body": b.name, "mass_kg": round(mass, 4), "com_m": [round(x, 5) for x in b.com],
                     "inertia_kgm2": [round(mass * r ** 2, 5) for r in b.gyration_radii]})
    return rows


def build_model_folder(spec: ModelSpec, report: ScalingReport, out_dir: str | Path,
                       progress=print) -> dict:
    """Write the model folder; return a summary dict (also saved as model.json)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    progress("exporting .osim (OpenSim, child process)")
    osim_path = Path(run_opensim("export", spec=spec.model_dump(), path=str(out / f"{spec.name}.osim")))
    read_back = run_opensim("read_parameters", path=str(osim_path))
    progress("writing parameter tables and picture")
    with atomic_file(out / "muscles.csv") as tmp, open(tmp, "w", newline="") as fh:
        rows = parameter_rows(spec)
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    draw_model(spec, out / "model.png")
    progress("simulated Thomas test for each hip-flexor stiffness")
    thomas = [asdict(thomas_test(spec, k)) for k in THOMAS_STIFFNESS_VALUES]
    write_text(out / "spec.json", spec.model_dump_json(indent=2))
    summary = {
        "model": spec.name, "osim": osim_path.name, "height_m": spec.height, "mass_kg": spec.mass,
        "scaling": asdict(report), "bodies": body_rows(spec),
        "osim_check": {"bodies": len(read_back["bodies"]), "muscles": len(read_back["muscles"]),
                       "markers": len(read_back["markers"]), "forces": read_back["n_forces"]},
        "thomas_test": {"knee_flexion_deg": thomas[0]["knee_flexion_deg"],
                        "pelvic_tilt_deg": thomas[0]["pelvic_tilt_deg"],
                        "criterion": "thigh-to-table angle where the passive hip-flexion moment balances the "
                                     "hanging leg's weight (pelvis tilted posteriorly as in the clinical test, "
                                     "muscles relaxed)",
                        "rows": [{"hip_flexor_stiffness": t["hip_flexor_stiffness"],
                                  "thomas_angle_deg": round(t["thomas_angle_deg"], 2),
                                  "resting_moment_Nm": round(t["resting_moment"], 2),
                                  "positive": t["thomas_angle_deg"] > 0} for t in thomas]},
        "provenance": {"stridesim": __version__, "python": platform.python_version(),
                       "opensim": run_opensim("version"), "seconds": round(time.perf_counter() - start, 2)},
    }
    write_json(out / "model.json", summary)
    return summary


def describe(summary: dict) -> str:
    s = summary["scaling"]
    lines = [f"model {summary['model']}: {summary['height_m']:.3f} m, {summary['mass_kg']:.1f} kg "
             f"(scaling: {s['method']})"]
    if s.get("marker_rms") is not None:
        lines.append(f"static-trial marker RMS error: {s['marker_rms'] * 1e3:.1f} mm scaled "
                     f"(generic {s['marker_rms_generic'] * 1e3:.1f} mm; after OpenSim marker placement "
                     f"{s['placement_rms'] * 1e3:.1f} mm)")
    lines.append("segment scale factors: " + ", ".join(f"{k} {v:.3f}" for k, v in s["factors"].items()))
    t = summary["thomas_test"]
    lines.append(f"Thomas test (knee {t['knee_flexion_deg']:.1f} deg flexed, pelvis tilted "
                 f"{t['pelvic_tilt_deg']:.0f} deg posteriorly):")
    for row in summary["thomas_test"]["rows"]:
        verdict = "POSITIVE (thigh above table)" if row["positive"] else "negative"
        lines.append(f"  hip_flexor_stiffness {row['hip_flexor_stiffness']:.1f}: rest at "
                     f"{row['thomas_angle_deg']:+.1f} deg thigh to table ({verdict}), "
                     f"{row['resting_moment_Nm']:.1f} N m")
    return "\n".join(lines)

