"""Shared fixtures: the model spec and paths to the shared running data."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data" / "hamner2010_subject02"


@pytest.fixture(scope="session")
def spec():
    return load_spec()


@pytest.fixture(scope="session")
def static_trial() -> Path:
    path = SHARED_DATA / "subject02_static.trc"
    if not path.exists():
        pytest.fail(f"shared running data missing: {path} (CI and developers have ../shared/data)")
    return path
