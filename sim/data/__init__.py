"""Small tables derived from measured running, shipped with the package.

The raw files (Hamner, Seth & Delp 2010, subject 02) ship in ``hamner2010_subject02/`` with
their attribution; ``STRIDESIM_DATA`` may point to another copy. At run time only two tables
derived from them are read: the mean measured stride (initial guess) and the mean gait cycle
(comparison figures and RMS metrics), as CSV at full double precision, so that the baseline
reproduces bit for bit. ``python -m sim.data.derive`` regenerates them from the raw files; a
test checks that they still match.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from sim.io.atomic import write_text

TABLE_DIR = Path(__file__).resolve().parent
#: raw measured data: the copy shipped with the package unless STRIDESIM_DATA names another folder
RAW_DATA_DIR = Path(os.environ.get("STRIDESIM_DATA", TABLE_DIR))
RAW_SUBJECT_DIR = RAW_DATA_DIR / "hamner2010_subject02"
RAW_IK_FILE = RAW_SUBJECT_DIR / "subject02_running_ik.mot"
RAW_GRF_FILE = RAW_SUBJECT_DIR / "subject02_running_grf.mot"
STATIC_TRIAL_FILE = RAW_SUBJECT_DIR / "subject02_static.trc"

STRIDE_TABLE = TABLE_DIR / "hamner2010_subject02_stride.csv"
CYCLE_TABLE = TABLE_DIR / "hamner2010_subject02_cycle.csv"

ATTRIBUTION = ("Derived from Hamner, Seth & Delp (2010), J Biomech 43:2709, subject 02 running "
               "(opensim-models, Pipelines/Hamner).")


def write_table(path: Path, columns: list[str], data: np.ndarray, meta: dict[str, float], description: str) -> Path:
    """Write a CSV with ``# key = value`` header lines; 17 significant digits round-trip exactly."""
    lines = [f"# {ATTRIBUTION}", f"# {description}", "# Regenerate: python -m sim.data.derive"]
    lines += [f"# {key} = {value!r}" for key, value in meta.items()]
    lines.append(",".join(columns))
    lines += [",".join(f"{v:.17g}" for v in row) for row in np.asarray(data, dtype=float)]
    return write_text(path, "\n".join(lines) + "\n")


def read_table(path: Path) -> tuple[list[str], np.ndarray, dict[str, float]]:
    """Columns, rows and header values of a table written by :func:`write_table`."""
    meta: dict[str, float] = {}
    rows: list[list[float]] = []
    columns: list[str] = []
    for line in Path(path).read_text().splitlines():
        if line.startswith("#"):
            key, sep, value = line[1:].partition(" = ")
            if sep:
                meta[key.strip()] = float(value)
        elif not columns:
            columns = line.split(",")
        elif line.strip():
            rows.append([float(x) for x in line.split(",")])
    return columns, np.array(rows), meta
