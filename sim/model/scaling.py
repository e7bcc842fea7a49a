"""Scaling a ModelSpec to a subject: by height and mass, or by per-segment factors.

Rules (docs/model.md, 'Scaling rules'):
- lengths (joint centres, centres of mass, radii of gyration, path points, markers, contact
  sphere centres and radii) of a body scale with that body's length factor;
- segment masses are de Leva fractions of the subject's mass; inertias follow from the
  scaled radii of gyration;
- optimal fibre and tendon slack lengths keep their ratio to the muscle-tendon length in the
  neutral pose (what OpenSim's ScaleTool does), and so does a contracture knob's shortening;
- maximal isometric force scales with body mass: muscle volume grows with mass x height
  (Handsfield et al. 2014, J Biomech 47:631) and fibre length with height, so PCSA ~ mass;
- passive joint moments (range stops, the hip capsule, damping) scale like the muscles'
  moments, with body mass x the length factor of the joint's child body, so that a scaled
  runner's passive joints hold its own limbs as the generic model's hold the generic limbs
  (the simulated Thomas test reads the same healthy angle at every size).
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.model.geometry import muscle_lengths
from sim.model.spec import COORDINATES, ModelSpec, ModelSpecError, SubjectSpec, side_free

HEIGHT_RANGE = (1.0, 2.3)  # m
MASS_RANGE = (25.0, 200.0)  # kg
BMI_RANGE = (12.0, 60.0)  # kg/m^2


def check_subject(height: float, mass: float) -> None:
    """Raise ModelSpecError if height or mass are outside the human range."""
    if not HEIGHT_RANGE[0] <= height <= HEIGHT_RANGE[1]:
        raise ModelSpecError(f"height = {height} m is outside the allowed range "
                             f"[{HEIGHT_RANGE[0]}, {HEIGHT_RANGE[1]}] m")
    if not MASS_RANGE[0] <= mass <= MASS_RANGE[1]:
        raise ModelSpecError(f"mass = {mass} kg is outside the allowed range "
                             f"[{MASS_RANGE[0]}, {MASS_RANGE[1]}] kg")
    bmi = mass / height ** 2
    if not BMI_RANGE[0] <= bmi <= BMI_RANGE[1]:
        raise ModelSpecError(f"height {height} m with mass {mass} kg gives a body-mass index of "
                             f"{bmi:.1f} kg/m^2, outside the allowed range {BMI_RANGE}")


def scale_to_height_mass(spec: ModelSpec, height: float, mass: float) -> ModelSpec:
    """Uniform length scaling by height, masses and forces by body mass."""
    check_subject(height, mass)
    factor = height / spec.generic_subject.height
    return scale_by_factors(spec, {b.name: factor for b in spec.bodies}, mass, height)


def _base(body: str) -> str:
    return body[:-2] + "_r" if body.endswith("_l") else body


def scale_by_factors(spec: ModelSpec, factors: Mapping[str, float], mass: float,
                     height: float) -> ModelSpec:
    """Scale each body by its length factor (right-side names; sides share one factor)."""
    check_subject(height, mass)
    missing = sorted({b.name for b in spec.bodies} - set(factors))
    if missing:
        raise ModelSpecError(f"scale factors missing for bodies: {', '.join(missing)}")
    for name, value in factors.items():
        if not 0.5 <= value <= 2.0:
            raise ModelSpecError(f"scale factor for '{name}' = {value:.3f} is outside [0.5, 2.0]")

    def f(body: str) -> float:
        return 1.0 if body == "ground" else factors[_base(body)]

    def sc(v: list[float], body: str) -> list[float]:
        return [x * f(body) for x in v]

    bodies = [b.model_copy(update={"com": sc(b.com, b.name),
                                   "gyration_radii": sc(b.gyration_radii, b.name)}) for b in spec.bodies]
    joints = [j.model_copy(update={"location_in_parent": sc(j.location_in_parent, j.parent),
                                   "location_in_child": sc(j.location_in_child, j.child)})
              for j in spec.joints]
    markers = [m.model_copy(update={"location": sc(m.location, m.body)}) for m in spec.markers]
    spheres = [s.model_copy(update={"location": sc(s.location, s.body), "radius": s.radius * f(s.body)})
               for s in spec.contact_spheres]
    scaled_paths = [m.model_copy(update={"path": [p.model_copy(update={"location": sc(p.location, p.body)})
                                                  for p in m.path]}) for m in spec.muscles]
    geometry_only = spec.model_copy(update={"bodies": bodies, "joints": joints, "muscles": scaled_paths})
    neutral = {c: 0.0 for c in COORDINATES}
    before, after = muscle_lengths(spec, neutral), muscle_lengths(geometry_only, neutral)
    force_factor = mass / spec.mass
    muscles, ratios = [], {}
    for m in scaled_paths:
        ratio = after[f"{m.name}_r"] / before[f"{m.name}_r"] if m.bilateral else after[m.name] / before[m.name]
        ratios[m.name] = ratio
        muscles.append(m.model_copy(update={
            "optimal_fiber_length": m.optimal_fiber_length * ratio,
            "tendon_slack_length": m.tendon_slack_length * ratio,
            "max_isometric_force": m.max_isometric_force * force_factor}))
    child = {side_free(j.coordinate): j.child for j in spec.joints}
    passive = []
    for p in spec.passive_moments:
        moment_factor = force_factor * f(child[side_free(p.coordinate)])
        passive.append(p.model_copy(update={"k1": p.k1 * moment_factor, "k3": p.k3 * moment_factor,
                                            "damping": p.damping * moment_factor}))
    # a contracture is a fraction of the muscle-tendon unit: its length per knob unit scales with it
    knobs = {name: k.model_copy(update={"tendon_shortening_per_unit": k.tendon_shortening_per_unit
                                        * sum(ratios[m] for m in k.muscles) / len(k.muscles)})
             for name, k in spec.knobs.items()}
    combined = {name: factors[name] * spec.scale_factors.get(name, 1.0) for name in factors}
    return spec.model_copy(update={
        "bodies": bodies, "joints": joints, "markers": markers, "contact_spheres": spheres,
        "muscles": muscles, "passive_moments": passive, "knobs": knobs, "scale_factors": combined,
        "subject": SubjectSpec(height=height, mass=mass, source="stridesim")})
