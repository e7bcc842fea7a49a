"""Diagnostic strides of model and formulation variants the realism work weighs (never results):
``python -m sim.apps.realism_diagnostics OUT [--viscous-friction V] [--friction MU]
[--transition-velocity V] [--dissipation C] [--contact-stiffness K] [--max-loaded-slip V|none]
[--max-slip-load P] [--effort uniform|volume] [--transcription trapezoidal|bdf2|radau]
[--weight GOAL=W] [--ipopt OPTION=VALUE] [--passive COORDINATE.FIELD=VALUE] [--sole HEEL,FORE] [--heel-radius R]
[--adductors] [--iliopsoas-brim] [--ankle-fit] [--compliant-tendons NAMES]
[--tendon-strain MUSCLE=STRAIN] [--starts N] [--guess RUN]``.

Each option changes one thing of the default model or formulation: the contact's viscous
friction (s/m), its Coulomb coefficient, its stick-slip transition speed (m/s), its
Hunt-Crossley dissipation (s/m) and stiffness (N/m), the no-skid limit of a loaded foot (m/s;
``none`` removes it) or a limit on slip times load (BW m/s), the effort measure, the
transcription, a goal weight (e.g. ``metabolic=0.1``), an IPOPT option (e.g.
``obj_scaling_factor=100``; the problem is the same, the solver's path to it not), a parameter of a coordinate's passive
joint-moment entry (e.g. ``lumbar_extension.theta1=-0.5236``, the former lumbar onset; SI units,
as in models/), a shoe's sole under the heel and forefoot spheres (m), the heel sphere's radius
(m, its lowest point kept), a lumped adductor longus and brevis, gait2392's iliopsoas brim
points, the whole-ankle passive fit (:mod:`sim.calibration.passive_ankle`), compliant tendons for
the named muscles (comma-separated; their slack lengths kept), a muscle's tendon strain at maximal
isometric force. Prints IPOPT's
progress and the features docs/validation.md compares. ``--guess RUN``
starts from a run folder's stride (with ``--starts 1``, whether that posture is a local optimum
of the variant, and at what cost).
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


def ipopt_option(text: str) -> tuple[str, float | int | str]:
    """``OPTION=VALUE`` as (option, value): a number where the value reads as one, else the text."""
    option, sep, value = text.partition("=")
    if not sep or not option:
        raise argparse.ArgumentTypeError(f"--ipopt: give OPTION=VALUE, e.g. obj_scaling_factor=100, not {text!r}")
    for kind in (int, float):
        try:
            return option, kind(value)
        except ValueError:
            pass
    return option, value


def with_hip_adductors(spec):
    """The model plus one lumped adductor longus and brevis (the largest sagittal hip flexors of the
    extended hip that the model's lumping leaves out): gait2392's adductor longus path, optimal
    fibre length and pennation, Rajagopal et al.'s (2016) summed maximal force (916.8 + 625.8 N),
    tendon slack and passive strain by the model's rules."""
    from sim.calibration.rules import rule_tendon_slack_lengths
    from sim.model.spec import MuscleSpec, PathPoint

    muscle = MuscleSpec(name="adductors", group="hip_adductor", max_isometric_force=1542.6,
                        max_isometric_force_source="rajagopal2016_strength", optimal_fiber_length=0.138,
                        tendon_slack_length=0.11, tendon_slack_source="operating_range_rule", pennation_angle_deg=6.0,
                        passive_fiber_strain_at_one_norm_force=2.0, passive_strain_source="passive_rom_rule",
                        path=[PathPoint(body="pelvis", location=[-0.0316, -0.0836, 0.0169]),
                              PathPoint(body="femur_r", location=[0.005, -0.2111, 0.0234])],
                        source="gait2392")
    spec = spec.model_copy(update={"muscles": [*spec.muscles, muscle]})
    slack = rule_tendon_slack_lengths(spec)["adductors"]
    muscle = muscle.model_copy(update={"tendon_slack_length": slack})
    return spec.model_copy(update={"muscles": [*spec.muscles[:-1], muscle]})


#: gait2392's lower pelvic-brim points of iliacus and psoas (ConditionalPathPoints active for hip
#: flexion from -90 to 45 deg, so over the whole running range), in the pelvis frame
BRIM_POINTS = {"iliacus": [-0.0288, -0.0805, 0.0816], "psoas": [-0.0288, -0.0805, 0.0816]}


def with_iliopsoas_brim(spec):
    """The model with gait2392's lower pelvic-brim points of iliacus and psoas kept as fixed points
    (the model drops them, which shortens the iliopsoas' moment arm in the extended hip), and the
    calibrations that depend on the iliopsoas re-derived by their rules: tendon slack lengths, the
    hip capsule (Silder 2007 fit with the Thomas test at the healthy mean) and the contracture knob."""
    from sim.calibration.passive_hip import rule_hip_capsule
    from sim.calibration.rules import rule_iliopsoas_contracture, rule_tendon_slack_lengths, with_contracture_per_unit
    from sim.model.spec import PathPoint

    muscles = []
    for m in spec.muscles:
        if m.name in BRIM_POINTS:
            path = list(m.path)
            after = max(i for i, point in enumerate(path) if point.body == "pelvis")
            path.insert(after + 1, PathPoint(body="pelvis", location=BRIM_POINTS[m.name]))
            m = m.model_copy(update={"path": path})
        muscles.append(m)
    spec = spec.model_copy(update={"muscles": muscles})
    slack = rule_tendon_slack_lengths(spec)
    spec = spec.model_copy(update={"muscles": [m.model_copy(update={"tendon_slack_length": slack[m.name]})
                                               if m.name in BRIM_POINTS else m for m in spec.muscles]})
    k3, k4 = rule_hip_capsule(spec)
    spec = spec.model_copy(update={"passive_moments": [
        p.model_copy(update={"k3": k3, "k4": k4}) if (p.coordinate == "hip_flexion" and p.structure == "capsule") else p
        for p in spec.passive_moments]})
    return with_contracture_per_unit(spec, rule_iliopsoas_contracture(spec))


def variant(viscous_friction: float | None = None, friction: float | None = None,
            transition_velocity: float | None = None, dissipation: float | None = None,
            contact_stiffness: float | None = None, passive: list[tuple[str, str, float]] = (),
            sole: tuple[float, float] | None = None, adductors: bool = False, iliopsoas_brim: bool = False,
            heel_radius: float | None = None, ankle_fit: bool = False,
            compliant_tendons: tuple[str, ...] = (), tendon_strain: dict[str, float] | None = None):
    """The default model with the contact, contact-sphere and passive-moment changes of the variant;
    ``sole`` (heel, forefoot; m) lowers the heel and forefoot spheres as a shoe's sole would;
    ``adductors`` adds :func:`with_hip_adductors`; ``iliopsoas_brim`` is :func:`with_iliopsoas_brim`;
    ``heel_radius`` (m) gives the heel sphere that radius with its lowest point where it was (a
    rounder heel that can roll); ``ankle_fit`` gives the passive ankle of
    :func:`sim.calibration.passive_ankle.whole_ankle_fit` (applied before the ``passive`` overrides);
    ``compliant_tendons`` names muscles whose tendons become compliant (slack lengths kept: the
    fibre at its optimum at the same muscle-tendon length with the tendon slack); ``tendon_strain``
    gives named muscles' tendon strain at maximal isometric force."""
    from sim.model.spec import load_spec

    spec = load_spec()
    if ankle_fit:
        from sim.calibration.passive_ankle import whole_ankle_fit

        spec = whole_ankle_fit(spec).apply(spec)
    tendon_strain = tendon_strain or {}
    unknown = (set(compliant_tendons) | set(tendon_strain)) - {m.name for m in spec.muscles}
    if unknown:
        raise SystemExit(f"--compliant-tendons / --tendon-strain: no muscle {', '.join(sorted(unknown))}; the model has "
                         + ", ".join(m.name for m in spec.muscles))
    def tendon(m):
        update = {"compliant_tendon": True} if m.name in compliant_tendons else {}
        if m.name in tendon_strain:
            update["tendon_strain_at_one_norm_force"] = tendon_strain[m.name]
        return m.model_copy(update=update) if update else m

    spec = spec.model_copy(update={"muscles": [tendon(m) for m in spec.muscles]})
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
    if adductors:
        spec = with_hip_adductors(spec)
    if iliopsoas_brim:
        spec = with_iliopsoas_brim(spec)
    if heel_radius is not None:
        spec = spec.model_copy(update={"contact_spheres": [
            s.model_copy(update={"radius": heel_radius,
                                 "location": [s.location[0], s.location[1] + heel_radius - s.radius, s.location[2]]})
            if s.name == "heel" else s for s in spec.contact_spheres]})
    if sole is not None:
        drop = {"heel": sole[0], "front": sole[1]}
        spheres = [s.model_copy(update={"location": [s.location[0], s.location[1] - drop[s.name], s.location[2]]})
                   if s.name in drop else s for s in spec.contact_spheres]
        spec = spec.model_copy(update={"contact_spheres": spheres})
    contact = {key: value for key, value in (("viscous_friction", viscous_friction),
                                             ("static_friction", friction), ("dynamic_friction", friction),
                                             ("transition_velocity", transition_velocity),
                                             ("dissipation", dissipation),
                                             ("stiffness", contact_stiffness)) if value is not None}
    return spec.model_copy(update={"contact": spec.contact.model_copy(update=contact)})


def parse_sole(value: str) -> tuple[float, float]:
    """``HEEL,FORE`` (m) as a pair of floats."""
    heel, sep, fore = value.partition(",")
    if not sep:
        raise argparse.ArgumentTypeError(f"give HEEL,FORE in metres, not {value!r}")
    return float(heel), float(fore)


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
    parser.add_argument("--sole", type=parse_sole, metavar="HEEL,FORE",
                        help="lower the heel and forefoot contact spheres by these thicknesses (m), as a shoe's sole")
    parser.add_argument("--adductors", action="store_true",
                        help="add a lumped adductor longus and brevis (hip flexors of the extended hip)")
    parser.add_argument("--iliopsoas-brim", action="store_true",
                        help="keep gait2392's lower pelvic-brim points of iliacus and psoas (calibrations re-derived)")
    parser.add_argument("--ankle-fit", action="store_true",
                        help="the whole-ankle passive fit (Silder et al. 2007 and the weight-bearing lunge)")
    parser.add_argument("--heel-radius", type=float, metavar="R",
                        help="the heel sphere's radius (m), its lowest point kept")
    parser.add_argument("--compliant-tendons", type=lambda v: tuple(filter(None, v.split(","))), default=(),
                        metavar="NAMES", help="comma-separated muscles given compliant tendons, e.g. vasti,rect_fem")
    parser.add_argument("--tendon-strain", action="append", default=[], metavar="MUSCLE=STRAIN",
                        help="a muscle's tendon strain at maximal isometric force, e.g. vasti=0.08 (repeatable)")
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--n-intervals", type=int, default=50)
    parser.add_argument("--guess", type=Path, help="a run folder whose stride is the first start")
    parser.add_argument("--weight", action="append", default=[], metavar="GOAL=W",
                        help="a goal weight of the stride problem, e.g. metabolic=1 (repeatable)")
    parser.add_argument("--ipopt", action="append", default=[], type=ipopt_option, metavar="OPTION=VALUE",
                        help="an IPOPT option, e.g. obj_scaling_factor=100 (repeatable)")
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
                   args.contact_stiffness, args.passive, args.sole, args.adductors,
                   args.iliopsoas_brim, args.heel_radius, args.ankle_fit, args.compliant_tendons,
                   {name: float(value) for name, _, value in (t.partition("=") for t in args.tendon_strain)})
    problem = StrideProblem(spec, n_intervals=args.n_intervals, max_loaded_slip=args.max_loaded_slip,
                            weights=weights, effort=args.effort, max_slip_load=args.max_slip_load,
                            transcription=args.transcription, ipopt=dict(args.ipopt))
    config = make_config(n_intervals=args.n_intervals, starts=args.starts, guess=args.guess)

    def report(entry: dict) -> None:
        if entry["iteration"] % 25 == 0:
            print(f"  iter {entry['iteration']:4d}  objective {entry['objective']:.5g}  "
                  f"infeasibility {entry['infeasibility']:.2e}  {entry['elapsed_s']:6.1f} s", flush=True)

    status = run_stride(config, args.out, problem=problem, check_residuals=False, overwrite=True, report=report)
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
