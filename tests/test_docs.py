"""`stridesim docs`: the generated tables of the docs come from results and replace only their block."""

from __future__ import annotations

import json

import numpy as np

from sim.apps.docs import regenerate, replace_block

PAGE = """# Validation

Prose that stays.

<!-- BEGIN generated: stridesim docs validation -->
an old table
<!-- END generated -->

More prose.
"""


def _run_folder(path, cadence: float):
    path.mkdir()
    (path / "config.json").write_text("{}")
    (path / "status.json").write_text(json.dumps({"ipopt_status": "Solve_Succeeded", "iterations": 42,
                                                  "objective": 0.5, "gait": {"label": "running"}}))
    (path / "metrics.json").write_text(json.dumps({"cadence_steps_per_min": cadence, "duty_factor": 0.345,
                                                   "flight_phase": True, "coordinates_at_range_limit": {},
                                                   "rms_vs_measured": {"knee_angle_r_deg": 12.34}}))
    np.savez(path / "solution.npz", q=np.zeros((2, 10)))
    return path


def test_validation_table_is_regenerated_from_a_run_folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "validation.md").write_text(PAGE)
    written = regenerate(_run_folder(tmp_path / "run", 177.6), docs=docs)
    text = (docs / "validation.md").read_text()
    assert written == [docs / "validation.md"]
    assert "an old table" not in text and "Prose that stays." in text and text.endswith("More prose.\n")
    row = next(line for line in text.splitlines() if line.startswith("| cadence"))
    assert row.endswith("| 178 (met) |")  # the run's value, rounded as shown, judged against its target
    assert "| knee flexion | at most 15 | 12.3 (met) |" in text
    assert "| duty factor | 0.30-0.40 | 0.29-0.36 | 0.34 (met) |" in text
    assert "| coordinates on their optimization bound | none |  | none (met) |" in text
    assert "| peak vertical GRF (BW) | 2.2-3.0 | 2.25-2.43 | - |" in text  # not in this run's metrics


def test_a_page_without_markers_is_left_alone(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("no markers here\n")
    assert not replace_block(page, "validation", "table")
    assert page.read_text() == "no markers here\n"


def test_the_study_figures_are_the_sweeps_own(tmp_path):
    """The page's heat maps and claim figures are copied from the sweep folder it is generated from."""
    from sim.apps.docs import _study_figures

    sweep, docs = tmp_path / "sweep", tmp_path / "docs"
    sweep.mkdir()
    docs.mkdir()
    (sweep / "heatmaps.png").write_bytes(b"heat")
    (sweep / "claims_propulsion.png").write_bytes(b"claims")
    (docs / "study_heatmaps.png").write_bytes(b"old")
    written = _study_figures(sweep, docs)
    assert written == [docs / "study_heatmaps.png", docs / "study_claims_propulsion.png"]
    assert (docs / "study_heatmaps.png").read_bytes() == b"heat"
    assert (docs / "study_claims_propulsion.png").read_bytes() == b"claims"
    assert sorted(p.name for p in docs.iterdir()) == ["study_claims_propulsion.png", "study_heatmaps.png"]
