"""A speed series or a subject-size series against published running:
``python -m sim.apps.series SWEEP_DIR [-o FIGURE]``.

The sweep's single grid axis (``speed`` in m/s or ``height`` in m) is the x axis; each panel is
one stride feature of every converged running stride, beside measured values at the same speed
(:mod:`sim.data.published`) and the realism target band at 3.5 m/s. Writes ``series.csv`` into
the sweep folder and ``series.png`` there (or to ``-o``), and prints the table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt

import sim.figures  # noqa: F401  (chooses the headless backend)
from sim.data import published
from sim.figures.style import CONDITION_COLOURS, MEASURED_COLOUR, figure_style
from sim.io.atomic import atomic_file

#: (metrics column, panel title, target band at 3.5 m/s or None)
FEATURES = [("cadence_steps_per_min", "cadence (steps/min)", (160, 185)),
            ("stride_length_m", "stride length (m)", None),
            ("duty_factor", "duty factor", (0.30, 0.40)),
            ("peak_vertical_grf_bw", "peak vertical GRF (BW)", (2.2, 3.0)),
            ("knee_flexion_at_contact_deg", "knee flexion at contact (deg)", (5, 30)),
            ("peak_swing_knee_flexion_deg", "peak swing knee flexion (deg)", (90, 130)),
            ("pelvic_tilt_mean_deg", "mean pelvic tilt (deg, + posterior)", (-9.5, 6.5)),
            ("trunk_forward_lean_mean_deg", "trunk forward lean (deg)", (2, 15))]
AXES = {"speed": "speed (m/s)", "height": "height (m)"}


def series_table(sweep_dir: Path):
    """The converged running strides of the sweep, sorted along its axis, and the axis name."""
    import pandas as pd

    table = pd.read_parquet(sweep_dir / "summary.parquet")
    axis = next((a for a in AXES if a in table.columns), None)
    axes = list(table.columns[:list(table.columns).index("point")]) if "point" in table.columns else [axis]
    if axis is None or axes != [axis]:
        raise ValueError(f"{sweep_dir} is not a speed or height series (its grid axes: "
                         f"{', '.join(map(str, axes))}); sweep one of {', '.join(AXES)} alone")
    if "gait" not in table.columns:
        raise ValueError(f"{sweep_dir}: no grid point is solved yet")
    ok = table[(table["status"] == "result") & (table["gait"] == "running")].sort_values(axis)
    return ok, table, axis


def _measured(ax, axis: str, column: str) -> None:
    if axis != "speed":
        return
    hd = published.HAMNER_DELP_2013_SUBJECT01
    xs = [v for v in hd if column in hd[v]]
    if xs:
        ax.plot(xs, [hd[v][column] for v in xs], "s--", color=MEASURED_COLOUR, ms=6,
                label="Hamner & Delp 2013, one runner (computed)")
    if column == "cadence_steps_per_min":
        for k, (v, mean, sd, _) in enumerate(published.CADENCE_GROUPS):
            ax.errorbar(v, mean, yerr=sd, fmt="o", color="0.25", ms=5, capsize=3,
                        label="runner groups (published means)" if k == 0 else None)
    band = published.HAMNER_2010_SUBJECT02.get(column)
    if band is not None:
        ax.plot([published.HAMNER_2010_SUBJECT02["speed"]] * 2, band, color="0.25", lw=4, alpha=0.6,
                label="Hamner et al. 2010 runner, 13 cycles")


def series_figure(sweep_dir: Path, out: Path | None = None) -> Path:
    """The figure of a speed or height series; returns its path."""
    ok, _, axis = series_table(sweep_dir)
    out = out or sweep_dir / "series.png"
    with figure_style():
        fig, axes = plt.subplots(2, 4, figsize=(16, 7.5))
        for ax, (column, title, band) in zip(axes.ravel(), FEATURES, strict=True):
            if band is not None:
                ax.axhspan(*band, color="#009E73", alpha=0.10, lw=0, label="target at 3.5 m/s")
            _measured(ax, axis, column)
            if column in ok:
                ax.plot(ok[axis], ok[column], "o-", color=CONDITION_COLOURS[0], label="stridesim")
            ax.set_title(title)
            ax.set_xlabel(AXES[axis])
        handles: dict = {}
        for ax in axes.ravel():
            for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(label, h)
        fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=len(handles), frameon=False)
        if axis == "height":
            fig.text(0.5, 0.955, published.SIZE_NOTE, ha="center", fontsize=10, wrap=True)
        fig.tight_layout(rect=(0, 0.06, 1, 0.95 if axis == "height" else 1))
        with atomic_file(out) as tmp:
            fig.savefig(tmp, format="png")
        plt.close(fig)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("-o", "--out", type=Path)
    args = parser.parse_args()
    ok, table, axis = series_table(args.sweep_dir)
    columns = [axis] + [c for c, _, _ in FEATURES if c in ok]
    with atomic_file(args.sweep_dir / "series.csv") as tmp:
        ok[columns].to_csv(tmp, index=False)
    print(ok[columns].to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    failed = table[~table.index.isin(ok.index)]
    for _, row in failed.iterrows():
        print(f"{axis} {row[axis]:g}: {row['status']}, not a converged running stride (left out)")
    print(f"wrote {series_figure(args.sweep_dir, args.out)}")


if __name__ == "__main__":
    main()
