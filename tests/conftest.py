"""Shared fixtures: the model spec and the shipped static trial of the measured runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.data import STATIC_TRIAL_FILE
from sim.model.spec import load_spec


@pytest.fixture(scope="session")
def spec():
    return load_spec()


@pytest.fixture(scope="session")
def static_trial() -> Path:
    if not STATIC_TRIAL_FILE.exists():
        pytest.fail(f"measured running data missing: {STATIC_TRIAL_FILE} (it ships in sim/data; "
                    "STRIDESIM_DATA may point elsewhere)")
    return STATIC_TRIAL_FILE
