// The comparison and loads tables, the plain-language text and the caveats.

import { clear, colour, el, fmt, fmtChange } from "./dom.js";

function headCell(scenario, index) {
  const swatch = el("span", { class: "swatch" });
  swatch.style.background = colour(scenario.key, index);
  return el("th", { scope: "col", class: "num" }, swatch, scenario.title);
}

function valueCell(row, key) {
  const value = row.values ? row.values[key] : null;
  const cell = el("td", { class: "num" }, el("span", { class: "value", text: fmt(value, row.digits) }));
  if (key === "healthy" || !row.change || !(key in row.change)) return cell;
  const beyond = row.exceeds_spread ? row.exceeds_spread[key] : null;
  // the change between the values as shown, as the sentences tell it
  const shownChange = row.change_shown && key in row.change_shown ? row.change_shown[key] : row.change[key];
  const change = el("span", { class: "change", text: fmtChange(shownChange, row.digits) });
  const line = el("span", { class: "change-line" }, change);
  if (beyond === true) line.append(el("span", { class: "badge beyond", text: "beyond spread" }));
  else if (beyond === false) line.append(el("span", { class: "badge within", text: "within spread" }));
  cell.append(line);
  return cell;
}

/** A table of rows ({label, unit, digits, values, change, spread, exceeds_spread, sentence[, source]}). */
export function showTable(table, rows, scenarios) {
  clear(table);
  if (!rows || !rows.length) {
    table.append(el("tbody", {}, el("tr", {}, el("td", { class: "muted", text: "Nothing to compare." }))));
    return;
  }
  const hasSpread = rows.some((r) => r.spread !== null && r.spread !== undefined);
  table.append(el("thead", {}, el("tr", {},
    el("th", { scope: "col", text: "Measure" }), scenarios.map(headCell),
    hasSpread ? el("th", { scope: "col", class: "num", text: "Spread" }) : null)));
  const body = el("tbody");
  for (const row of rows) {
    const name = el("th", { scope: "row", title: row.sentence || "" },
      el("span", { class: "measure", text: row.label }), " ", el("span", { class: "unit", text: row.unit }));
    if (row.source) name.append(el("span", { class: "source", text: row.source }));
    body.append(el("tr", {}, name, scenarios.map((s) => valueCell(row, s.key)),
      hasSpread ? el("td", { class: "num muted" },
        row.spread === null || row.spread === undefined ? "–" : `\u00b1${fmt(row.spread, row.digits)}`) : null));
  }
  table.append(body);
}

/** The plain-language sentences. */
export function showText(list, sentences) {
  clear(list);
  for (const sentence of sentences || []) list.append(el("li", { text: sentence }));
  if (!list.childElementCount) list.append(el("li", { class: "muted", text: "No differences worth stating." }));
}

/** The caveats, one block per stride. */
export function showCaveats(container, caveats, scenarios) {
  clear(container);
  scenarios.forEach((scenario, index) => {
    const items = (caveats && caveats[scenario.key]) || [];
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = colour(scenario.key, index);
    container.append(el("div", { class: "caveat" },
      el("h3", {}, swatch, scenario.title),
      items.length ? el("ul", {}, items.map((c) => el("li", { text: c })))
        : el("p", { class: "muted", text: "No caveats for this stride." })));
  });
}
