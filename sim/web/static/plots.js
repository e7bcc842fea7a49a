// Curves over the gait cycle as inline SVG, the legend, and the "who propels" bars (no plotting library).

import { clear, colour, el, fmt, svg } from "./dom.js";

const W = 300, H = 200, M = { left: 42, right: 10, top: 30, bottom: 30 };

/** About ``n`` round tick values covering [lo, hi]. */
export function niceTicks(lo, hi, n = 4) {
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toFixed(10)));
  return { ticks, step };
}

/** A legend: one swatch per scenario. */
export function legend(scenarios) {
  return el("ul", { class: "legend-list" }, scenarios.map((s, i) => {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = colour(s.key, i);
    return el("li", {}, swatch, s.title);
  }));
}

/** One small plot of a series over the gait cycle, a line per scenario. */
function plot(series, percent, scenarios) {
  const keys = scenarios.map((s) => s.key).filter((k) => series.values && k in series.values);
  const all = keys.flatMap((k) => series.values[k]).filter(Number.isFinite);
  let lo = Math.min(...all), hi = Math.max(...all);
  if (series.kind === "power") { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
  const { ticks, step } = niceTicks(lo, hi, 4);
  let digits = 0;
  while (digits < 4 && Math.abs(step * 10 ** digits - Math.round(step * 10 ** digits)) > 1e-6) digits++;
  lo = Math.min(lo, ticks[0]);
  hi = Math.max(hi, ticks[ticks.length - 1]);
  const x = (p) => M.left + ((p - percent[0]) / (percent[percent.length - 1] - percent[0])) * (W - M.left - M.right);
  const y = (v) => H - M.bottom - ((v - lo) / (hi - lo || 1)) * (H - M.top - M.bottom);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "plot", role: "img",
    "aria-label": `${series.label} (${series.unit}) over the gait cycle for ${scenarios.map((s) => s.title).join(", ")}` });
  root.append(svg("text", { x: M.left - 34, y: 16, class: "plot-title" }, series.label,
    svg("tspan", { class: "plot-unit", dx: 6 }, series.unit)));
  for (const t of ticks) {
    root.append(svg("line", { x1: M.left, x2: W - M.right, y1: y(t), y2: y(t), class: t === 0 ? "zero" : "grid" }));
    root.append(svg("text", { x: M.left - 6, y: y(t) + 4, class: "tick-label", "text-anchor": "end" }, fmt(t, digits)));
  }
  for (const p of [0, 25, 50, 75, 100]) {
    root.append(svg("line", { x1: x(p), x2: x(p), y1: H - M.bottom, y2: H - M.bottom + 4, class: "axis" }));
    root.append(svg("text", { x: x(p), y: H - M.bottom + 16, class: "tick-label", "text-anchor": "middle" },
      p === 100 ? "100 %" : String(p)));
  }
  root.append(svg("line", { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: "axis" }));
  keys.forEach((key, i) => {
    const values = series.values[key];
    let d = "";
    values.forEach((v, j) => {
      if (!Number.isFinite(v)) return;
      d += `${d && Number.isFinite(values[j - 1]) ? "L" : "M"}${x(percent[j]).toFixed(1)},${y(v).toFixed(1)}`;
    });
    const index = scenarios.findIndex((s) => s.key === key);
    root.append(svg("path", { d, class: `curve${key === "healthy" ? " healthy" : ""}`, stroke: colour(key, index) },
      svg("title", {}, scenarios[index].title)));
  });
  return root;
}

/** Small multiples of the curves of one kind ("angle" or "power"). */
export function showCurves(container, curves, scenarios, kind) {
  clear(container);
  const series = (curves && curves.series ? curves.series : []).filter((s) => s.kind === kind);
  if (!series.length) {
    container.append(el("p", { class: "muted", text: "No curves in this answer." }));
    return;
  }
  container.append(legend(scenarios));
  const grid = el("div", { class: "plot-grid" });
  for (const s of series) grid.append(el("figure", { class: "plot-box" }, plot(s, curves.percent, scenarios)));
  container.append(grid);
}

/** "Who propels": for each muscle group a bar per scenario with its share of the propulsion. */
export function showShares(container, shares, scenarios) {
  clear(container);
  const keys = scenarios.map((s) => s.key).filter((k) => shares && k in shares);
  if (!keys.length) {
    container.append(el("p", { class: "muted", text: "No propulsion shares in this answer." }));
    return;
  }
  const groups = [...new Set(keys.flatMap((k) => Object.keys(shares[k])))];
  const top = Math.max(1e-9, ...keys.flatMap((k) => Object.values(shares[k]).map((v) => Math.abs(v))));
  container.append(legend(scenarios.filter((s) => keys.includes(s.key))));
  const grid = el("div", { class: "share-grid" });
  container.append(grid);
  for (const group of groups) {
    const rows = keys.map((key) => {
      const value = shares[key][group];
      const bar = el("span", { class: "bar" });
      const index = scenarios.findIndex((s) => s.key === key);
      bar.style.width = `${Number.isFinite(value) ? (Math.abs(value) / top) * 100 : 0}%`;
      bar.style.background = colour(key, index);
      const title = scenarios[index].title;
      return el("div", { class: "bar-line", title: `${title}: ${fmt(100 * value, 0)} %` },
        el("span", { class: "sr-only", text: `${title}:` }), el("span", { class: "bar-track" }, bar),
        el("span", { class: "bar-value", text: `${fmt(100 * value, 0)} %` }));
    });
    grid.append(el("div", { class: "share", role: "group", "aria-label": group },
      el("div", { class: "share-name", text: group }), rows));
  }
}
