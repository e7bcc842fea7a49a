// Stick-figure runners on <canvas>, one per scenario, animated at the same gait phase.

import { clear, colour, el } from "./dom.js";

const SLOW_MOTION = 3;
const HEIGHT_PX = 220;

function isFarSide(name) {
  return /(_l$|_l_|left)/i.test(name);
}

/** Forward progression of a run: least-squares line through the mean x of its points, per frame. */
function progression(points, count) {
  const names = Object.keys(points);
  const mean = [];
  for (let i = 0; i < count; i++) mean.push(names.reduce((s, n) => s + points[n][i][0], 0) / names.length);
  const tm = (count - 1) / 2;
  const xm = mean.reduce((a, b) => a + b, 0) / count;
  let num = 0, den = 0;
  mean.forEach((x, i) => { num += (i - tm) * (x - xm); den += (i - tm) ** 2; });
  const slope = den ? num / den : 0;
  return (i) => xm + slope * (i - tm);
}

export class Runners {
  constructor(container, playButton, phaseInput, phaseOut) {
    this.container = container;
    this.playButton = playButton;
    this.phaseInput = phaseInput;
    this.phaseOut = phaseOut;
    this.views = [];
    this.phase = 0;
    this.playing = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.last = null;
    playButton.addEventListener("click", () => this.setPlaying(!this.playing));
    phaseInput.addEventListener("input", () => {
      this.setPlaying(false);
      this.phase = Number(phaseInput.value) / 100;
      this.draw();
    });
    window.addEventListener("resize", () => this.layout());
    this.tick = this.tick.bind(this);
    this.setPlaying(this.playing);
  }

  setPlaying(playing) {
    this.playing = playing;
    this.playButton.textContent = playing ? "Pause" : "Play";
    this.playButton.setAttribute("aria-pressed", playing ? "true" : "false");
    this.last = null;
    if (playing && !this.frame) this.frame = requestAnimationFrame(this.tick);
  }

  /** Builds one canvas per scenario for the answer's frames. */
  show(answer) {
    const frames = answer.frames;
    clear(this.container);
    this.views = [];
    if (!frames || !frames.count || !frames.runs) return;
    this.count = frames.count;
    this.segments = frames.segments || [];
    this.speed = (answer.inputs && answer.inputs.speed_m_s) || 0;
    const titles = Object.fromEntries((answer.scenarios || []).map((s) => [s.key, s.title]));
    const keys = (answer.scenarios || []).map((s) => s.key).filter((k) => k in frames.runs);
    let xmin = Infinity, xmax = -Infinity, ymax = -Infinity, ymin = 0;
    keys.forEach((key, index) => {
      const run = frames.runs[key];
      const ref = progression(run.points, this.count);
      for (const track of Object.values(run.points)) {
        track.forEach(([x, y], i) => {
          xmin = Math.min(xmin, x - ref(i)); xmax = Math.max(xmax, x - ref(i));
          ymin = Math.min(ymin, y); ymax = Math.max(ymax, y);
        });
      }
      const canvas = el("canvas", { role: "img", "aria-label": `Stick figure of the stride: ${titles[key] || key}` });
      const caption = el("figcaption", {},
        el("span", { class: "swatch", "data-key": key }),
        el("span", { class: "caption-text" }, el("strong", { text: titles[key] || key }),
          el("span", { class: "stride-time", text: `stride ${run.stride_time_s.toFixed(2)} s` })));
      caption.firstChild.style.background = colour(key, index);
      this.container.append(el("figure", { class: "runner" }, canvas, caption));
      this.views.push({ key, run, ref, canvas, colour: colour(key, index) });
    });
    const pad = 0.12;
    this.box = { xmin: xmin - pad, xmax: xmax + pad, ymin: ymin - 0.05, ymax: ymax + pad };
    const healthy = frames.runs.healthy || frames.runs[keys[0]];
    this.period = (healthy ? healthy.stride_time_s : 0.7) * SLOW_MOTION;
    this.layout();
    if (this.playing && !this.frame) this.frame = requestAnimationFrame(this.tick);
  }

  layout() {
    const ratio = window.devicePixelRatio || 1;
    for (const view of this.views) {
      const width = view.canvas.parentElement.clientWidth || 200;
      view.canvas.width = Math.round(width * ratio);
      view.canvas.height = Math.round(HEIGHT_PX * ratio);
      view.canvas.style.height = `${HEIGHT_PX}px`;
    }
    this.draw();
  }

  tick(now) {
    this.frame = null;
    if (!this.playing) return;
    if (this.last !== null && this.period) this.phase = (this.phase + (now - this.last) / 1000 / this.period) % 1;
    this.last = now;
    this.draw();
    if (this.views.length) this.frame = requestAnimationFrame(this.tick);
  }

  draw() {
    const percent = Math.round(this.phase * 100);
    this.phaseInput.value = String(percent);
    this.phaseOut.textContent = `${percent} %`;
    for (const view of this.views) this.drawView(view);
  }

  drawView(view) {
    const { canvas, run, ref } = view;
    const ctx = canvas.getContext("2d");
    const w = canvas.width, h = canvas.height, box = this.box;
    const scale = Math.min(w / (box.xmax - box.xmin), h / (box.ymax - box.ymin));
    const ox = (w - scale * (box.xmax - box.xmin)) / 2 - scale * box.xmin;
    const oy = h + scale * box.ymin;
    const at = this.phase * this.count;
    const i0 = Math.floor(at) % this.count, i1 = (i0 + 1) % this.count, f = at - Math.floor(at);
    const point = (name) => {
      const track = run.points[name];
      if (!track) return null;
      const [x0, y0] = track[i0], [x1, y1] = track[i1];
      const x = (1 - f) * (x0 - ref(i0)) + f * (x1 - ref(i1));
      const y = (1 - f) * y0 + f * y1;
      return [ox + scale * x, oy - scale * y];
    };
    ctx.clearRect(0, 0, w, h);
    this.drawGround(ctx, w, oy, scale, run);
    const ratio = window.devicePixelRatio || 1;
    const segments = [...this.segments].sort((a, b) => Number(isFarSide(b.join())) - Number(isFarSide(a.join())));
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (const [a, b] of segments) {
      const pa = point(a), pb = point(b);
      if (!pa || !pb) continue;
      const far = isFarSide(a) || isFarSide(b);
      ctx.globalAlpha = far ? 0.38 : 1;
      ctx.strokeStyle = view.colour;
      ctx.lineWidth = (far ? 4 : 5) * ratio;
      ctx.beginPath();
      ctx.moveTo(pa[0], pa[1]);
      ctx.lineTo(pb[0], pb[1]);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    const head = point("head");
    if (head) {
      ctx.fillStyle = view.colour;
      ctx.beginPath();
      ctx.arc(head[0], head[1], 0.085 * scale, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  drawGround(ctx, w, y, scale, run) {
    const ratio = window.devicePixelRatio || 1;
    ctx.strokeStyle = "#9aa5b1";
    ctx.lineWidth = 1.5 * ratio;
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(w, y);
    ctx.stroke();
    const spacing = 0.25 * scale;
    const travelled = this.speed * run.stride_time_s * this.phase * scale;
    ctx.lineWidth = 1 * ratio;
    for (let x = -((travelled % spacing) + spacing); x < w + spacing; x += spacing) {
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x - 6 * ratio, y + 8 * ratio);
      ctx.stroke();
    }
  }
}
