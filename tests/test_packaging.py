"""The package runs without the raw data folder, and a wheel carries everything it reads."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from sim.data import CYCLE_TABLE, RAW_GRF_FILE, RAW_IK_FILE, STRIDE_TABLE, read_table

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def raw_data() -> None:
    """The raw files the tables are derived from (shipped in sim/data; STRIDESIM_DATA may point elsewhere)."""
    for path in (RAW_IK_FILE, RAW_GRF_FILE):
        if not path.exists():
            pytest.fail(f"raw running data missing: {path} (it ships in sim/data/hamner2010_subject02)")


def test_embedded_stride_is_the_raw_data_derivation(raw_data):
    from sim.data.measured import derive_measured_stride, measured_stride

    embedded, fresh = measured_stride(), derive_measured_stride()
    assert np.array_equal(embedded.cycle, fresh.cycle)
    assert (embedded.stride_time, embedded.left_strike_phase, embedded.contact_time) == \
        (fresh.stride_time, fresh.left_strike_phase, fresh.contact_time)


def test_embedded_cycle_is_the_raw_data_derivation(raw_data):
    from sim.data.measured import derive_measured_cycle, measured_cycle

    embedded, fresh = measured_cycle(), derive_measured_cycle()
    for name, curve in fresh.angles_deg.items():
        assert np.array_equal(embedded.angles_deg[name], curve), name
    for name, curve in fresh.grf_bw.items():
        assert np.array_equal(embedded.grf_bw[name], curve), name
    assert (embedded.n_cycles, embedded.stride_time) == (fresh.n_cycles, fresh.stride_time)


def test_measured_tables_are_plausible_running():
    """Guards the shipped tables against truncation or a wrong column order."""
    columns, rows, meta = read_table(STRIDE_TABLE)
    assert rows.shape == (201, len(columns)) and 0.5 < meta["stride_time_s"] < 0.9
    assert 0.45 < meta["left_strike_phase"] < 0.55 and 0.15 < meta["contact_time_s"] < 0.35
    knee = np.degrees(rows[:, columns.index("knee_angle_r")])
    assert knee.max() > 90.0 and knee.min() > -5.0  # flexion positive, deep swing flexion
    columns, rows, meta = read_table(CYCLE_TABLE)
    assert rows.shape == (101, 8) and meta["cycles"] >= 5
    assert 2.0 < rows[:, columns.index("grf_vertical_bw")].max() < 3.2


def test_wheel_lists_every_subpackage_and_the_model_data():
    """pyproject lists packages by hand (models/ travels as sim.models): none may be forgotten."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "sim").rglob("__init__.py")}
    assert set(config["packages"]) == on_disk | {"sim.models"}
    assert config["package-dir"]["sim.models"] == "models"
    assert list((ROOT / "models").glob("*.toml")) and "*.toml" in config["package-data"]["sim.models"]
    assert "*.csv" in config["package-data"]["sim.data"]


def test_guess_and_comparison_need_no_raw_data(tmp_path):
    """The measured-running guess and the measured cycle come from the shipped tables."""
    import os
    import subprocess
    import sys

    code = ("from sim.model.spec import load_spec; from sim.stride.guess import data_guess; "
            "from sim.data.measured import measured_cycle; "
            "g = data_guess(load_spec(), 21); print(g.info['source'], measured_cycle().n_cycles)")
    env = {**os.environ, "STRIDESIM_DATA": str(tmp_path / "nothing-here")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [STRIDE_TABLE.name, "13"]
