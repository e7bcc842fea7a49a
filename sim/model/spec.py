"""ModelSpec: the one declarative model definition, loaded from ``models/*.toml`` and validated.

Both renderings (OpenSim ``.osim`` and the CasADi symbolic model) are built from a
:class:`ModelSpec`; nothing about the model is written twice. Values are SI (m, kg, N, s,
rad) except fields whose name ends in ``_deg``. Every body, joint, muscle, passive moment,
contact sphere, marker and knob names its ``source`` (a key of ``[sources]``).
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.model.sides import is_bilateral_body, mirror_name, mirror_vec, side_free, sided

#: model definitions: models/ in a source checkout, sim/models in an installed wheel
_PACKAGE = Path(__file__).resolve().parents[1]
MODELS_DIR = next((d for d in (_PACKAGE.parent / "models", _PACKAGE / "models") if d.is_dir()), _PACKAGE.parent / "models")
DEFAULT_MODEL = MODELS_DIR / "runner2d.toml"

#: Generalized coordinates in the order used everywhere (OpenSim names and signs; the knee
#: is flexion-positive, see docs/model.md, 'Conventions').
COORDINATES: tuple[str, ...] = (
    "pelvis_tilt", "pelvis_tx", "pelvis_ty", "lumbar_extension",
    "hip_flexion_r", "knee_angle_r", "ankle_angle_r",
    "hip_flexion_l", "knee_angle_l", "ankle_angle_l",
)
ROTATIONAL = frozenset(c for c in COORDINATES if c not in ("pelvis_tx", "pelvis_ty"))

Vec3 = Annotated[list[float], Field(min_length=3, max_length=3)]
PositiveFloat = Annotated[float, Field(gt=0)]


class ModelSpecError(ValueError):
    """A model definition is missing, malformed or non-physical."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    citation: str = Field(min_length=5)


class BodySpec(_Strict):
    """A rigid segment: mass as a fraction of body mass, centre of mass and radii of gyration."""

    name: str
    mass_fraction: float = Field(gt=0, lt=1)
    com: Vec3
    gyration_radii: Annotated[list[PositiveFloat], Field(min_length=3, max_length=3)]
    source: str


class JointSpec(_Strict):
    """A pin joint about the sagittal (z) axis; ``axis_sign`` -1 makes flexion positive."""

    name: str
    parent: str
    child: str
    location_in_parent: Vec3
    location_in_child: Vec3
    coordinate: str
    axis_sign: Literal[-1, 1] = 1
    range_deg: Annotated[list[float], Field(min_length=2, max_length=2)]
    source: str

    @field_validator("range_deg")
    @classmethod
    def _ordered(cls, value: list[float]) -> list[float]:
        if not value[0] < value[1]:
            raise ValueError(f"range_deg must be [lower, upper] with lower < upper, got {value}")
        return value


class PathPoint(_Strict):
    body: str
    location: Vec3


class MuscleSpec(_Strict):
    """A De Groote-Fregly 2016 Hill muscle with a path of fixed points."""

    name: str
    bilateral: bool = True
    max_isometric_force: float = Field(gt=0, le=20000)
    optimal_fiber_length: float = Field(gt=0.01, le=0.5)
    tendon_slack_length: float = Field(ge=0.0, le=0.6)
    tendon_slack_source: str | None = None  # a [sources] key when it differs from ``source``
    max_isometric_force_source: str | None = None  # likewise for the maximal force
    passive_strain_source: str | None = None  # likewise for the passive fibre strain
    pennation_angle_deg: float = Field(ge=0, lt=60)
    compliant_tendon: bool = False
    tendon_strain_at_one_norm_force: float = Field(default=0.049, gt=0.01, le=0.2)
    passive_fiber_strain_at_one_norm_force: float = Field(default=0.6, gt=0.05, le=2.0)
    max_contraction_velocity: float = Field(default=10.0, gt=1, le=30)
    path: list[PathPoint] = Field(min_length=2)
    group: str
    source: str

    @property
    def pennation_angle(self) -> float:
        return math.radians(self.pennation_angle_deg)


class PassiveMomentSpec(_Strict):
    """Passive joint moment ``k1 exp(k2 (q - theta2)) + k3 exp(k4 (q - theta1)) - damping qdot`` (N m; the
    form of Anderson 1999 and Falisse et al. 2019); a coordinate's entries add up (``structure``)."""

    coordinate: str
    structure: Literal["joint", "capsule"] = "joint"
    k1: float
    k2: float
    k3: float
    k4: float
    theta1: float
    theta2: float
    damping: float = Field(ge=0)
    bilateral: bool = True
    source: str


class ContactSphereSpec(_Strict):
    name: str
    body: str
    location: Vec3
    radius: float = Field(gt=0.002, le=0.1)
    bilateral: bool = True
    source: str


class ContactParameters(_Strict):
    """Parameters of OpenSim's SmoothSphereHalfSpaceForce (Simbody smooth Hunt-Crossley)."""

    stiffness: float = Field(gt=0)
    dissipation: float = Field(ge=0)
    static_friction: float = Field(ge=0, le=2)
    dynamic_friction: float = Field(ge=0, le=2)
    viscous_friction: float = Field(ge=0, le=2)
    transition_velocity: float = Field(gt=0)
    constant_contact_force: float = Field(ge=0)
    hertz_smoothing: float = Field(gt=0)
    hunt_crossley_smoothing: float = Field(gt=0)
    source: str


class MarkerSpec(_Strict):
    """A skin marker; ``R.*`` markers with ``bilateral`` get an ``L.*`` mirror."""

    name: str
    body: str
    location: Vec3
    bilateral: bool = True
    source: str


class KnobSpec(_Strict):
    """A physiological knob acting on named muscles (both sides)."""

    muscles: list[str] = Field(min_length=1)
    #: ``muscle_tendon_contracture``: the tendon slack length shortens by
    #: ``tendon_shortening_per_unit`` per unit above 1 (fibre properties unchanged);
    #: ``passive_fiber_stiffness``: passive strain / k plus that shortening; ``max_isometric_force``: F x k
    acts_on: Literal["muscle_tendon_contracture", "passive_fiber_stiffness", "max_isometric_force"]
    default: float
    minimum: float
    maximum: float
    minimum_exclusive: bool = False
    #: contracture knobs: tendon slack shortening (m) per unit of knob above 1
    tendon_shortening_per_unit: float = Field(default=0.0, ge=0, le=0.05)
    description: str
    source: str

    def check(self, name: str, value: float) -> float:
        """Return ``value`` if in range, else raise a ModelSpecError naming the knob and range."""
        low_ok = value > self.minimum if self.minimum_exclusive else value >= self.minimum
        if not (isinstance(value, (int, float)) and math.isfinite(value) and low_ok
                and value <= self.maximum):
            bracket = "(" if self.minimum_exclusive else "["
            raise ModelSpecError(
                f"knob '{name}' = {value!r} is outside its allowed range "
                f"{bracket}{self.minimum}, {self.maximum}]")
        return float(value)


class ThomasTestSpec(_Strict):
    """The simulated modified Thomas test's clinical posture: knee angle and posterior pelvic tilt."""

    knee_flexion_deg: float = Field(ge=0, le=140)
    pelvic_tilt_deg: float = Field(ge=-30, le=40)
    source: str


class SubjectSpec(_Strict):
    height: float = Field(ge=1.0, le=2.3)
    mass: float = Field(ge=25, le=200)
    source: str


class ModelSpec(_Strict):
    """The whole model; immutable. Use :meth:`muscles_expanded` for per-side muscles."""

    name: str
    description: str
    gravity: float = Field(lt=0, gt=-20)
    generic_subject: SubjectSpec
    sources: dict[str, Source]
    bodies: list[BodySpec]
    joints: list[JointSpec]
    muscles: list[MuscleSpec]
    passive_moments: list[PassiveMomentSpec]
    contact_spheres: list[ContactSphereSpec]
    contact: ContactParameters
    markers: list[MarkerSpec]
    knobs: dict[str, KnobSpec]
    thomas_test: ThomasTestSpec | None = None  # without it the Thomas test needs its posture given
    #: per-body length scale factors applied to this spec relative to the file (provenance)
    scale_factors: dict[str, float] = Field(default_factory=dict)
    subject: SubjectSpec | None = None

    def fingerprint(self) -> str:
        """Short SHA-256 of every model value (not the citation texts or descriptions, which do not
        change the physics): two results share a model exactly when this matches."""
        values = self.model_dump_json(exclude={"sources": True, "description": True,
                                               "knobs": {"__all__": {"description"}}})
        return hashlib.sha256(values.encode()).hexdigest()[:16]

    @model_validator(mode="after")
    def _cross_check(self) -> ModelSpec:
        body_names = {b.name for b in self.bodies_expanded()}
        errors: list[str] = []

        def need_source(kind: str, name: str, source: str) -> None:
            if source not in self.sources:
                errors.append(f"{kind} '{name}': source '{source}' is not defined in [sources]")

        for b in self.bodies:
            need_source("body", b.name, b.source)
        for j in self.joints:
            need_source("joint", j.name, j.source)
            for end in (j.parent, j.child):
                if end != "ground" and end not in body_names:
                    errors.append(f"joint '{j.name}': unknown body '{end}'")
            if side_free(j.coordinate) not in {side_free(c) for c in COORDINATES}:
                errors.append(f"joint '{j.name}': unknown coordinate '{j.coordinate}' "
                              f"(allowed: {', '.join(COORDINATES)})")
        for m in self.muscles:
            need_source("muscle", m.name, m.source)
            for extra in (m.tendon_slack_source, m.max_isometric_force_source, m.passive_strain_source):
                if extra is not None:
                    need_source("muscle", m.name, extra)
            for p in m.path:
                if side_free(p.body) not in {side_free(b) for b in body_names}:
                    errors.append(f"muscle '{m.name}': path point on unknown body '{p.body}'")
        for p in self.passive_moments:
            need_source("passive moment", p.coordinate, p.source)
            if p.coordinate not in {side_free(c) for c in COORDINATES} | set(COORDINATES):
                errors.append(f"passive moment: unknown coordinate '{p.coordinate}'")
        for s in self.contact_spheres:
            need_source("contact sphere", s.name, s.source)
        need_source("contact", "parameters", self.contact.source)
        if self.thomas_test is not None:
            need_source("thomas_test", "posture", self.thomas_test.source)
        for mk in self.markers_expanded():
            need_source("marker", mk.name, mk.source)
            if mk.body not in body_names:
                errors.append(f"marker '{mk.name}': unknown body '{mk.body}'")
        muscle_names = {m.name for m in self.muscles}
        for knob_name, knob in self.knobs.items():
            need_source("knob", knob_name, knob.source)
            for mname in knob.muscles:
                if mname not in muscle_names:
                    errors.append(f"knob '{knob_name}': unknown muscle '{mname}' "
                                  f"(known: {', '.join(sorted(muscle_names))})")
            if not knob.minimum <= knob.default <= knob.maximum:
                errors.append(f"knob '{knob_name}': default {knob.default} outside "
                              f"[{knob.minimum}, {knob.maximum}]")
        if abs(sum(b.mass_fraction * (2 if is_bilateral_body(b.name) else 1)
                   for b in self.bodies) - 1.0) > 1e-3:
            errors.append("bodies: mass fractions (both sides counted) must add up to 1")
        if errors:
            raise ValueError("; ".join(errors))
        return self

    # ----- expansion of bilateral definitions (right side written, left mirrored) -----
    def bodies_expanded(self) -> list[BodySpec]:
        out: list[BodySpec] = []
        for b in self.bodies:
            if is_bilateral_body(b.name):
                out.append(b)
                out.append(b.model_copy(update={"name": mirror_name(b.name)}))
            else:
                out.append(b)
        return out

    def joints_expanded(self) -> list[JointSpec]:
        out: list[JointSpec] = []
        for j in self.joints:
            out.append(j)
            if j.name.endswith("_r"):
                out.append(j.model_copy(update={
                    "name": mirror_name(j.name), "parent": mirror_name(j.parent),
                    "child": mirror_name(j.child), "coordinate": mirror_name(j.coordinate),
                    "location_in_parent": mirror_vec(j.location_in_parent),
                    "location_in_child": mirror_vec(j.location_in_child)}))
        return out

    def muscles_expanded(self) -> list[MuscleSpec]:
        out: list[MuscleSpec] = []
        for m in self.muscles:
            if not m.bilateral:
                out.append(m)
                continue
            for side in ("r", "l"):
                path = [PathPoint(body=sided(p.body, side),
                                  location=p.location if side == "r" else mirror_vec(p.location))
                        for p in m.path]
                out.append(m.model_copy(update={"name": f"{m.name}_{side}", "path": path}))
        return out

    def passive_moments_expanded(self) -> list[PassiveMomentSpec]:
        out: list[PassiveMomentSpec] = []
        for p in self.passive_moments:
            if p.bilateral:
                out += [p.model_copy(update={"coordinate": f"{p.coordinate}_{s}"}) for s in "rl"]
            else:
                out.append(p)
        return out

    def contact_spheres_expanded(self) -> list[ContactSphereSpec]:
        out: list[ContactSphereSpec] = []
        for s in self.contact_spheres:
            if s.bilateral:
                out.append(s.model_copy(update={"name": f"{s.name}_r", "body": sided(s.body, "r")}))
                out.append(s.model_copy(update={"name": f"{s.name}_l", "body": sided(s.body, "l"),
                                                "location": mirror_vec(s.location)}))
            else:
                out.append(s)
        return out

    def markers_expanded(self) -> list[MarkerSpec]:
        out: list[MarkerSpec] = []
        for mk in self.markers:
            out.append(mk)
            if mk.bilateral:
                if not mk.name.startswith("R."):
                    raise ValueError(f"marker '{mk.name}': bilateral markers must start with 'R.'")
                out.append(mk.model_copy(update={"name": "L." + mk.name[2:], "body": sided(mk.body, "l"),
                                                 "location": mirror_vec(mk.location)}))
        return out

    def muscle_names(self) -> list[str]:
        return [m.name for m in self.muscles_expanded()]

    def body_mass(self, body: str) -> float:
        return {b.name: b for b in self.bodies_expanded()}[body].mass_fraction * self.mass

    @property
    def height(self) -> float:
        return (self.subject or self.generic_subject).height

    @property
    def mass(self) -> float:
        return (self.subject or self.generic_subject).mass


def validation_message(heading: str, error: ValidationError, root: str) -> str:
    """``heading:`` and one line per bad field (``root`` names the whole object): the message of
    every ModelSpecError raised for a pydantic validation error."""
    lines = [f"{heading}:"]
    for e in error.errors():
        where = ".".join(str(p) for p in e["loc"])
        lines.append(f"  {where or root}: {e['msg']}")
    return "\n".join(lines)


def read_toml(path: str | Path, what: str) -> dict:
    """Parse a TOML file; ModelSpecError if it is missing or malformed (``what``: 'model file', ...)."""
    path = Path(path)
    if not path.is_file():
        raise ModelSpecError(f"{what} not found: {path}")
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ModelSpecError(f"{what} {path} is not valid TOML: {exc}") from None


def load_spec(path: str | Path = DEFAULT_MODEL) -> ModelSpec:
    """Load and validate a model definition; raise ModelSpecError naming the bad field."""
    path = Path(path)
    try:
        return ModelSpec.model_validate(read_toml(path, "model file"))
    except ValidationError as exc:
        raise ModelSpecError(validation_message(f"invalid model file {path}", exc, "(model)")) from None
