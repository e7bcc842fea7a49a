"""Diagnostic strides of model variants the realism work weighs (never results):
``python -m sim.apps.realism_diagnostics OUT [--capsule-hip] [--viscous-friction V] [--max-loaded-slip V] [--starts N]``.

``--capsule-hip``: the iliopsoas at the rigid-tendon rule and the hip's passive extension stop
fitted to Riener & Edrich (1999) (:func:`sim.calibration.passive_hip.fit_hip_capsule`);
``--viscous-friction``: the contact's viscous friction coefficient (s/m); ``--max-loaded-slip``:
the no-skid limit (m/s); ``--weight GOAL=W``: a goal weight (e.g. ``metabolic=1``). Prints the
features docs/validation.md compares.
"""

from __future__ import annotations

import argparse
from pathlib import Path

FEATURES = ["cadence_steps_per_min", "duty_factor", "peak_vertical_grf_bw", "peak_braking_grf_bw",
            "peak_swing_knee_flexion_deg", "knee_flexion_at_contact_deg", "hip_extension_at_toe_off_deg",
            "pelvic_tilt_mean_deg", "lumbar_extension_mean_deg", "lumbar_extension_range_deg",
            "trunk_forward_lean_mean_deg"]


def variant(capsule_hip: bool = False, viscous_friction: float | None = None):
    """The model of the variant."""
    from sim.model.spec import load_spec

    spec = load_spec()
    if capsule_hip:
        from sim.calibration.passive_hip import fit_hip_capsule
        from sim.calibration.rules import iliopsoas_by_the_rigid_tendon_rule

        spec = fit_hip_capsule(iliopsoas_by_the_rigid_tendon_rule(spec))
    if viscous_friction is not None:
        spec = spec.model_copy(update={"contact": spec.contact.model_copy(update={"viscous_friction": viscous_friction})})
    return spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--capsule-hip", action="store_true")
    parser.add_argument("--viscous-friction", type=float)
    parser.add_argument("--max-loaded-slip", type=float)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--n-intervals", type=int, default=50)
    parser.add_argument("--weight", action="append", default=[], metavar="GOAL=W",
                        help="a goal weight of the stride problem, e.g. metabolic=1 (repeatable)")
    args = parser.parse_args()
    from sim.results.runfolder import RunFolder
    from sim.run.config import make_config
    from sim.run.runner import run_stride
    from sim.stride.problem import StrideProblem

    weights = {name: float(value) for name, _, value in (w.partition("=") for w in args.weight)}
    problem = StrideProblem(variant(args.capsule_hip, args.viscous_friction), n_intervals=args.n_intervals,
                            max_loaded_slip=args.max_loaded_slip, weights=weights)
    status = run_stride(make_config(n_intervals=args.n_intervals, starts=args.starts), args.out, problem=problem,
                        check_residuals=False, overwrite=True)
    folder = RunFolder(status.get("written_to", args.out))
    print(f"{status['ipopt_status']}, {status['gait']['label']}, objective {status['objective']:.4f}")
    if status["gait"]["label"] != "failed":
        m = folder.metrics()
        for key in FEATURES:
            print(f"  {key}: {m[key]:.2f}")
        print(f"  loaded foot slip: {m['loaded_foot_slip']['peak_m_per_s']:.2f} m/s; muscles above F_max passively: "
              f"{m['analysis']['passive']['muscles_passive_above_max_isometric'] or 'none'}; RMS vs measured: "
              + ", ".join(f"{k} {v:.1f}" for k, v in m["rms_vs_measured"].items() if k.endswith("_deg")))


if __name__ == "__main__":
    main()
