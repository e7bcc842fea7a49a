"""Sweep experiment files: a base run configuration plus a [grid] of values to combine."""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.model.spec import ModelSpecError, read_toml
from sim.run.config import RunConfig, make_config, resolve_paths

#: grid axes besides the knobs: the speed (m/s) and the runner's height (m; the mass follows at the base
#: runner's body-mass index, so a height series is a series of body sizes)
GRID_AXES_EXTRA = ("speed", "height")


class SweepConfig(BaseModel):
    """``base``: every RunConfig field; ``grid``: axis name -> values (knobs, speed or height);
    ``retries``: single starts from other guesses after a failed point; ``polish``: the polish
    pass after every point is solved (:mod:`sim.sweep.polish`), its solves limited to
    ``polish_max_iter`` iterations; ``search``: where the base's multi-start runs, at
    ``every_point`` or only at the grid's ``corners`` (every other point then starts once from its
    nearest solved neighbour, and the polish pass tries the other neighbours)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    base: RunConfig
    grid: dict[str, list[float]] = Field(min_length=1)
    retries: int = Field(default=2, ge=0, le=5)
    polish: bool = True
    search: Literal["every_point", "corners"] = "every_point"
    #: the iteration limit of a polish solve: a neighbour's stride that reaches a cheaper optimum
    #: does so in tens of iterations at 50 intervals (a warm neighbour takes 35-80), while a start
    #: still searching after a few hundred is crossing to another basin at minutes per solve;
    #: stopping it only loses a try
    polish_max_iter: int = Field(default=300, ge=1, le=20000)


@dataclass(frozen=True, eq=False)
class GridPoint:
    """One grid point: its position along each axis and its values; identified by position."""

    index: tuple[int, ...]
    values: dict[str, float]

    def __hash__(self) -> int:
        return hash(self.index)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GridPoint) and other.index == self.index

    @property
    def key(self) -> str:
        return "_".join(f"{k}={v:g}" for k, v in self.values.items())

    @property
    def folder(self) -> str:
        return "p" + "-".join(str(i) for i in self.index)


def load_sweep(path: str | Path) -> SweepConfig:
    """Read and validate a sweep file; ModelSpecError names the field and its allowed range."""
    path = Path(path)
    data = read_toml(path, "sweep file")
    grid = data.pop("grid", None)
    # the sweep's own fields (their defaults are SweepConfig's); the rest is the base run's
    own = {k: data.pop(k) for k in ("retries", "polish", "search", "polish_max_iter") if k in data}
    name = data.setdefault("name", path.stem)
    resolve_paths(data, path.parent)
    if not grid:
        raise ModelSpecError(f"{path}: [grid] is missing or empty: give at least one axis with values")
    base = make_config(str(path), **data)
    try:
        sweep = SweepConfig(name=name, base=base, grid=grid, **own)
    except ValidationError as exc:
        raise ModelSpecError(f"invalid sweep file {path}: " + "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from None
    check_grid(sweep)
    return sweep


def check_grid(sweep: SweepConfig) -> None:
    """Every axis known, non-empty, finite, and every value inside its allowed range."""
    from sim.model.knobs import validate_knobs
    from sim.model.spec import load_spec

    spec = load_spec(sweep.base.model)
    for axis, values in sweep.grid.items():
        if not values:
            raise ModelSpecError(f"grid axis '{axis}' is empty")
        if axis not in spec.knobs and axis not in GRID_AXES_EXTRA:
            raise ModelSpecError(f"grid axis '{axis}' is not a knob, speed or height "
                                 f"(knobs: {', '.join(spec.knobs)})")
        if axis == "height" and sweep.base.subject.static_trial is not None:
            raise ModelSpecError("grid axis 'height' scales the generic model; it cannot be combined with a static trial")
        for v in values:
            if not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ModelSpecError(f"grid axis '{axis}': value {v!r} is not a finite number")
            if axis == "speed":
                make_config(speed=v)
            elif axis == "height":
                from sim.model.scaling import check_subject

                check_subject(v, _mass_at_height(sweep.base, spec, v))
            else:
                validate_knobs(spec, {axis: v})


def grid_distance(a: GridPoint, b: GridPoint) -> int:
    """Steps between two grid points, along the axes (1: neighbours along one axis)."""
    return sum(abs(i - j) for i, j in zip(a.index, b.index, strict=True))


def is_corner(sweep: SweepConfig, point: GridPoint) -> bool:
    """The point sits at an end of every axis (a 1-D grid has two corners, a 5 x 5 grid four)."""
    return all(i in (0, len(sweep.grid[a]) - 1) for a, i in zip(sweep.grid, point.index, strict=True))


def point_starts(sweep: SweepConfig, point: GridPoint, root: bool = False) -> int:
    """How many starts the point's first attempt gets: the base's multi-start, or with
    ``search = "corners"`` one start from the nearest solved neighbour away from the corners and the root."""
    if sweep.search == "every_point" or root or is_corner(sweep, point):
        return sweep.base.starts
    return 1


def grid_points(sweep: SweepConfig) -> list[GridPoint]:
    axes = list(sweep.grid)
    return [GridPoint(index, {a: float(sweep.grid[a][i]) for a, i in zip(axes, index, strict=True)})
            for index in itertools.product(*(range(len(sweep.grid[a])) for a in axes))]


@functools.lru_cache(maxsize=4)
def _spec(path: Path):
    from sim.model.spec import load_spec

    return load_spec(path)


def _mass_at_height(base: RunConfig, spec, height: float) -> float:
    """The mass of a runner of ``height`` at the base runner's body-mass index, kg."""
    base_height = base.subject.height or spec.generic_subject.height
    base_mass = base.subject.mass or spec.generic_subject.mass
    return round(base_mass * (height / base_height) ** 2, 2)


def point_config(sweep: SweepConfig, point: GridPoint) -> RunConfig:
    """The RunConfig of one grid point (knob axes into knobs, speed into speed, height into the subject)."""
    data = sweep.base.model_dump()
    knobs = dict(data.get("knobs") or {})
    for axis, value in point.values.items():
        if axis == "speed":
            data["speed"] = value
        elif axis == "height":
            data["subject"] = {"height": value, "mass": _mass_at_height(sweep.base, _spec(sweep.base.model), value)}
        else:
            knobs[axis] = value
    data["knobs"] = knobs
    data["name"] = f"{sweep.name}/{point.folder}"
    data["guess"] = "data"
    return RunConfig.model_validate(data)

