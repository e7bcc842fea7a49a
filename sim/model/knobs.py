"""Physiological knobs: how hip-flexor stiffness and gluteus strength change muscle parameters.

One rule, two renderings: :func:`knobbed_parameters` works on floats (OpenSim export, via
:func:`apply_knobs`) and on CasADi symbols (knobs are NLP parameters, so one built stride
problem serves a whole sweep).

A knob acts on both sides (``hip_flexor_stiffness``) unless a side is named
(``hip_flexor_stiffness_r``, ``glute_strength_l``): a one-sided value overrides the knob on
that side only, which breaks the left-right symmetry, so it needs a full-stride problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.model.spec import ModelSpec, ModelSpecError, MuscleSpec

Scalar = Any


SIDES = ("r", "l")


def _split(name: str) -> tuple[str, str | None]:
    """(knob, side) of a knob value's name: ``glute_strength_l`` -> (``glute_strength``, ``l``)."""
    if name.endswith(("_r", "_l")):
        return name[:-2], name[-1]
    return name, None


def validate_knobs(spec: ModelSpec, values: Mapping[str, float] | None) -> dict[str, float]:
    """The canonical knob values: every knob (both sides; defaults filled in) plus a one-sided
    entry (``<knob>_r``/``<knob>_l``) wherever a side differs. ModelSpecError on unknown knobs
    or values outside a knob's range."""
    values = dict(values or {})
    unknown = sorted(n for n in values if _split(n)[0] not in spec.knobs and n not in spec.knobs)
    if unknown:
        raise ModelSpecError(f"unknown knob(s) {', '.join(unknown)}; known knobs: "
                             f"{', '.join(spec.knobs)} (one side: add _r or _l)")
    out = {name: knob.check(name, _number(name, values.get(name, knob.default)))
           for name, knob in spec.knobs.items()}
    for name, knob in spec.knobs.items():
        side_values = {side: knob.check(f"{name}_{side}", _number(f"{name}_{side}", values[f"{name}_{side}"]))
                       if f"{name}_{side}" in values else out[name] for side in SIDES}
        if side_values["r"] == side_values["l"]:
            out[name] = side_values["r"]  # both sides given alike: a two-sided value
            continue
        out |= {f"{name}_{side}": v for side, v in side_values.items() if v != out[name]}
    return out


def _number(name: str, value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ModelSpecError(f"knob '{name}' = {value!r} is not a number") from None


def side_value(knobs: Mapping[str, Scalar], name: str, side: str | None) -> Scalar:
    """The value of knob ``name`` on ``side`` (``r``, ``l`` or None for a one-sided muscle)."""
    return knobs.get(f"{name}_{side}", knobs.get(name)) if side else knobs[name]


def is_one_sided(knobs: Mapping[str, float]) -> bool:
    """True if any knob differs between the sides (then only a full stride can be solved)."""
    return any(_split(name)[1] is not None for name in knobs)


def parameter_names(spec: ModelSpec) -> list[str]:
    """The NLP parameter vector of the knobs: every knob on each side."""
    return [f"{name}_{side}" for name in spec.knobs for side in SIDES]


def knob_vector(spec: ModelSpec, values: Mapping[str, float] | None) -> list[float]:
    """Knob values (validated) in the order of :func:`parameter_names`."""
    knobs = validate_knobs(spec, values)
    return [side_value(knobs, name, side) for name in spec.knobs for side in SIDES]


def base_muscle_name(muscle_name: str) -> str:
    """The muscle name without its side suffix (_r, _l)."""
    return muscle_name[:-2] if muscle_name.endswith(("_r", "_l")) else muscle_name


def knobbed_parameters(spec: ModelSpec, muscle: MuscleSpec, knobs: Mapping[str, Scalar]) -> dict[str, Scalar]:
    """Max force, passive strain and tendon slack length of ``muscle`` under ``knobs``.

    ``muscle`` is a sided muscle (``glut_max_r``) or a one-sided one; ``knobs`` holds canonical
    values (:func:`validate_knobs`) or the sided parameters (:func:`parameter_names`)."""
    side = _split(muscle.name)[1]
    fmax = muscle.max_isometric_force
    strain = muscle.passive_fiber_strain_at_one_norm_force
    slack = muscle.tendon_slack_length
    for name, knob in spec.knobs.items():
        if base_muscle_name(muscle.name) not in knob.muscles:
            continue
        value = side_value(knobs, name, side)
        if knob.acts_on == "max_isometric_force":
            fmax = fmax * value
        else:
            # both hip-flexor forms shorten the muscle-tendon unit (a contracture): the passive
            # force starts at a smaller hip extension; the stiffness form also steepens its curve
            slack = slack - knob.tendon_shortening_per_unit * (value - 1.0)
            if knob.acts_on == "passive_fiber_stiffness":
                strain = strain / value
    return {"max_isometric_force": fmax, "passive_fiber_strain_at_one_norm_force": strain,
            "tendon_slack_length": slack}


def apply_knobs(spec: ModelSpec, values: Mapping[str, float] | None) -> ModelSpec:
    """A concrete spec whose muscles carry the knob-modified parameters (for OpenSim).

    With one-sided values, each bilateral muscle a knob acts on is written as its two sides."""
    knobs = validate_knobs(spec, values)
    muscles = []
    for m in spec.muscles:
        if m.bilateral and is_one_sided(knobs) and any(m.name in k.muscles for k in spec.knobs.values()):
            for one_side in spec.model_copy(update={"muscles": [m]}).muscles_expanded():
                muscles.append(one_side.model_copy(update={"bilateral": False,
                                                           **knobbed_parameters(spec, one_side, knobs)}))
        else:
            muscles.append(m.model_copy(update=knobbed_parameters(spec, m, knobs)))
    names = {m.name for m in muscles}
    # the knobs of the concrete spec name the muscles it has (sides written out where split)
    renamed = {name: knob.model_copy(update={"muscles": [n for base in knob.muscles for n in
                                                          ([base] if base in names else [f"{base}_r", f"{base}_l"])]})
               for name, knob in spec.knobs.items()}
    return spec.model_copy(update={"muscles": muscles, "knobs": renamed})
