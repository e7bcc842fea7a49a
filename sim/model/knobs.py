"""Physiological knobs: how hip-flexor stiffness and gluteus strength change muscle parameters.

One rule, two renderings: :func:`effective_muscle_parameters` works on floats (OpenSim
export, via :func:`apply_knobs`) and on CasADi symbols (knobs are NLP parameters, so one
built stride problem serves a whole sweep).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.model.spec import ModelSpec, ModelSpecError, MuscleSpec

Scalar = Any


def validate_knobs(spec: ModelSpec, values: Mapping[str, float] | None) -> dict[str, float]:
    """Complete ``values`` with defaults; raise ModelSpecError on unknown knobs or bad ranges."""
    values = dict(values or {})
    unknown = sorted(set(values) - set(spec.knobs))
    if unknown:
        raise ModelSpecError(f"unknown knob(s) {', '.join(unknown)}; known knobs: "
                             f"{', '.join(spec.knobs)}")
    return {name: knob.check(name, float(values.get(name, knob.default)))
            for name, knob in spec.knobs.items()}


def base_muscle_name(muscle_name: str) -> str:
    """The muscle name without its side suffix (_r, _l)."""
    return muscle_name[:-2] if muscle_name.endswith(("_r", "_l")) else muscle_name


def knobbed_parameters(spec: ModelSpec, muscle: MuscleSpec, knobs: Mapping[str, Scalar]) -> dict[str, Scalar]:
    """Max force, passive strain and tendon slack length of ``muscle`` under ``knobs``."""
    fmax = muscle.max_isometric_force
    strain = muscle.passive_fiber_strain_at_one_norm_force
    slack = muscle.tendon_slack_length
    for name, knob in spec.knobs.items():
        if base_muscle_name(muscle.name) not in knob.muscles:
            continue
        value = knobs[name]
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
    """A concrete spec whose muscles carry the knob-modified parameters (for OpenSim)."""
    knobs = validate_knobs(spec, values)
    muscles = [m.model_copy(update=knobbed_parameters(spec, m, knobs)) for m in spec.muscles]
    return spec.model_copy(update={"muscles": muscles})
