"""Clinical inputs of a what-if: one unit each, one range each, checked before any work.

A clinician speaks in Thomas-test degrees and strength in percent of normal; the model speaks
in knobs. This module holds the inputs' ranges (shown by the CLI and the web page) and their
validation; :mod:`sim.apps.clinic_scenarios` turns them into knobs.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict

#: the healthy athletes' mean of the modified Thomas test (Harvey 1998, Br J Sports Med 32:68), deg
HEALTHY_THOMAS_DEG = -11.9
#: a thigh above the table is a positive test (hip-flexor tightness)
POSITIVE_THOMAS_DEG = 0.0

_THOMAS_HELP = ("Modified Thomas test: angle of the hanging thigh to the table (deg). Negative = below the "
                "table (normal; healthy athletes' mean -11.9), positive = above it (tight hip flexors).")
#: the generic model's knee reading of the same test with a healthy rectus femoris, deg (smaller =
#: straighter = tighter); the athletes' mean of Harvey (1998) is 52.5
HEALTHY_MODEL_KNEE_DEG = 61.4
ATHLETES_KNEE_DEG = 52.5
_KNEE_HELP = ("Modified Thomas test: knee flexion of the hanging leg (deg), read with the thigh as entered. Smaller = "
              "a straighter knee = a tighter rectus femoris (athletes' mean 52.5; this model's healthy reading 61.4). "
              "Leave empty if not measured: the rectus femoris is then healthy.")
_GLUTE_HELP = "Gluteus maximus strength in percent of normal (100 = normal; 60 = 60 % of normal force)."

#: every input, in display order: label, unit, range, default, step, help, group and marks
FIELDS: dict[str, dict[str, Any]] = {
    "thomas_angle_right_deg": {"label": "Thomas-test angle, right", "unit": "deg", "minimum": -13.5, "maximum": 20.0,
                               "default": HEALTHY_THOMAS_DEG, "step": 0.5, "help": _THOMAS_HELP, "group": "right"},
    "thomas_knee_right_deg": {"label": "Thomas-test knee angle, right", "unit": "deg", "minimum": 15.0,
                              "maximum": 90.0, "default": None, "optional": True, "step": 0.5, "help": _KNEE_HELP,
                              "group": "right"},
    "glute_strength_right_percent": {"label": "Gluteus maximus strength, right", "unit": "%", "minimum": 10.0,
                                     "maximum": 100.0, "default": 100.0, "step": 1.0, "help": _GLUTE_HELP,
                                     "group": "right"},
    "thomas_angle_left_deg": {"label": "Thomas-test angle, left", "unit": "deg", "minimum": -13.5, "maximum": 20.0,
                              "default": HEALTHY_THOMAS_DEG, "step": 0.5, "help": _THOMAS_HELP, "group": "left"},
    "thomas_knee_left_deg": {"label": "Thomas-test knee angle, left", "unit": "deg", "minimum": 15.0,
                             "maximum": 90.0, "default": None, "optional": True, "step": 0.5, "help": _KNEE_HELP,
                             "group": "left"},
    "glute_strength_left_percent": {"label": "Gluteus maximus strength, left", "unit": "%", "minimum": 10.0,
                                    "maximum": 100.0, "default": 100.0, "step": 1.0, "help": _GLUTE_HELP,
                                    "group": "left"},
    "speed_m_s": {"label": "Running speed", "unit": "m/s", "minimum": 2.0, "maximum": 5.5, "default": 3.5,
                  "step": 0.1, "help": "Treadmill or overground running speed (3.5 m/s = 4:46 min/km).",
                  "group": "runner"},
    "height_m": {"label": "Height", "unit": "m", "minimum": 1.50, "maximum": 2.05, "default": 1.80, "step": 0.01,
                 "help": "The runner's standing height: the model is scaled to it.", "group": "runner"},
    "mass_kg": {"label": "Body mass", "unit": "kg", "minimum": 40.0, "maximum": 130.0, "default": 75.2, "step": 0.5,
                "help": "The runner's mass: segment masses and muscle strengths scale with it.", "group": "runner"},
}
for _name in ("thomas_angle_right_deg", "thomas_angle_left_deg"):
    FIELDS[_name]["below_minimum"] = ("a looser reading is held by the hip capsule alone, which the model's "
                                      "hip-flexor knob does not loosen")
    FIELDS[_name]["marks"] = [{"value": HEALTHY_THOMAS_DEG, "label": "healthy mean -11.9"},
                              {"value": POSITIVE_THOMAS_DEG, "label": "positive test 0"}]
for _name in ("thomas_knee_right_deg", "thomas_knee_left_deg"):
    FIELDS[_name]["slider_start"] = HEALTHY_MODEL_KNEE_DEG
    FIELDS[_name]["marks"] = [{"value": ATHLETES_KNEE_DEG, "label": "athletes' mean 52.5"},
                              {"value": HEALTHY_MODEL_KNEE_DEG, "label": "model healthy 61.4"}]
for _field in FIELDS.values():
    _field.setdefault("marks", [])
    _field.setdefault("optional", False)

#: the resolution each input is kept at: finer differences mean nothing clinically, and equal
#: rounded inputs share one stored answer
RESOLUTION = {"thomas_angle_right_deg": 0.1, "thomas_angle_left_deg": 0.1, "thomas_knee_right_deg": 0.1,
              "thomas_knee_left_deg": 0.1, "glute_strength_right_percent": 1.0,
              "glute_strength_left_percent": 1.0, "speed_m_s": 0.1, "height_m": 0.01, "mass_kg": 0.1}


class InputError(ValueError):
    """Bad clinical input; ``errors`` lists ``{"field", "message"}``, each naming field and range."""

    def __init__(self, errors: list[dict[str, str | None]]):
        self.errors = errors
        super().__init__("; ".join(e["message"] for e in errors))


class ClinicalInputs(BaseModel):
    """One patient scenario in clinical units (validated by :func:`parse_inputs`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    thomas_angle_right_deg: float
    glute_strength_right_percent: float
    thomas_angle_left_deg: float
    glute_strength_left_percent: float
    speed_m_s: float
    height_m: float
    mass_kg: float
    #: the knee reading of the same test; None = not measured (a healthy rectus femoris)
    thomas_knee_right_deg: float | None = None
    thomas_knee_left_deg: float | None = None

    def key(self) -> str:
        """A short name of the scenario (its folder), from the rounded inputs."""
        knees = "" if self.thomas_knee_right_deg is None and self.thomas_knee_left_deg is None else "_knee" + "_".join(
            "none" if k is None else f"{k:.1f}" for k in (self.thomas_knee_right_deg, self.thomas_knee_left_deg))
        return (f"R{self.thomas_angle_right_deg:+.1f}_g{self.glute_strength_right_percent:.0f}"
                f"_L{self.thomas_angle_left_deg:+.1f}_g{self.glute_strength_left_percent:.0f}"
                f"_v{self.speed_m_s:.2f}_h{self.height_m:.2f}_m{self.mass_kg:.1f}{knees}")

    @property
    def one_sided(self) -> bool:
        return (self.thomas_angle_right_deg != self.thomas_angle_left_deg
                or self.thomas_knee_right_deg != self.thomas_knee_left_deg
                or self.glute_strength_right_percent != self.glute_strength_left_percent)


def _message(name: str, value: object) -> str | None:
    f = FIELDS[name]
    shown = f"[{f['minimum']:g}, {f['maximum']:g}] {f['unit']}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{name} must be a number in {shown}, not {value!r}"[:200]
    try:
        value = float(value)
    except OverflowError:  # an integer too large for a float
        value = math.inf
    if not math.isfinite(value):
        return f"{name} must be a finite number in {shown}, not {value!r}"
    if name.startswith("glute_strength") and 0 < value <= 1.0:
        return (f"{name} = {value:g} is in percent of normal, allowed {shown}: {value:g} looks like a fraction; "
                f"for {value * 100:g} % give {value * 100:g}")
    if value < f["minimum"] and "below_minimum" in f:
        return f"{name} = {value:g} {f['unit']} is outside the allowed range {shown}: {f['below_minimum']}"
    if not f["minimum"] <= value <= f["maximum"]:
        return f"{name} = {value:g} {f['unit']} is outside the allowed range {shown}"
    return None


def parse_inputs(payload: object) -> ClinicalInputs:
    """Validated, rounded clinical inputs; InputError names every bad field and its range."""
    if not isinstance(payload, dict):
        raise InputError([{"field": None, "message": "the request must be an object of named inputs "
                                                     f"({', '.join(FIELDS)})"}])
    errors = [{"field": str(k)[:60], "message": f"unknown input {str(k)[:60]!r}; known inputs: {', '.join(FIELDS)}"}
              for k in payload if k not in FIELDS]
    values = {}
    for name in FIELDS:
        if FIELDS[name]["optional"] and payload.get(name) is None:
            values[name] = None  # not measured
            continue
        if name not in payload:
            errors.append({"field": name, "message": f"{name} is missing ({FIELDS[name]['label']}, "
                                                     f"{FIELDS[name]['minimum']:g} to {FIELDS[name]['maximum']:g} "
                                                     f"{FIELDS[name]['unit']})"})
            continue
        problem = _message(name, payload[name])
        if problem:
            errors.append({"field": name, "message": problem})
        else:
            step = RESOLUTION[name]
            values[name] = round(round(float(payload[name]) / step) * step, 6)
    if errors:
        raise InputError(errors)
    from sim.model.scaling import BMI_RANGE

    bmi = values["mass_kg"] / values["height_m"] ** 2
    if not BMI_RANGE[0] <= bmi <= BMI_RANGE[1]:
        raise InputError([{"field": "mass_kg", "message": f"height {values['height_m']:g} m with mass "
                           f"{values['mass_kg']:g} kg gives a body-mass index of {bmi:.1f} kg/m^2, outside the "
                           f"range the model's scaling is meant for [{BMI_RANGE[0]:g}, {BMI_RANGE[1]:g}]"}])
    return ClinicalInputs(**values)


def defaults() -> dict[str, float | None]:
    """The default inputs: a healthy runner of the generic model's size at 3.5 m/s (knee readings not measured)."""
    return {name: f["default"] for name, f in FIELDS.items()}
