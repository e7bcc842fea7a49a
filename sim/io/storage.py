"""OpenSim Storage files (.mot/.sto) and an external-loads XML, written and read without OpenSim."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sim.io.atomic import write_text


def write_storage(path: str | Path, time: np.ndarray, columns: Sequence[str], data: np.ndarray,
                  name: str, in_degrees: bool = False) -> Path:
    """Write an OpenSim 4 Storage file (tab separated) atomically."""
    path = Path(path)
    data = np.asarray(data, dtype=float).reshape(len(time), len(columns))
    header = [name, "version=1", f"nRows={len(time)}", f"nColumns={len(columns) + 1}",
              f"inDegrees={'yes' if in_degrees else 'no'}", "endheader", "\t".join(["time", *columns])]
    body = "\n".join("\t".join(f"{v:.10g}" for v in (t, *row)) for t, row in zip(time, data, strict=True))
    return write_text(path, "\n".join(header) + "\n" + body + "\n")


def read_storage(path: str | Path) -> tuple[list[str], np.ndarray, bool]:
    """Column labels (time first), data rows, and whether angles are in degrees."""
    lines = Path(path).read_text().splitlines()
    end = next(i for i, line in enumerate(lines) if line.strip().lower() == "endheader")
    in_degrees = any(line.replace(" ", "").lower() == "indegrees=yes" for line in lines[:end])
    labels = lines[end + 1].split()
    rows = np.array([[float(x) for x in line.split()] for line in lines[end + 2:] if line.strip()])
    return labels, rows, in_degrees


def write_external_loads(path: str | Path, grf_file: str, sides: Sequence[tuple[str, str]]) -> Path:
    """ExternalLoads XML applying each foot's GRF (ground frame) to its body, for OpenSim tools."""
    forces = "".join(
        f"""
      <ExternalForce name="{prefix}">
        <applied_to_body>{body}</applied_to_body>
        <force_expressed_in_body>ground</force_expressed_in_body>
        <point_expressed_in_body>ground</point_expressed_in_body>
        <force_identifier>{prefix}_v</force_identifier>
        <point_identifier>{prefix}_p</point_identifier>
        <torque_identifier>{prefix.replace('force', 'torque')}_</torque_identifier>
        <data_source_name>{grf_file}</data_source_name>
      </ExternalForce>""" for prefix, body in sides)
    text = f"""<?xml version="1.0" encoding="UTF-8" ?>
<OpenSimDocument Version="40000">
  <ExternalLoads name="ground_reaction_forces">
    <objects>{forces}
    </objects>
    <datafile>{grf_file}</datafile>
  </ExternalLoads>
</OpenSimDocument>
"""
    return write_text(path, text)
