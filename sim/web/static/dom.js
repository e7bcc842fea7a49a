// Small DOM and formatting helpers shared by the page's modules (text only: no HTML strings from the server).

export const SVG_NS = "http://www.w3.org/2000/svg";

/** Scenario colours (Okabe-Ito, colour-blind safe), by scenario key. */
export const COLOURS = { healthy: "#3b3b3b", hip_flexors: "#009e73", glutes: "#0072b2", both: "#d55e00" };
const SPARE = ["#cc79a7", "#e69f00", "#56b4e9", "#f0e442"];

export function colour(key, index = 0) {
  return COLOURS[key] || SPARE[index % SPARE.length];
}

/** An element with attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An SVG element with attributes. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
}

/** Removes every child of ``node``. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** A number with ``digits`` decimals and a true minus sign; "–" for a missing value. */
export function fmt(value, digits = 1) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const text = Math.abs(value).toFixed(digits);
  return (value < 0 && Number(text) !== 0 ? "\u2212" : "") + text;
}

/** A change with its sign (+1.2, −0.4, ±0). */
export function fmtChange(value, digits = 1) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (Number(Math.abs(value).toFixed(digits)) === 0) return "\u00b1" + (0).toFixed(digits);
  return (value > 0 ? "+" : "") + fmt(value, digits);
}

/** Elapsed seconds as "42 s" or "3 min 05 s". */
export function fmtElapsed(seconds) {
  if (!Number.isFinite(seconds)) return "–";
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** Fetches JSON; resolves to {ok, status, body} and never throws on an HTTP error status. */
export async function api(path, options = {}) {
  const response = await fetch(path, { credentials: "same-origin", ...options });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return { ok: response.ok, status: response.status, body };
}

/** The messages of an error body ({errors: [{field, message}]}). */
export function errorsOf(body, fallback) {
  const errors = body && Array.isArray(body.errors) ? body.errors : [];
  return errors.length ? errors : [{ field: null, message: fallback }];
}
