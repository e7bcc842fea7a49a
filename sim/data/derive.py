"""Regenerate the embedded measured-running tables from the raw files: ``python -m sim.data.derive``.

Reads ``$STRIDESIM_DATA`` (default: the raw files shipped in ``sim/data``) and rewrites the two CSV tables in
``sim/data``. Run it only when the raw data or the derivation changes; a test compares the
shipped tables with a fresh derivation.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from sim.data import CYCLE_TABLE, RAW_SUBJECT_DIR, STRIDE_TABLE, write_table
from sim.model.spec import COORDINATES


def stride_table(subject_dir: Path = RAW_SUBJECT_DIR) -> tuple[list[str], np.ndarray, dict[str, float]]:
    """Columns, rows and header values of the mean measured stride (initial guess)."""
    from sim.data.measured import derive_measured_stride

    stride = derive_measured_stride(subject_dir / "subject02_running_ik.mot", subject_dir / "subject02_running_grf.mot")
    phase = np.linspace(0.0, 1.0, stride.cycle.shape[0])
    return (["phase", *COORDINATES], np.column_stack([phase, stride.cycle]),
            {"stride_time_s": stride.stride_time, "left_strike_phase": stride.left_strike_phase,
             "contact_time_s": stride.contact_time})


def cycle_table(subject_dir: Path = RAW_SUBJECT_DIR) -> tuple[list[str], np.ndarray, dict[str, float]]:
    """Columns, rows and header values of the mean measured gait cycle (comparison)."""
    from sim.data.measured import derive_measured_cycle, measured_cycle_table

    return measured_cycle_table(derive_measured_cycle(subject_dir / "subject02_running_ik.mot",
                                                      subject_dir / "subject02_running_grf.mot"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subject-dir", type=Path, default=RAW_SUBJECT_DIR,
                        help="folder with subject02_running_ik.mot and subject02_running_grf.mot")
    args = parser.parse_args()
    for path, (columns, rows, meta), description in (
            (STRIDE_TABLE, stride_table(args.subject_dir),
             "Mean right-to-right running stride, coordinates in SI (rad, m), knee flexion positive, "
             "pelvis_tx as measured on the treadmill; used for the initial guess."),
            (CYCLE_TABLE, cycle_table(args.subject_dir),
             "Mean right gait cycle from right heel strike: angles in degrees (knee flexion positive), "
             "right-foot GRF in body weights; used for comparison figures and RMS metrics.")):
        write_table(path, columns, rows, meta, description)
        print(f"wrote {path} ({rows.shape[0]} rows)")


if __name__ == "__main__":
    main()
