"""Diagnostic strides of model and formulation variants the realism work weighs (never results):
``python -m sim.apps.realism_diagnostics OUT [--viscous-friction V] [--friction MU]
[--transition-velocity V] [--dissipation C] [--contact-stiffness K] [--max-loaded-slip V|none]
[--max-slip-load P] [--effort uniform|volume] [--transcription trapezoidal|radau]
[--weight GOAL=W] [--passive COORDINATE.FIELD=VALUE] [--starts N] [--guess RUN]``.

Each option changes one thing of the default model or formulation: the contact's viscous
friction (s/m), its Coulomb coefficient, its stick-slip transition speed (m/s), its
Hunt-Crossley dissipation (s/m) and stiffness (N/m), the no-skid limit of a loaded foot (m/s;
``none`` removes it) or a limit on slip times load (BW m/s), the effort measure, the transcription, a goal weight
(e.g. ``metabolic=0.1``), a parameter of a coordinate's passive joint-moment entry (e.g.
``lumbar_extension.theta1=-0.5236``, the former lumbar onset; SI units, as in models/). Prints the features
docs/validation.md compares. ``--guess RUN`` starts from a run folder's stride (with ``--starts 1``,
whether that posture is a local optimum of the variant, and at what cost).
"""

from __future__ import annotations

import argparse
from pathlib import Path

FEATURES = ["cadence_steps_per_min", "duty_factor", "peak_vertical_grf_bw", "peak_braking_grf_bw",
            "peak_swing_knee_flexion_deg", "knee_flexion_at_contact_deg", "hip_extension_at_toe_off_deg",
            "pelvic_tilt_mean_deg", "lumbar_extension_mean_deg", "lumbar_extension_range_deg",
            "trunk_forward_lean_mean_deg"]


PASSIVE_FIELDS = ("k1", "k2", "k3", "k4", "theta1", "theta2", "damping")


def passive_override(text: str) -> tuple[str, str, float]:
    """``COORDINATE.FIELD=VALUE`` as (coordinate, field, value); the field one of PASSIVE_FIELDS."""
    target, sep, value = text.partition("=")
    coordinate, dot, field = target.rpartition(".")
    if not sep or not dot or field not in PASSIVE_FIELDS:
        raise argparse.ArgumentTypeError(f"--passive: give COORDINATE.FIELD=VALUE with FIELD one of "
                                         f"{', '.join(PASSIVE_FIELDS)}, not {text!r}")
    return coordinate, field, float(value)


def variant(viscous_friction: float | None = None, friction: float | None = None,
            transition_velocity: float | None = None, dissipation: float | None = None,
            contact_stiffness: float | None = None, passive: list[tuple[str, str, float]] = ()):
    """The default model with the contact and passive-moment changes of the variant."""
    from sim.model.spec import load_spec

    spec = load_spec()
    entries = list(spec.passive_moments)
    for coordinate, field, value in passive:
        # the coordinate's joint-stop entry ("joint" structure), as the model file names it
        index = next((i for i, p in enumerate(entries) if p.coordinate == coordinate and p.structure == "joint"),
                     None)
        if index is None:
            raise SystemExit(f"--passive: no passive joint moment for coordinate {coordinate!r}; the model has "
                             + ", ".join(sorted({p.coordinate for p in entries})))
        entries[index] = entries[index].model_copy(update={field: value})
    spec = spec.model_copy(update={"passive_moments": entries})
    contact = {key: value for key, value in (("viscous_friction", viscous_friction),
                                             ("static_friction", friction), ("dynamic_friction", friction),
                                             ("transition_velocity", transition_velocity),
                                             ("dissipation", dissipation),
                                             ("stiffness", contact_stiffness)) if value is not None}
    return spec.model_copy(update={"contact": spec.contact.model_copy(update=contact)})


def _slip(value: str) -> float | None:
    return None if value.lower() == "none" else float(value)


def main() -> None:
    from sim.stride.problem import DEFAULT_EFFORT, DEFAULT_MAX_LOADED_SLIP
    from sim.stride.transcription import DEFAULT_SCHEME, SCHEMES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--viscous-friction", type=float)
    parser.add_argument("--friction", type=float)
    parser.add_argument("--transition-velocity", type=float)
    parser.add_argument("--dissipation", type=float)
    parser.add_argument("--contact-stiffness", type=float)
    parser.add_argument("--max-loaded-slip", type=_slip, default=DEFAULT_MAX_LOADED_SLIP)
    parser.add_argument("--max-slip-load", type=float, metavar="P",
                        help="slip x normal force (BW) of a sphere at most P (BW m/s); combine with "
                             "--max-loaded-slip none")
    parser.add_argument("--effort", choices=["uniform", "volume"], default=DEFAULT_EFFORT)
    parser.add_argument("--transcription", choices=sorted(SCHEMES), default=DEFAULT_SCHEME)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--n-intervals", type=int, default=50)
    parser.add_argument("--guess", type=Path, help="a run folder whose stride is the first start")
    parser.add_argument("--weight", action="append", default=[], metavar="GOAL=W",
                        help="a goal weight of the stride problem, e.g. metabolic=1 (repeatable)")
    parser.add_argument("--passive", action="append", default=[], type=passive_override,
                        metavar="COORDINATE.FIELD=VALUE",
                        help="a parameter of a passive joint moment, e.g. lumbar_extension.theta1=-0.5236 "
                             "(repeatable)")
    args = parser.parse_args()
    from sim.results.runfolder import RunFolder
    from sim.run.config import make_config
    from sim.run.runner import run_stride
    from sim.stride.problem import StrideProblem

    weights = {name: float(value) for name, _, value in (w.partition("=") for w in args.weight)}
    spec = variant(args.viscous_friction, args.friction, args.transition_velocity, args.dissipation,
                   args.contact_stiffness, args.passive)
    problem = StrideProblem(spec, n_intervals=args.n_intervals, max_loaded_slip=args.max_loaded_slip,
                            weights=weights, effort=args.effort, max_slip_load=args.max_slip_load,
                            transcription=args.transcription)
    config = make_config(n_intervals=args.n_intervals, starts=args.starts, guess=args.guess)
    status = run_stride(config, args.out, problem=problem, check_residuals=False, overwrite=True)
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
