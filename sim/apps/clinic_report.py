"""The one-page PDF of a clinic answer: inputs, angle curves, the comparison and loads tables,
the plain-language findings and the caveats (A4, text wrapped to the page)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sim.apps.clinic_answer import caveats_by_note, driver, shown, shown_change
from sim.io.atomic import atomic_file

COLOURS = {"healthy": "#1f4e79", "hip_flexors": "#2e8b57", "glutes": "#7b5ea7", "both": "#111111"}
STYLES = {"healthy": "-", "hip_flexors": "--", "glutes": ":", "both": "-"}
CURVES = ["hip_flexion_r", "pelvis_forward_tip", "lumbar_extension", "knee_flexion_r"]


def _inputs_line(inputs: dict) -> str:
    def knee(word: str) -> str:
        value = inputs.get(f"thomas_knee_{word}_deg")
        return "" if value is None else f" (knee {value:.1f} deg)"

    sides = [f"{word}: Thomas {inputs[f'thomas_angle_{word}_deg']:+.1f} deg{knee(word)}, glutes "
             f"{inputs[f'glute_strength_{word}_percent']:.0f} %" for word in ("right", "left")]
    return f"{sides[0]};  {sides[1]};  {inputs['speed_m_s']:g} m/s, {inputs['height_m']:.2f} m, {inputs['mass_kg']:.0f} kg"


def _table_lines(rows: list[dict], keys: list[str]) -> list[str]:
    lines = []
    for r in rows:
        d = r["digits"]
        values = " / ".join(shown(r["values"][k], d) for k in keys)
        change = shown_change(r, "both") if "both" in r["values"] else None
        tail = ""
        if change is not None:
            tail = f";  change {'0' if round(abs(change), d) == 0 else f'{change:+.{d}f}'}"
            beyond = (r["exceeds_spread"] or {}).get("both")
            if beyond is not None:
                tail += " (beyond the spread)" if beyond else " (within the spread)"
            word = driver(r)
            if word is not None:
                tail += {"hip flexors": ", mostly hip flexors", "glutes": ", mostly glutes",
                         "together": ", only both together", "opposed": ", each alone the opposite way"}[word]
        lines.append(f"{r['label']} ({r['unit']}): {values}{tail}")
    return lines


def _column(fig, x: float, top: float, lines: list[str], width: int, height: float) -> None:
    """Wrapped text in a column of the page, its font shrunk until it fits ``height`` (figure fraction)."""
    wrapped = [w for line in lines for w in (textwrap.wrap(line, width, subsequent_indent="   ") or [""])]
    # a line is about 1.25 font sizes high; the page is 11.69 in = 842 pt high
    size = min(6.8, height * 842 / (1.25 * max(len(wrapped), 1)))
    fig.text(x, top, "\n".join(wrapped), fontsize=size, va="top", linespacing=1.25)


def write_report(answer: dict, path: Path) -> Path:
    """Draw ``answer`` on one A4 page and write it (PDF, atomically)."""
    import matplotlib.pyplot as plt

    import sim.figures  # noqa: F401  (chooses the headless backend)

    keys = [s["key"] for s in answer["scenarios"]]
    titles = {s["key"]: s["title"] for s in answer["scenarios"]}
    fig = plt.figure(figsize=(8.27, 11.69))
    fig.text(0.06, 0.965, "stridesim clinic: what-if running stride" + (" (PREVIEW)" if answer["kind"] == "preview" else ""),
             fontsize=13, weight="bold")
    fig.text(0.06, 0.948, "\n".join(textwrap.wrap(_inputs_line(answer["inputs"]), 120)), fontsize=7.5, va="top")
    series = {s["key"]: s for s in answer["curves"]["series"]}
    percent = answer["curves"]["percent"]
    for i, key in enumerate(CURVES):
        ax = fig.add_axes([0.07 + (i % 2) * 0.47, 0.755 - (i // 2) * 0.17, 0.39, 0.125])
        for k in keys:
            ax.plot(percent, series[key]["values"][k], STYLES[k], color=COLOURS[k], lw=1.3, label=titles[k])
        ax.set_title(f"{series[key]['label']} ({series[key]['unit']})", fontsize=8)
        ax.tick_params(labelsize=6.5)
        ax.set_xlabel("% of the gait cycle from right touchdown", fontsize=6.5)
        ax.grid(alpha=0.3)
        if i == 0:
            ax.legend(fontsize=6, loc="upper right")
    head = "Values: " + " / ".join(titles[k] for k in keys)
    left = [head, ""] + _table_lines(answer["comparison"], keys) + ["", "Loads"] + _table_lines(answer["loads"], keys)
    notes = [f"{', '.join(who)}: {note}" for note, who in caveats_by_note(answer)]
    drivers = set(answer.get("drivers", []))  # the table's "mostly ..." tags say it already
    sentences = [t for t in answer["text"] if t not in drivers]
    right = ["In plain words"] + [f"- {t}" for t in sentences] + ["", "Caveats"] + [f"- {c}" for c in notes]
    _column(fig, 0.05, 0.445, left, 72, 0.415)
    _column(fig, 0.53, 0.445, right, 72, 0.415)
    with atomic_file(path) as tmp:
        fig.savefig(tmp, format="pdf")
    plt.close(fig)
    return path
