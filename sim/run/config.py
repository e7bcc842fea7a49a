"""Run configuration: CLI options and experiment files (TOML), validated before anything is built."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.model.spec import DEFAULT_MODEL, ModelSpecError, read_toml, validation_message

SPEED_RANGE = (0.0, 8.0)  # m/s, lower bound exclusive


class SubjectConfig(BaseModel):
    """Who runs: the generic model, a height/mass, or a static marker trial (with mass)."""

    model_config = ConfigDict(extra="forbid")
    height: float | None = Field(default=None, description="m")
    mass: float | None = Field(default=None, description="kg")
    static_trial: Path | None = None


class RunConfig(BaseModel):
    """Everything that defines one stride optimization (saved as config.json in the run folder)."""

    model_config = ConfigDict(extra="forbid")
    name: str = "baseline"
    model: Path = DEFAULT_MODEL
    speed: float = Field(default=3.5, gt=SPEED_RANGE[0], le=SPEED_RANGE[1], description="m/s")
    n_intervals: int = Field(default=50, ge=5, le=400)
    symmetric: bool = True
    knobs: dict[str, float] = Field(default_factory=dict)
    guess: Literal["data", "random"] | Path = "data"
    starts: int = Field(default=9, ge=1, le=9,  # sim.run.starts.MAX_STARTS
                        description="initial guesses tried; the lowest-cost running "
                        "solution is kept (the stride problem has several local optima)")
    max_iter: int = Field(default=1000, ge=1, le=20000)
    seed: int = 0
    subject: SubjectConfig = Field(default_factory=SubjectConfig)

    @field_validator("guess", mode="before")
    @classmethod
    def _guess(cls, value):
        return value if value in ("data", "random") else Path(value)


def _format(error: ValidationError, source: str) -> str:
    return validation_message(f"invalid run configuration ({source})", error, "(config)")


def make_config(source: str = "command line", **values) -> RunConfig:
    """Validate a configuration; ModelSpecError names the field and its allowed range."""
    try:
        config = RunConfig.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise ModelSpecError(_format(exc, source)) from None
    check_semantics(config)
    return config


def resolve_paths(data: dict, folder: Path) -> dict:
    """``model`` and ``subject.static_trial`` of an experiment file, relative to its folder."""
    if "model" in data:
        data["model"] = (folder / data["model"]).resolve()
    subject = data.get("subject")
    if isinstance(subject, dict) and isinstance(subject.get("static_trial"), str):
        subject["static_trial"] = (folder / subject["static_trial"]).resolve()
    return data


def load_experiment(path: str | Path, **overrides) -> RunConfig:
    """Read an experiment TOML (keys of RunConfig; [knobs] and [subject] tables)."""
    path = Path(path)
    data = resolve_paths(read_toml(path, "experiment file"), path.parent)
    data.setdefault("name", path.stem)
    data.update({k: v for k, v in overrides.items() if v is not None})
    return make_config(str(path), **data)


def check_semantics(config: RunConfig) -> None:
    """Checks that need the model or the file system: knob names and ranges, the guess folder."""
    from sim.model.knobs import is_one_sided, validate_knobs
    from sim.model.spec import load_spec
    from sim.results.runfolder import NotARunFolder, RunFolder

    if is_one_sided(validate_knobs(load_spec(config.model), config.knobs)) and config.symmetric:
        raise ModelSpecError("knobs: one-sided values (a knob name ending in _r or _l that differs from the other "
                             "side) need a full stride: set symmetric = false")
    if isinstance(config.guess, Path):
        try:
            RunFolder(config.guess).check()
        except NotARunFolder as exc:
            raise ModelSpecError(f"--guess: {exc}") from None
    s = config.subject
    if s.static_trial is not None and s.mass is None:
        raise ModelSpecError("subject.static_trial needs subject.mass (kg)")
    if s.static_trial is not None and not Path(s.static_trial).is_file():
        raise ModelSpecError(f"subject.static_trial: marker file not found: {s.static_trial} "
                             "(a .trc static trial; a relative path is read from the experiment file's folder)")
    if (s.height is None) != (s.mass is None) and s.static_trial is None:
        raise ModelSpecError("subject.height and subject.mass go together")
    if s.height is not None and s.mass is not None:
        from sim.model.scaling import check_subject

        check_subject(s.height, s.mass)
