"""One figure per family of claims: each claim's quantity along its knob, the claimed direction
and the verdict, from the rows of ``hypotheses.json`` (:mod:`sim.apps.claim_study`)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

import sim.figures  # noqa: F401  (chooses the headless backend)
from sim.io.atomic import atomic_file

#: verdict -> colour of the panel's title (the same words as the text, never colour alone)
VERDICT_COLOURS = {"supported": "#1a7f37", "contradicted": "#c62828", "not supported": "#555555",
                   "not resolved by this model": "#b26a00"}
KNOB_LABELS = {"hip_flexor_stiffness": "hip-flexor tightness (knob; 1 healthy)",
               "rectus_femoris_stiffness": "rectus femoris tightness (knob; 1 healthy)",
               "glute_strength": "gluteus maximus strength (%)"}


def _panels(count: int, panel_height: float):
    """A figure with ``count`` panels, three to a row (unused ones hidden), and those panels."""
    columns = min(count, 3) or 1
    lines = (count + columns - 1) // columns or 1
    fig, axes = plt.subplots(lines, columns, figsize=(max(4.6 * columns, 8.0), panel_height * lines), dpi=110,
                             squeeze=False)
    for ax in axes.ravel()[count:]:
        ax.set_axis_off()
    return fig, axes.ravel()[:count]


def _finish(fig, title: str, path: Path) -> Path:
    """Title, lay out, write atomically and close."""
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    with atomic_file(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return path


def family_figure(rows: list[dict], family: str, path: Path) -> Path:
    """Panels of one family's claims: the kept strides' values along the knob (healthy first),
    an arrow for the claimed direction, the verdict in the title."""
    mine = [r for r in rows if r.get("family") == family and "values" in r]
    fig, axes = _panels(len(mine), 3.4)
    for ax, row in zip(axes, mine, strict=True):
        strength = row["knob"] == "glute_strength"
        x = [100 * v if strength else v for v in row["knob_values"]]
        ax.plot(x, row["values"], "o-", color="#1f77b4")
        if strength:
            ax.invert_xaxis()  # healthy (100 %) on the left, as for the hip-flexor knob
        claimed = "rises" if row["expected"] > 0 else "falls"
        ax.set_title(f"{row['label']}\nclaimed: {claimed}; {row['verdict']}", fontsize=9,
                     color=VERDICT_COLOURS.get(row["verdict"], "black"))
        ax.set_xlabel(KNOB_LABELS.get(row["knob"], row["knob"]), fontsize=8)
        ax.set_ylabel(row["unit"], fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    return _finish(fig, f"claims: {family} (healthy runner on the left; other knob healthy)", path)


def family_figures(rows: list[dict], sweep_dir: Path) -> list[Path]:
    """``claims_<family>.png`` in ``sweep_dir`` for every family of claims with numbers."""
    families = list(dict.fromkeys(r["family"] for r in rows if "values" in r))
    return [family_figure(rows, f, sweep_dir / f"claims_{f.replace(' ', '_')}.png") for f in families]


#: the two causes' lines in the comparison figures
CAUSE_STYLES = {"iliopsoas": ("#1f77b4", "o-"), "rectus femoris": ("#d95f02", "s--")}


def causes_figure(by_cause: dict[str, list[dict]], family: str, path: Path) -> Path:
    """One family's tightness claims along both causes' knobs (the same clinical severity at each
    knob value), each cause's verdict in the legend."""
    first = [r for r in next(iter(by_cause.values())) if r.get("family") == family and "values" in r]
    fig, axes = _panels(len(first), 3.6)
    for ax, row in zip(axes, first, strict=True):
        for cause, rows in by_cause.items():
            line = next((r for r in rows if r["name"] == row["name"] and "values" in r), None)
            if line is not None:
                colour, style = CAUSE_STYLES.get(cause, ("black", "o-"))
                ax.plot(line["knob_values"], line["values"], style, color=colour, label=f"{cause}: {line['verdict']}")
        claimed = "rises" if row["expected"] > 0 else "falls"
        ax.set_title(f"{row['label']}\nclaimed: {claimed}", fontsize=9)
        ax.set_xlabel("tightness knob (1 healthy; k - 1 SD tighter in the Thomas test)", fontsize=8)
        ax.set_ylabel(row["unit"], fontsize=8)
        ax.tick_params(labelsize=8)
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    return _finish(fig, f"two causes of restricted hip extension: {family} (glute strength 100 %)", path)


def causes_figures(by_cause: dict[str, list[dict]], out_dir: Path, prefix: str = "study_causes_") -> list[Path]:
    """``<prefix><family>.png`` for every family of tightness claims both causes have numbers for."""
    first = next(iter(by_cause.values()))
    families = list(dict.fromkeys(r["family"] for r in first if "values" in r and r["knob"] != "glute_strength"))
    return [causes_figure(by_cause, f, out_dir / f"{prefix}{f.replace(' ', '_')}.png") for f in families]
