"""The `stridesim model` commands, end to end."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sim.osim.bridge import run_opensim


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, timeout=600)


@pytest.mark.opensim
def test_model_build_by_height_and_mass(tmp_path):
    proc = _cli("model", "build", "--height", "1.70", "--mass", "62", "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    for name in ("runner2d.osim", "muscles.csv", "model.png", "model.json", "spec.json"):
        assert (tmp_path / name).stat().st_size > 0
    summary = json.loads((tmp_path / "model.json").read_text())
    assert summary["mass_kg"] == 62 and summary["osim_check"]["muscles"] == 24
    back = run_opensim("read_parameters", path=str(tmp_path / "runner2d.osim"))
    assert sum(b["mass"] for b in back["bodies"].values()) == pytest.approx(62.0)
    assert "Thomas test" in proc.stdout


def test_model_build_rejects_bad_height_before_work(tmp_path):
    proc = _cli("model", "build", "--height", "3.1", "--mass", "70", "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "height = 3.1 m is outside the allowed range [1.0, 2.3] m" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_model_thomas_reads_the_rectus_femoris_at_the_knee_and_refuses_values_out_of_range():
    proc = _cli("model", "thomas", "--rectus", "1", "--rectus", "4")
    assert proc.returncode == 0, proc.stderr
    knees = [float(line.split("rests at ")[1].split(" deg")[0]) for line in proc.stdout.splitlines()
             if line.startswith("rectus_femoris_stiffness")]
    assert len(knees) == 2 and knees[1] < knees[0] - 20  # a tight rectus femoris holds the knee straighter
    refused = _cli("model", "thomas", "--rectus", "7")
    assert refused.returncode != 0 and "rectus_femoris_stiffness' = 7.0 is outside its allowed range [0.0, 5.0]" in (
        refused.stderr.replace("\n", ""))
