// The clinical inputs form, built from /api/fields: sliders with number boxes, marks, help and error lines.

import { clear, el } from "./dom.js";

const GROUPS = [["right", "Right leg"], ["left", "Left leg"], ["runner", "Runner"]];
const THUMB_PX = 18; // keep equal to the range thumb width in style.css

function decimals(step) {
  const text = String(step);
  return text.includes(".") ? text.split(".")[1].length : 0;
}

function rangeText(spec) {
  return `${spec.minimum} to ${spec.maximum}${spec.unit ? " " + spec.unit : ""}`;
}

/** The partner of a right- or left-side field (thomas_angle_right_deg <-> thomas_angle_left_deg), if any. */
function partner(name, fields) {
  const other = name.includes("_right") ? name.replace("_right", "_left") : name.replace("_left", "_right");
  return other !== name && other in fields ? other : null;
}

export class InputsForm {
  constructor(container, fields, sameSides) {
    this.fields = fields;
    this.controls = {};
    this.sameSides = sameSides;
    clear(container);
    for (const [group, title] of GROUPS) {
      const names = Object.keys(fields).filter((n) => fields[n].group === group);
      if (!names.length) continue;
      const set = el("fieldset", { class: `group group-${group}` }, el("legend", { text: title }));
      for (const name of names) set.append(this.field(name, fields[name], title));
      container.append(set);
    }
    sameSides.addEventListener("change", () => {
      if (sameSides.checked) for (const name of Object.keys(fields)) if (fields[name].group === "right") this.mirror(name);
    });
  }

  field(name, spec, groupTitle) {
    const id = `f-${name}`;
    const digits = decimals(spec.step);
    const label = el("label", { for: id, id: `${id}-label`, text: spec.label });
    // an optional input (a reading that may not have been taken) starts empty, its slider at slider_start
    const number = el("input", {
      type: "number", id, name, min: spec.minimum, max: spec.maximum, step: spec.step, inputmode: "decimal",
      value: spec.default === null ? "" : Number(spec.default).toFixed(digits),
      "aria-describedby": `${id}-help ${id}-error`, ...(spec.optional ? { placeholder: "\u2014" } : {}),
    });
    const range = el("input", {
      type: "range", id: `${id}-range`, min: spec.minimum, max: spec.maximum, step: spec.step,
      value: spec.default ?? spec.slider_start,
      "aria-label": `${spec.label}, ${groupTitle.toLowerCase()} (slider)`, "aria-describedby": `${id}-help`,
    });
    const error = el("p", { class: "field-error", id: `${id}-error` });
    const marks = this.marks(spec);
    const box = el("div", { class: "field", "data-field": name },
      el("div", { class: "field-head" }, label, el("span", { class: "range-hint", text: rangeText(spec) })),
      el("div", { class: "field-controls" },
        el("div", { class: "slider" }, range, marks),
        el("div", { class: "number" }, number, el("span", { class: "unit", text: spec.unit }))),
      el("p", { class: this.repeatsHelp(name) ? "help sr-only" : "help", id: `${id}-help`, text: spec.help }),
      error);
    range.addEventListener("input", () => {
      number.value = Number(range.value).toFixed(digits);
      this.check(name);
      this.mirror(name);
    });
    number.addEventListener("input", () => {
      const value = Number(number.value);
      if (number.value !== "" && Number.isFinite(value) && value >= spec.minimum && value <= spec.maximum) {
        range.value = value;
      }
      this.check(name);
      this.mirror(name);
    });
    this.controls[name] = { number, range, error, box, spec, digits };
    return box;
  }

  /** Whether the field's help repeats that of its right-side partner (shown once, read to every field). */
  repeatsHelp(name) {
    const other = partner(name, this.fields);
    return this.fields[name].group === "left" && other !== null && this.fields[other].help === this.fields[name].help;
  }

  marks(spec) {
    const marks = el("div", { class: "marks", "aria-hidden": "true" });
    if (!spec.marks || !spec.marks.length) return marks;
    marks.classList.add("has-marks");
    const sorted = [...spec.marks].sort((a, b) => a.value - b.value);
    sorted.forEach((mark, i) => {
      const frac = (mark.value - spec.minimum) / (spec.maximum - spec.minimum);
      const anchor = sorted.length === 1 ? "middle" : i === 0 ? "end" : i === sorted.length - 1 ? "start" : "middle";
      const cut = mark.label.lastIndexOf(" ");
      const text = cut > 0 ? [mark.label.slice(0, cut), el("br"), mark.label.slice(cut + 1)] : [mark.label];
      const node = el("span", { class: `mark anchor-${anchor}`, title: mark.label },
        el("span", { class: "tick" }), el("span", { class: "mark-label" }, text));
      node.style.left = `calc(${THUMB_PX / 2}px + (100% - ${THUMB_PX}px) * ${frac})`;
      node.dataset.value = mark.value;
      marks.append(node);
    });
    return marks;
  }

  /** Copies a field to its other side when "same on both sides" is on. */
  mirror(name) {
    const other = partner(name, this.fields);
    if (!this.sameSides.checked || !other) return;
    const from = this.controls[name], to = this.controls[other];
    to.number.value = from.number.value;
    to.range.value = from.range.value;
    this.check(other);
  }

  /** The client-side range check of one field; shows its message, returns whether it passes. */
  check(name) {
    const { number, spec } = this.controls[name];
    const value = Number(number.value);
    let message = "";
    if (spec.optional && number.value.trim() === "") message = "";
    else if (number.value.trim() === "" || !Number.isFinite(value)) message = `Enter a number (${rangeText(spec)}).`;
    else if (value < spec.minimum || value > spec.maximum) message = `Allowed: ${rangeText(spec)}.`;
    this.show(name, message, "client");
    return !message;
  }

  show(name, message, source) {
    const { error, number, box } = this.controls[name];
    error.textContent = message;
    error.dataset.source = message ? source : "";
    box.classList.toggle("invalid", Boolean(message));
    number.setAttribute("aria-invalid", message ? "true" : "false");
  }

  /** Shows the server's messages by the fields they name; returns those that name no field. */
  showErrors(errors) {
    const loose = [];
    for (const name of Object.keys(this.controls)) this.show(name, "", "");
    for (const e of errors) {
      if (e.field && e.field in this.controls) this.show(e.field, e.message, "server");
      else loose.push(e.message);
    }
    const first = errors.find((e) => e.field in this.controls);
    if (first) this.controls[first.field].number.focus();
    return loose;
  }

  clearErrors() {
    for (const name of Object.keys(this.controls)) this.show(name, "", "");
  }

  /** The inputs as the server takes them (an empty or unreadable box is sent as null). */
  values() {
    const out = {};
    for (const [name, { number }] of Object.entries(this.controls)) {
      const value = Number(number.value);
      out[name] = number.value.trim() !== "" && Number.isFinite(value) ? value : null;
    }
    return out;
  }

  set(values) {
    for (const [name, value] of Object.entries(values)) {
      const c = this.controls[name];
      if (c && c.spec.optional && value === null) {
        c.number.value = "";
        c.range.value = c.spec.slider_start;
        continue;
      }
      if (!c || !Number.isFinite(value)) continue;
      c.number.value = Number(value).toFixed(c.digits);
      c.range.value = value;
    }
    this.clearErrors();
  }

  reset() {
    const defaults = {};
    for (const [name, spec] of Object.entries(this.fields)) defaults[name] = spec.default;
    this.set(defaults);
  }
}
