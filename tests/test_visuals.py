"""Educator visuals: animation (mp4/GIF), gait-cycle figures, HTML report, their CLI commands."""

from __future__ import annotations

import base64
import re
import shutil

import numpy as np
import pytest

from sim.figures.animation import Animation, animate
from sim.figures.inputs import VisualsError
from sim.figures.style import ACTIVATION_CMAP
from sim.io.storage import read_storage


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two solved run folders (20 intervals): default and stiff hip flexors with weak glutes, in one sweep folder."""
    from sim.run.config import make_config
    from sim.run.runner import run_stride

    sweep = tmp_path_factory.mktemp("sweep")
    out = []
    for name, knobs in (("default", {}), ("stiff_weak", {"hip_flexor_stiffness": 3.0, "glute_strength": 0.5})):
        status = run_stride(make_config(name=name, n_intervals=20, knobs=knobs, starts=3), sweep / name, log=lambda m: None,
                            check_residuals=False)
        assert status["converged"], status["ipopt_status"]
        out.append(sweep / name)
    return out


def _column(path, name):
    labels, rows, _ = read_storage(path)
    return rows[:, 0], rows[:, labels.index(name)]


def _no_partials(folder):
    return [p.name for p in folder.iterdir() if "partial" in p.name]


def test_mp4_has_the_asked_frames_and_size(runs, tmp_path):
    import imageio.v2 as iio

    out = tmp_path / "a.mp4"
    assert animate(runs[0], out, fps=30, duration=2.0, size=(480, 270), highlight=["glut_max"]) == out
    reader = iio.get_reader(out, format="FFMPEG")
    frames = [f for f in reader]
    reader.close()
    assert abs(len(frames) - 2.0 * 30) <= 1
    assert frames[0].shape == (270, 480, 3)
    assert frames[0].std() > 5  # something is drawn
    assert _no_partials(tmp_path) == []


def test_gif_two_runs_overlay_decodes(runs, tmp_path):
    from PIL import Image

    out = tmp_path / "b.gif"
    anim = Animation(runs, fps=10, strides=2, size=(320, 200), layout="overlay", labels=["default", "stiff"])
    expected = anim.n_frames
    assert expected == round(anim.duration * 10)
    animate(runs, out, fps=10, strides=2, size=(320, 200), layout="overlay", camera="fixed", labels=["default", "stiff"])
    with Image.open(out) as gif:
        assert gif.size == (320, 200)
        assert abs(gif.n_frames - expected) <= 1
        gif.seek(gif.n_frames - 1)
        gif.convert("RGB")
    assert _no_partials(tmp_path) == []


def test_pelvis_marker_follows_pelvis_translation(runs):
    """With a fixed camera the magenta pelvis marker's pixel position is a linear map of (pelvis_tx, pelvis_ty)."""
    anim = Animation(runs[0], fps=12, strides=2, size=(640, 360), camera="fixed")
    t, tx = _column(runs[0] / "kinematics.mot", "pelvis_tx")
    _, ty = _column(runs[0] / "kinematics.mot", "pelvis_ty")
    period, length = t[-1] - t[0], tx[-1] - tx[0]
    pixels, world = [], []
    try:
        for k in range(0, anim.n_frames, 2):
            rgb = anim.frame(k).astype(int)
            mask = (rgb[:, :, 0] > 230) & (rgb[:, :, 1] < 40) & (rgb[:, :, 2] > 230)
            assert mask.sum() > 3, f"no pelvis marker in frame {k}"
            rows, cols = np.nonzero(mask)
            pixels.append((cols.mean(), rows.mean()))
            ts = anim.sim_time[k]
            stride = np.floor(ts / period + 1e-9)
            local = ts - stride * period
            world.append((np.interp(local, t, tx) + stride * length, np.interp(local, t, ty)))
    finally:
        anim.close()
    pixels, world = np.array(pixels), np.array(world)
    assert np.ptp(world[:, 0]) > 2.0  # the runner crossed the picture
    fit_x = np.polyfit(world[:, 0], pixels[:, 0], 1)
    fit_y = np.polyfit(world[:, 1], pixels[:, 1], 1)
    assert np.abs(np.polyval(fit_x, world[:, 0]) - pixels[:, 0]).max() < 1.5
    assert np.abs(np.polyval(fit_y, world[:, 1]) - pixels[:, 1]).max() < 1.5
    assert fit_x[0] > 0 and fit_y[0] < 0  # right is forward, image rows grow downwards
    # equal scale (no distortion): the horizontal scale, which the >2 m run pins down, also
    # explains the vertical pixels; the pelvis's vertical travel alone spans too few pixels
    # for its own slope to be estimated to a few per cent
    vertical = pixels[:, 1] + fit_x[0] * world[:, 1]
    assert np.ptp(world[:, 1]) * fit_x[0] > 3.0
    assert np.abs(vertical - vertical.mean()).max() < 1.5


def test_highlighted_muscle_colour_follows_activation(runs):
    # the right-leg muscle whose activation varies most in this stride, so the colour must change
    labels, rows, _ = read_storage(runs[0] / "activations.sto")
    columns = [c for c in labels if c.endswith("_r_activation")]
    muscle = max(columns, key=lambda c: np.ptp(rows[:, labels.index(c)])).removesuffix("_activation")
    t, act = _column(runs[0] / "activations.sto", f"{muscle}_activation")
    anim = Animation(runs[0], fps=20, slowmo=2, size=(640, 360), highlight=[muscle])
    checked = []
    try:
        for k in range(anim.n_frames):
            rgb = anim.frame(k)
            artists = anim.artists[0]
            expected = ACTIVATION_CMAP(float(np.interp(anim.sim_time[k], t, act)))
            drawn = artists.highlighted.get_colors()[0]
            assert np.allclose(drawn[:3], expected[:3], atol=0.01)
            # and in the pixels: the middle of the muscle's first path segment
            path = anim.geometry[0].muscles[anim.runs[0].stride.muscles.index(muscle)][k]
            x, y = artists.ax.transData.transform(path[:2].mean(axis=0))
            pixel = rgb[int(round(rgb.shape[0] - y)), int(round(x))] / 255.0
            checked.append((np.interp(anim.sim_time[k], t, act), np.abs(pixel - np.array(expected[:3])).max()))
    finally:
        anim.close()
    levels = np.array([c[0] for c in checked])
    assert levels.max() - levels.min() > 0.3  # the colour had to change a lot
    assert np.median([c[1] for c in checked]) < 0.08


def test_gait_plots_show_the_run_data(runs, tmp_path):
    import matplotlib.pyplot as plt
    from PIL import Image

    from sim.figures.gait_plots import build_figures, plot_runs

    paths = plot_runs(runs, tmp_path / "plots", labels=["default", "stiff"])
    names = {p.name for p in paths}
    assert {"joint_angles.png", "joint_moments.png", "joint_powers.png", "grf.png", "activations.png"} <= names
    assert sum(n.startswith("activation_heatmap_") for n in names) == 2
    for p in paths:
        with Image.open(p) as image:
            assert image.size[0] >= 1200
    figures, data = build_figures(runs, ["default", "stiff"], measured=True)
    try:
        lines = {line.get_gid(): line for fig in figures.values() for ax in fig.axes for line in ax.get_lines()
                 if line.get_gid()}
        for i, run in enumerate(runs):
            t, knee = _column(run / "kinematics.mot", "knee_angle_r")
            line = lines[f"{i}:angles_deg:knee_angle_r"]
            assert np.allclose(line.get_xdata(), 100 * (t - t[0]) / (t[-1] - t[0]))
            assert np.allclose(line.get_ydata(), knee, atol=1e-6)
            _, vy = _column(run / "grf.mot", "ground_force_r_vy")
            assert np.allclose(lines[f"{i}:grf_bw:vertical"].get_ydata() * data[i].run.stride.body_weight, vy, rtol=1e-6)
            _, vasti = _column(run / "activations.sto", "vasti_r_activation")
            assert np.allclose(lines[f"{i}:activation:vasti_r"].get_ydata(), vasti, atol=1e-9)
            for joint in ("hip_flexion_r", "knee_angle_r", "ankle_angle_r", "lumbar_extension"):
                moment = lines[f"{i}:moments:{joint}"].get_ydata()
                power = lines[f"{i}:powers:{joint}"].get_ydata()
                assert np.all(np.isfinite(moment)) and np.abs(moment).max() > 0.1
                assert np.all(np.isfinite(power))
        # stance plantarflexor moment: the ankle moment is most negative while the right foot is on the ground
        ankle = data[0].moments["ankle_angle_r"]
        assert data[0].stance[int(np.argmin(ankle))]
        assert ankle.min() < -0.5
        heat = next(c for ax in figures["activation_heatmap_1_default.png"].axes for c in ax.collections
                    if c.get_gid() == "0:heatmap")
        assert heat.get_array().size == data[0].run.stride.activation.size
    finally:
        for fig in figures.values():
            plt.close(fig)


def test_report_is_one_self_contained_page(runs, tmp_path):
    from sim.apps.report import write_report

    out = write_report(runs[0].parent, tmp_path / "report.html")
    text = out.read_text()
    assert "<h2>Realism checks</h2>" in text and "<h2>Provenance</h2>" in text and "Solve_Succeeded" in text
    assert "default" in text and "stiff_weak" in text
    assert not re.search(r'src="(?!data:)', text)  # nothing linked from outside
    assert text.count("data:image/png;base64,") >= 7
    video = re.search(r'src="data:(video/mp4|image/gif);base64,([^"]+)"', text)
    assert video and len(base64.b64decode(video.group(2))) > 10_000
    assert _no_partials(tmp_path) == []


def test_a_sweep_folder_is_read_through_its_points(runs, tmp_path):
    """A sweep folder holds its run folders under points/ (with sweep.json and the study beside them)."""
    import shutil

    from sim.figures.inputs import find_runs

    for run in runs:
        shutil.copytree(run, tmp_path / "sweep" / "points" / run.name)
    (tmp_path / "sweep" / "sweep.json").write_text("{}")
    assert [p.name for p in find_runs(tmp_path / "sweep")] == sorted(run.name for run in runs)


def test_bad_input_fails_before_rendering(runs, tmp_path, monkeypatch):
    def no_render(self):
        raise AssertionError("rendering started")

    monkeypatch.setattr(Animation, "build", no_render)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(VisualsError, match="not a stridesim result"):
        animate(empty, tmp_path / "x.mp4")
    broken = tmp_path / "broken"
    shutil.copytree(runs[0], broken)
    (broken / "kinematics.mot").unlink()
    with pytest.raises(VisualsError, match="kinematics.mot"):
        animate(broken, tmp_path / "x.mp4")
    with pytest.raises(VisualsError, match=r"unknown muscle.*nonsense.*valid names: .*glut_max_r"):
        animate(runs[0], tmp_path / "x.mp4", highlight=["nonsense"])
    with pytest.raises(VisualsError, match="unknown output extension"):
        animate(runs[0], tmp_path / "x.avi")
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    with pytest.raises(VisualsError, match="not a folder"):
        animate(runs[0], blocker / "x.mp4")
    with pytest.raises(VisualsError, match="one label per run"):
        animate(runs, tmp_path / "x.gif", labels=["only one"])
    assert not any(p.suffix in (".mp4", ".gif", ".avi") for p in tmp_path.rglob("*"))


def test_failed_render_leaves_no_file(runs, tmp_path, monkeypatch):
    calls = {"n": 0}
    original = Animation.frame

    def failing(self, k):
        calls["n"] += 1
        if calls["n"] > 3:
            raise RuntimeError("boom")
        return original(self, k)

    monkeypatch.setattr(Animation, "frame", failing)
    for name in ("x.mp4", "x.gif"):
        calls["n"] = 0
        with pytest.raises(RuntimeError, match="boom"):
            animate(runs[0], tmp_path / name, fps=10, size=(320, 200))
        assert list(tmp_path.iterdir()) == []


def test_cli_commands(runs, tmp_path):
    import typer
    from typer.testing import CliRunner

    from sim.cli.visuals import animate as animate_cmd
    from sim.cli.visuals import plot, report

    app = typer.Typer()
    app.command("animate")(animate_cmd)
    app.command("plot")(plot)
    app.command("report")(report)
    runner = CliRunner()
    bad = runner.invoke(app, ["animate", str(runs[0]), "-o", str(tmp_path / "x.mp4"), "--highlight", "nope"])
    assert bad.exit_code == 2 and "error: unknown muscle(s) to highlight: nope" in bad.output
    bad = runner.invoke(app, ["plot", str(tmp_path / "missing"), "-o", str(tmp_path / "p")])
    assert bad.exit_code == 2 and "error:" in bad.output
    ok = runner.invoke(app, ["animate", str(runs[0]), str(runs[1]), "-o", str(tmp_path / "s.gif"), "--fps", "5",
                             "--width", "320", "--height", "200", "--label", "a", "--label", "b"])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "s.gif").stat().st_size > 0


def test_two_runs_are_compared_at_the_same_gait_phase(runs):
    """Side by side, every frame shows both runners at the same instant of their own cycle (each
    cycle stretched to the longest); aligned in time instead, the phases drift apart."""
    phase = Animation(runs, fps=10, strides=2, slowmo=2, size=(640, 360))
    timed = Animation(runs, fps=10, strides=2, slowmo=2, size=(640, 360), align="time")
    phase.build(), timed.build()
    strides = [r.stride.stride_time for r in phase.runs]
    assert abs(strides[0] - strides[1]) > 0.005  # the two runs really differ in stride time
    assert phase.align == "phase" and phase.n_frames > 10
    assert np.allclose(phase.geometry[0].phase, phase.geometry[1].phase, atol=1e-9)
    assert np.abs(timed.geometry[0].phase - timed.geometry[1].phase).max() > 0.05
    # and the stated times are each run's own: phase x its real stride time
    k = phase.n_frames // 3
    for i, stride_time in enumerate(strides):
        assert phase.run_time[i][k] % stride_time == pytest.approx(phase.geometry[i].phase[k] * stride_time, abs=1e-9)
    phase.close(), timed.close()


def test_highlighted_muscle_labels_never_overlap(runs):
    """Plain names and activations, one row per muscle, even when the muscles lie close together."""
    anim = Animation(runs, fps=8, strides=2, slowmo=2, size=(960, 540),
                     highlight=["calf muscles", "gluteus maximus", "iliopsoas", "hamstrings"])
    try:
        for k in range(0, anim.n_frames, 3):
            anim.frame(k)
            renderer = anim.fig.canvas.get_renderer()
            for artists in anim.artists:
                texts = artists.highlight_labels
                assert {t.get_text().split("  ")[0] for t in texts} >= {"gastrocnemius (right)", "soleus (right)",
                                                                       "gluteus maximus (right)", "psoas (right)"}
                boxes = [t.get_window_extent(renderer) for t in texts]
                for a in range(len(boxes)):
                    for b in range(a + 1, len(boxes)):
                        assert not boxes[a].overlaps(boxes[b]), (k, texts[a].get_text(), texts[b].get_text())
                assert all(re.search(r"  [01]\.\d\d$", t.get_text()) for t in texts)  # with the activation
    finally:
        anim.close()


def test_the_report_lists_every_failing_flag_first(runs, tmp_path):
    import json

    from sim.apps.report import write_report
    from sim.results.flags import evaluate

    flags = evaluate(json.loads((runs[0] / "metrics.json").read_text()))
    failing = [f["key"] for f in flags if f["ok"] is False]
    assert failing  # the coarse stride fails some (its landing skids, for one)
    text = write_report(runs[0], tmp_path / "r.html", animation=False, labels=["coarse baseline"]).read_text()
    order = re.findall(r"<tr data-flag='([^']+)'>(.*?)</tr>", text)
    assert [key for key, _ in order][:len(failing)] == sorted(failing, key=[f["key"] for f in flags].index)
    for key, row in order:
        assert ("FAIL" in row) == (key in failing), key
    assert "coarse baseline" in text and "<h2>Formulation</h2>" in text


def test_filmstrip_shows_each_runs_key_instants(runs, tmp_path):
    from sim.figures.filmstrip import filmstrip, key_instants
    from sim.figures.inputs import load_drawn_run

    run = load_drawn_run(runs[0])
    instants = key_instants(run.stride)
    on = run.stride.contact("r")
    t = run.stride.time - run.stride.time[0]
    assert instants["touchdown"] == 0.0 and on[0]
    assert instants["toe-off"] == pytest.approx(t[int(np.argmax(~on))])
    assert 0 < instants["mid-stance"] < instants["toe-off"] < instants["mid-swing"] < run.stride.stride_time
    paths = filmstrip(runs, tmp_path / "strip", labels=["a", "b"])
    assert [p.suffix for p in paths] == [".png", ".pdf"] and all(p.stat().st_size > 10_000 for p in paths)


def test_a_speed_series_figure_against_published_running(tmp_path):
    """The series figure reads a sweep's summary, keeps only converged running strides and
    writes a picture with the published points beside the simulated line."""
    import pandas as pd

    from sim.apps.series import FEATURES, series_figure, series_table

    rows = [{"speed": v, "status": "result", "gait": "running", **{c: 1.0 + v for c, _, _ in FEATURES}}
            for v in (2.5, 3.5, 4.5)]
    rows.append({"speed": 5.0, "status": "failed", "gait": "failed"})
    pd.DataFrame(rows).to_parquet(tmp_path / "summary.parquet")
    ok, table, axis = series_table(tmp_path)
    assert axis == "speed" and list(ok["speed"]) == [2.5, 3.5, 4.5] and len(table) == 4
    path = series_figure(tmp_path)
    assert path.stat().st_size > 20_000
    pd.DataFrame([{"glute_strength": 1.0, "status": "result", "gait": "running"}]).to_parquet(
        tmp_path / "summary.parquet")
    with pytest.raises(ValueError, match="not a speed or height series"):
        series_table(tmp_path)
