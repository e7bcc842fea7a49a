"""The model's least certain parameters (models/uncertainty.toml) and the perturbed models made from them.

Each perturbation scales one group of values by each of its factors, one at a time: the hip's
passive extension (capsule) moment, every tendon slack length, or the contact stiffness; with
``[combinations] factorial = true`` every combination of their factors is a model too. The
study re-solves its claims' strides on each perturbed model (:mod:`sim.apps.ensemble`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.model.spec import MODELS_DIR, ModelSpec, ModelSpecError, read_toml, validation_message

UNCERTAINTY_FILE = MODELS_DIR / "uncertainty.toml"


class Perturbation(BaseModel):
    """One uncertain group of values and the factors it is scaled by."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    acts_on: Literal["hip_capsule_moment", "tendon_slack_lengths", "contact_stiffness"]
    factors: list[float] = Field(min_length=1)
    description: str
    source: str = Field(min_length=5)

    @field_validator("factors")
    @classmethod
    def _factors_in_range(cls, factors: list[float]) -> list[float]:
        bad = [f for f in factors if not 0.1 <= f <= 10.0 or f == 1.0]
        if bad:
            raise ValueError(f"{bad} outside the allowed range: each factor in [0.1, 10] and not 1")
        return factors


def load_perturbations(path: str | Path = UNCERTAINTY_FILE) -> dict[str, Perturbation]:
    """The perturbations of the uncertainty file, by name; ModelSpecError naming a bad field."""
    data = read_toml(path, "uncertainty file").get("perturbations", {})
    out = {}
    for name, entry in data.items():
        try:
            out[name] = Perturbation.model_validate(entry)
        except ValidationError as exc:
            raise ModelSpecError(validation_message(f"invalid uncertainty file {path}, [perturbations.{name}]", exc,
                                                    f"perturbations.{name}")) from None
    return out


class Combinations(BaseModel):
    """Whether the perturbations are also applied together (every combination of their factors)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    factorial: bool
    source: str = Field(min_length=5)


#: one perturbed model: (perturbation name, factor) for each group it scales
PerturbedModel = tuple[tuple[str, float], ...]


def perturbed_models(path: str | Path = UNCERTAINTY_FILE) -> list[PerturbedModel]:
    """The perturbed models of the uncertainty file: each perturbation's factors one at a time, then
    (``[combinations] factorial = true``) every combination of every perturbation's factors."""
    import itertools

    perturbations = load_perturbations(path)
    table = read_toml(path, "uncertainty file").get("combinations")
    models: list[PerturbedModel] = [((name, f),) for name, p in perturbations.items() for f in p.factors]
    if table is not None:
        try:
            combinations = Combinations.model_validate(table)
        except ValidationError as exc:
            raise ModelSpecError(validation_message(f"invalid uncertainty file {path}, [combinations]", exc,
                                                    "combinations")) from None
        if combinations.factorial and len(perturbations) > 1:
            models += [tuple(zip(perturbations, factors, strict=True))
                       for factors in itertools.product(*(p.factors for p in perturbations.values()))]
    return models


def model_label(model: PerturbedModel) -> str:
    """Folder-safe name of a perturbed model: ``passive_hip_x0.8``, or its parts joined by ``+``."""
    return "+".join(perturbation_label(name, factor) for name, factor in model)


def model_spec(spec: ModelSpec, model: PerturbedModel, perturbations: dict[str, Perturbation]) -> ModelSpec:
    """``spec`` with each of the model's perturbations applied (they scale disjoint groups of values)."""
    for name, factor in model:
        spec = perturbed_spec(spec, perturbations[name], factor)
    return spec


def perturbation_label(name: str, factor: float) -> str:
    """Folder-safe name of one perturbed model: ``passive_hip_x0.8``."""
    return f"{name}_x{factor:g}"


def perturbed_spec(spec: ModelSpec, perturbation: Perturbation, factor: float) -> ModelSpec:
    """``spec`` with the perturbation's values scaled by ``factor``."""
    if perturbation.acts_on == "hip_capsule_moment":
        moments = [p.model_copy(update={"k3": p.k3 * factor})
                   if p.coordinate == "hip_flexion" and p.structure == "capsule" else p for p in spec.passive_moments]
        return spec.model_copy(update={"passive_moments": moments})
    if perturbation.acts_on == "tendon_slack_lengths":
        muscles = [m.model_copy(update={"tendon_slack_length": m.tendon_slack_length * factor}) for m in spec.muscles]
        return spec.model_copy(update={"muscles": muscles})
    contact = spec.contact.model_copy(update={"stiffness": spec.contact.stiffness * factor})
    return spec.model_copy(update={"contact": contact})
