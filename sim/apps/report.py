"""One self-contained HTML page for a run folder or a sweep (a folder of run folders).

Everything is embedded (figures as base64 PNG, the animation as an mp4 data URI, or a GIF when
ffmpeg is unavailable), so the page can be mailed or archived as a single file. It shows the
solver status, the metrics and realism checks of metrics.json, the gait-cycle figures, the
animation and the provenance (versions, configuration, timings) of every run.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sim.figures.inputs import VisualsError, check_drawable, default_labels, find_runs
from sim.figures.style import condition_colour
from sim.io.atomic import write_text
from sim.results import runfolder as rf

#: metrics shown in the table: key in metrics.json, label, unit, format
METRICS = [
    ("speed_m_per_s", "speed", "m/s", ".2f"), ("stride_time_s", "stride time", "s", ".3f"),
    ("stride_length_m", "stride length", "m", ".2f"), ("cadence_steps_per_min", "cadence", "steps/min", ".0f"),
    ("duty_factor", "duty factor", "", ".2f"), ("contact_time_s", "contact time", "s", ".3f"),
    ("flight_time_s", "flight time per step", "s", ".3f"), ("peak_vertical_grf_bw", "peak vertical GRF", "BW", ".2f"),
    ("peak_braking_grf_bw", "peak braking GRF", "BW", ".2f"), ("peak_propulsive_grf_bw", "peak propulsive GRF", "BW", ".2f"),
    ("peak_hip_extension_deg", "peak hip extension", "deg", ".1f"),
    ("peak_thigh_extension_deg", "peak thigh extension", "deg", ".1f"),
    ("peak_swing_knee_flexion_deg", "peak swing knee flexion", "deg", ".1f"),
    ("pelvic_tilt_mean_deg", "mean pelvic tilt (- anterior)", "deg", ".1f"),
    ("pelvic_tilt_range_deg", "pelvic tilt range", "deg", ".1f"),
    ("lumbar_extension_mean_deg", "mean lumbar extension", "deg", ".1f"),
    ("lumbar_extension_range_deg", "lumbar extension range", "deg", ".1f"),
    ("right_toe_off_percent", "right toe-off", "% cycle", ".0f"),
]
STATUS = [("converged", "converged"), ("ipopt_status", "IPOPT status"), ("iterations", "iterations"),
          ("solve_time_s", "solve time (s)"), ("objective", "objective"), ("counts_as_result", "counts as a result")]

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1250px;margin:24px auto;
padding:0 16px;color:#222;line-height:1.4}
h1{margin-bottom:4px} h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:36px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px} th,td{border:1px solid #ddd;padding:4px 8px;
text-align:right} th{background:#f4f4f4} td:first-child,th:first-child{text-align:left}
.ok{color:#1a7f37;font-weight:600} .bad{color:#c62828;font-weight:600} .muted{color:#777}
img,video{max-width:100%;border:1px solid #eee;margin:6px 0} pre{background:#f6f6f6;padding:8px;overflow:auto;
font-size:12px} .swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px}
details{margin:6px 0}
"""


def _esc(value) -> str:
    return html.escape(str(value))


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _fmt(value, spec: str = ".3g") -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        try:
            return format(value, spec)
        except ValueError:
            return str(value)
    return "-" if value is None else _esc(value)


def _header(labels: list[str]) -> str:
    cells = "".join(f'<th><span class="swatch" style="background:{condition_colour(i)}"></span>{_esc(lab)}</th>'
                    for i, lab in enumerate(labels))
    return f"<tr><th></th>{cells}</tr>"


def _metrics_table(labels, metrics: list[dict]) -> str:
    rows = []
    for key, name, unit, spec in METRICS:
        if not any(key in m for m in metrics):
            continue
        cells = "".join(f"<td>{_fmt(m.get(key), spec)}</td>" for m in metrics)
        rows.append(f"<tr><td>{_esc(name)}{f' ({unit})' if unit else ''}</td>{cells}</tr>")
    return f"<table>{_header(labels)}{''.join(rows)}</table>"


def _flags_table(labels, metrics: list[dict]) -> str:
    """Every flag of :mod:`sim.results.flags` with its meaning and target, failing rows first."""
    from sim.results.flags import evaluate

    if not any(metrics):
        return '<p class="muted">no checks (metrics.json missing: the solve produced no stride)</p>'
    per_run = [evaluate(m) if m else [] for m in metrics]
    keys = [row["key"] for row in next(r for r in per_run if r)]
    failures = {k: sum(1 for rows in per_run for row in rows if row["key"] == k and row["ok"] is False) for k in keys}
    rows = []
    for key in sorted(keys, key=lambda k: -failures[k]):  # failing rows first (stable otherwise)
        cells, meaning, target = [], "", ""
        for run_rows in per_run:
            row = next((r for r in run_rows if r["key"] == key), None)
            if row is None or row["ok"] is None:
                cells.append("<td>-</td>")
                continue
            meaning, target = row["meaning"], row["target"]
            cls, mark = ("ok", "pass") if row["ok"] else ("bad", "FAIL")
            cells.append(f'<td><span class="{cls}">{mark}</span> {_fmt(_shown(row["value"]))}</td>')
        rows.append(f"<tr data-flag='{_esc(key)}'><td><b>{_esc(key)}</b>: {_esc(meaning)} <span class='muted'>"
                    f"(target {_esc(target)})</span></td>{''.join(cells)}</tr>")
    rms = [m.get("rms_vs_measured", {}) for m in metrics]
    rms_keys = list(dict.fromkeys(k for r in rms for k in r if k.endswith(("_deg", "_bw"))))
    for key in rms_keys:
        cells = "".join(f"<td>{_fmt(r.get(key))}</td>" for r in rms)
        rows.append(f"<tr><td>RMS vs the measured runner: {_esc(key)}</td>{cells}</tr>")
    return f"<table>{_header(labels)}{''.join(rows)}</table>"


def _flag_summary(labels, metrics: list[dict]) -> str:
    """One line per run at the top of the page: how many checks fail, and which."""
    from sim.results.flags import evaluate

    lines = []
    for label, m in zip(labels, metrics, strict=True):
        if not m:
            lines.append(f"<li><b>{_esc(label)}</b>: <span class='bad'>no stride to check</span></li>")
            continue
        rows = [r for r in evaluate(m) if r["ok"] is not None]
        failing = [r["key"] for r in rows if not r["ok"]]
        verdict = (f"<span class='bad'>fails {len(failing)} of {len(rows)} checks</span>: {_esc(', '.join(failing))}"
                   if failing else f"<span class='ok'>passes all {len(rows)} checks</span>")
        lines.append(f"<li><b>{_esc(label)}</b> {verdict}</li>")
    return "<ul>" + "".join(lines) + "</ul>"


def _read_list(path: Path) -> list:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return []


def _verdicts(rows: list[dict]) -> str:
    """The study's claims: what runners are told, the model's change from healthy to the far end of
    the knob, the grid steps that go the claimed way, the resolution, and the verdict with why."""
    out = ["<table><tr><th>what runners are told</th><th>measure</th><th>change</th><th>steps the claimed way</th>"
           "<th>resolution</th><th>verdict</th></tr>"]
    for r in rows:
        if "change" not in r:
            out.append(f"<tr><td>{_esc(r.get('told'))}</td><td>{_esc(r.get('label'))}</td><td>-</td><td>-</td>"
                       f"<td>-</td><td>{_esc(r.get('verdict'))}</td></tr>")
            continue
        cls = {"supported": "ok", "contradicted": "bad"}.get(r["verdict"], "muted")
        out.append(f"<tr><td>{_esc(r['told'])}</td><td>{_esc(r['label'])}</td><td>{r['values'][0]:.3g} -> "
                   f"{r['values'][-1]:.3g} {_esc(r['unit'])}</td><td>{_esc(r['steps_in_claimed_direction'])}</td>"
                   f"<td>{r['resolution']:.2g}</td><td class='{cls}' title='{_esc(r['reason'])}'>{_esc(r['verdict'])}"
                   f"<br><span class='muted' style='font-weight:normal'>{_esc(r['reason'])}</span></td></tr>")
    out.append("</table><p class='muted'>Each claim is read along one knob with the other at its healthy value. "
               "Resolution: the spread of the measure among the strides that reached the best cost within 1 % at "
               "the two ends; a change within it is no effect.</p>")
    return "".join(out)


def _shown(value):
    """A flag's value for people: lists and mappings as words."""
    if isinstance(value, list):
        return ", ".join(value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} ({v})" for k, v in value.items()) or "none"
    return value


def _formulation(labels, statuses: list[dict]) -> str:
    """The cost of each run: goal weights and options, as recorded in status.json."""
    parts = []
    for label, status in zip(labels, statuses, strict=True):
        f = status.get("formulation")
        if not f:
            parts.append(f"<p><b>{_esc(label)}</b>: not recorded</p>")
            continue
        weights = ", ".join(f"{k} {v:g}" for k, v in f.get("cost_weights", {}).items() if v)
        extras = ", ".join(f"{k} {v}" for k, v in f.items() if k != "cost_weights" and v not in (None, False))
        parts.append(f"<p><b>{_esc(label)}</b>: goals {_esc(weights)}; {_esc(extras)}</p>")
    return "".join(parts)


def _status_table(labels, statuses: list[dict]) -> str:
    rows = []
    for key, name in STATUS:
        cells = []
        for s in statuses:
            value = s.get(key)
            cls = ""
            if key in ("converged", "counts_as_result") and isinstance(value, bool):
                cls = ' class="ok"' if value else ' class="bad"'
            cells.append(f"<td{cls}>{_fmt(value, '.4g')}</td>")
        rows.append(f"<tr><td>{name}</td>{''.join(cells)}</tr>")
    cells = "".join(f"<td>{_esc(s.get('gait', {}).get('label', '-'))}</td>" for s in statuses)
    rows.append(f"<tr><td>gait classified as</td>{cells}</tr>")
    terms = sorted({k for s in statuses for k in s.get("objective_terms", {})})
    for term in terms:
        cells = "".join(f"<td>{_fmt(s.get('objective_terms', {}).get(term), '.4g')}</td>" for s in statuses)
        rows.append(f"<tr><td class='muted'>objective: {_esc(term)}</td>{cells}</tr>")
    return f"<table>{_header(labels)}{''.join(rows)}</table>"


def _provenance(labels, paths, statuses, configs) -> str:
    parts = []
    for label, path, status, config in zip(labels, paths, statuses, configs, strict=True):
        versions = status.get("versions", {})
        timings = status.get("timings_s", {})
        vtext = ", ".join(f"{k} {v}" for k, v in versions.items()) or "unknown"
        ttext = ", ".join(f"{k} {v:.2f} s" for k, v in timings.items() if isinstance(v, (int, float))) or "unknown"
        parts.append(f"<details><summary><b>{_esc(label)}</b> - {_esc(path)}</summary>"
                     f"<p>versions: {_esc(vtext)}<br>timings: {_esc(ttext)}</p>"
                     f"<pre>{_esc(json.dumps(config, indent=2))}</pre></details>")
    return "".join(parts)


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _animation_html(paths: list[Path], labels: list[str], log: Callable[[str], None]) -> str:
    from sim.figures.animation import Animation
    from sim.figures.video import check_output

    shown = paths[:4]
    layout = "side" if len(shown) <= 3 else "overlay"
    width = 960 if len(shown) == 1 else 1280
    try:
        import imageio_ffmpeg

        imageio_ffmpeg.get_ffmpeg_exe()
        suffix, mime = ".mp4", "video/mp4"
    except Exception:
        suffix, mime = ".gif", "image/gif"
    with tempfile.TemporaryDirectory(prefix="stridesim_report_") as tmp:
        target = Path(tmp) / f"animation{suffix}"
        size = (width, 540) if suffix == ".mp4" else (min(width, 800), 400)
        fps = 25 if suffix == ".mp4" else 15
        animation = Animation(shown, fps=fps, strides=2, size=size, labels=labels[:4], layout=layout, slowmo=2.5)
        check_output(target, animation.size)
        t0 = time.perf_counter()
        animation.write(target)
        log(f"animation rendered in {time.perf_counter() - t0:.1f} s")
        data = base64.b64encode(target.read_bytes()).decode("ascii")
    note = "" if len(paths) <= 4 else f'<p class="muted">first 4 of {len(paths)} runs shown</p>'
    caption = ("<p class='muted'>2 strides, slow motion x2.5; muscles coloured by activation, arrows: ground "
               "reaction force (1 body weight = 0.2 m).</p>")
    if mime == "video/mp4":
        return f'{note}<video controls autoplay loop muted playsinline src="data:{mime};base64,{data}"></video>{caption}'
    return f'{note}<img alt="animation" src="data:{mime};base64,{data}">{caption}'


def write_report(path_in: str | Path, out_html: str | Path, animation: bool = True, measured: bool = True,
                 labels: list[str] | None = None,
                 log: Callable[[str], None] = lambda message: None) -> Path:
    """Write the HTML report of a run folder or a sweep folder to ``out_html``; return its path."""
    out_html = Path(out_html)
    if out_html.suffix.lower() not in (".html", ".htm"):
        raise VisualsError(f"report output must end in .html, got {out_html}")
    if out_html.is_dir():
        raise VisualsError(f"report output {out_html} is a folder")
    if out_html.parent.exists() and not out_html.parent.is_dir():
        raise VisualsError(f"cannot write {out_html}: {out_html.parent} is not a folder")
    try:
        out_html.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VisualsError(f"cannot create the output folder {out_html.parent}: {exc.strerror or exc}") from None
    if not os.access(out_html.parent, os.W_OK):
        raise VisualsError(f"cannot write {out_html}: folder not writable")
    paths = find_runs(path_in)
    labels = default_labels(paths, labels)
    statuses = [_read(p / rf.STATUS) for p in paths]
    configs = [_read(p / rf.CONFIG) for p in paths]
    metrics = [_read(p / rf.METRICS) for p in paths]
    drawable, skipped = [], []
    for p, label in zip(paths, labels, strict=True):
        try:
            check_drawable(p)
            drawable.append((p, label))
        except VisualsError as exc:
            skipped.append(f"<li>{_esc(label)}: {_esc(exc)}</li>")
    sections = []
    kind = "sweep" if len(paths) > 1 or Path(path_in).resolve() not in [p.resolve() for p in paths] else "run"
    title = f"stridesim {kind}: {Path(path_in).resolve().name}"
    sections.append(f"<h1>{_esc(title)}</h1><p class='muted'>{len(paths)} run(s) in {_esc(Path(path_in).resolve())}; "
                    f"written {time.strftime('%Y-%m-%d %H:%M:%S')}</p>")
    if skipped:
        sections.append(f"<p class='bad'>not drawable (listed in the tables only):</p><ul>{''.join(skipped)}</ul>")
    sections.append(_flag_summary(labels, metrics))
    sections.append("<h2>Solver status</h2>" + _status_table(labels, statuses))
    sections.append("<h2>Realism checks</h2><p class='muted'>Every check of the run's metrics.json, failing rows "
                    "first.</p>" + _flags_table(labels, metrics))
    hypotheses = Path(path_in) / "hypotheses.json"
    if hypotheses.is_file():
        sections.append("<h2>Study verdicts</h2>" + _verdicts(_read_list(hypotheses)))
    if drawable and animation:
        log("rendering the animation")
        sections.append("<h2>Animation</h2>" + _animation_html([p for p, _ in drawable], [lab for _, lab in drawable],
                                                               log))
    sections.append("<h2>Gait metrics</h2>" + _metrics_table(labels, metrics))
    sections.append("<h2>Formulation</h2>" + _formulation(labels, statuses))
    if drawable:
        import matplotlib.pyplot as plt

        from sim.figures.gait_plots import build_figures

        log("drawing the gait-cycle figures")
        figures, _ = build_figures([p for p, _ in drawable], [lab for _, lab in drawable], measured)
        images = []
        try:
            for name, fig in figures.items():
                images.append(f'<figure><img alt="{_esc(name)}" src="data:image/png;base64,{_png(fig)}"></figure>')
        finally:
            for fig in figures.values():
                plt.close(fig)
        sections.append("<h2>Gait cycle</h2>" + "".join(images))
    sections.append("<h2>Provenance</h2>" + _provenance(labels, paths, statuses, configs))
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_esc(title)}</title>"
            f"<style>{CSS}</style></head><body>{''.join(sections)}</body></html>\n")
    return write_text(out_html, page)
