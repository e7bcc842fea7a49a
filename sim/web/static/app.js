// The clinic page: inputs -> /api/predict -> progress polling -> the preview, then the exact answer.

import { api, clear, el, errorsOf, fmtElapsed } from "./dom.js";
import { InputsForm } from "./form.js";
import { showCurves, showShares } from "./plots.js";
import { Runners } from "./runners.js";
import { showCaveats, showTable, showText } from "./tables.js";

const POLL_MS = 700;
const GRID_POLL_MS = 4000;
const $ = (id) => document.getElementById(id);
const ACTIVE = new Set(["queued", "running"]);
const TITLES = { queued: "Waiting in the queue", running: "Solving", done: "Done", failed: "Failed",
  cancelled: "Cancelled" };

const page = { fields: null, form: null, runners: null, job: null, shown: null, timer: null, token: 0 };

function formError(messages) {
  const box = $("form-error");
  box.textContent = messages.join(" ");
  box.hidden = !messages.length;
}

function describeInputs(inputs) {
  const parts = [];
  for (const [name, spec] of Object.entries(page.fields || {})) {
    if (!inputs || !(name in inputs)) continue;
    parts.push(`${spec.label} ${inputs[name]}${spec.unit ? " " + spec.unit : ""}`);
  }
  return parts.join(" · ");
}

function setBanner(kind, note) {
  const banner = $("kind-banner");
  clear(banner);
  banner.className = `banner ${kind}`;
  const title = kind === "exact" ? "Exact answer" : "Preview (interpolated from pre-solved scenarios)";
  banner.append(el("strong", { text: title }));
  if (note) banner.append(el("span", { class: "banner-note", text: ` \u2014 ${note}` }));
  if (page.shown) banner.append(el("span", { class: "banner-inputs", text: describeInputs(page.shown.inputs) }));
}

/** Shows an answer (a preview or the exact one). */
function render(answer, jobId) {
  page.shown = answer;
  const scenarios = answer.scenarios || [];
  $("intro").hidden = true;
  $("results").hidden = false;
  if (answer.kind === "exact") setBanner("exact", "solved for these inputs");
  else setBanner("preview", "exact answer on its way");
  showText($("text"), answer.text);
  page.runners.show(answer);
  showTable($("comparison"), answer.comparison, scenarios);
  $("spread-note").hidden = !(answer.comparison || []).some((row) => row.spread !== null && row.spread !== undefined);
  showTable($("loads"), answer.loads, scenarios);
  showCurves($("angle-plots"), answer.curves, scenarios, "angle");
  showCurves($("power-plots"), answer.curves, scenarios, "power");
  showShares($("shares"), answer.shares, scenarios);
  showCaveats($("caveats"), answer.caveats, scenarios);
  const exact = answer.kind === "exact" && jobId;
  $("downloads").hidden = !exact;
  if (exact) {
    $("pdf-link").href = `/api/jobs/${encodeURIComponent(jobId)}/report.pdf`;
    $("zip-link").href = `/api/jobs/${encodeURIComponent(jobId)}/runs.zip`;
  }
}

function clearResults() {
  page.shown = null;
  page.runners.show({ frames: null });
  $("results").hidden = true;
  $("intro").hidden = false;
}

function showStatus(job, note = "") {
  $("status").hidden = false;
  $("status").dataset.state = job.state;
  $("status-title").textContent = TITLES[job.state] || job.state;
  const total = job.steps_total || 0;
  const running = job.state === "running";
  const number = Math.min(total, (job.steps_done || 0) + (running ? 1 : 0));
  $("status-step").textContent = job.state === "done" ? "all steps solved"
    : total ? `${job.step || "–"} (${number} of ${total})` : job.step || "–";
  $("status-iteration").textContent = running ? String(job.iteration ?? "–") : "–";
  $("status-elapsed").textContent = fmtElapsed(job.elapsed_s);
  $("status-queue").textContent = job.state === "queued"
    ? (job.position > 0 ? `${job.position} ahead` : "next") : running ? "running now" : "–";
  $("status-bar").style.width = `${total ? (100 * (job.steps_done || 0)) / total : 0}%`;
  $("status-message").textContent = note || job.message || "";
  $("cancel").hidden = !ACTIVE.has(job.state);
  $("cancel").disabled = false;
}

async function onJob(job, token) {
  if (token !== page.token) return;
  page.job = job;
  showStatus(job);
  if (ACTIVE.has(job.state)) {
    page.timer = setTimeout(() => poll(job.id, token), POLL_MS);
    return;
  }
  if (job.state === "done") {
    const r = await api(`/api/jobs/${encodeURIComponent(job.id)}/answer`);
    if (token !== page.token) return;
    if (r.ok) {
      render(r.body, job.id);
      $("status").hidden = true;
    }
    else showStatus(job, errorsOf(r.body, "the answer could not be loaded").map((e) => e.message).join(" "));
    return;
  }
  if (page.shown && page.shown.kind === "preview") {
    setBanner("preview", job.state === "cancelled" ? "the exact solve was cancelled" : "the exact solve failed");
  }
}

async function poll(jobId, token, failures = 0) {
  if (token !== page.token) return;
  try {
    const r = await api(`/api/jobs/${encodeURIComponent(jobId)}`);
    if (token !== page.token) return;
    if (r.ok) onJob(r.body, token);
    else showStatus(page.job, errorsOf(r.body, `the server answered ${r.status}`).map((e) => e.message).join(" "));
  } catch {
    showStatus(page.job, "Lost contact with the server; retrying\u2026");
    page.timer = setTimeout(() => poll(jobId, token, failures + 1), Math.min(10000, POLL_MS * 2 ** failures));
  }
}

async function predict(event) {
  event.preventDefault();
  formError([]);
  page.form.clearErrors();
  const button = $("predict");
  button.disabled = true;
  let r;
  try {
    r = await api("/api/predict", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(page.form.values()) });
  } catch {
    formError(["The server could not be reached."]);
    return;
  } finally {
    button.disabled = false;
  }
  if (!r.ok) {
    formError(page.form.showErrors(errorsOf(r.body, `The server answered ${r.status}.`)));
    return;
  }
  clearTimeout(page.timer);
  const token = ++page.token;
  const { job, preview } = r.body;
  history.replaceState(null, "", `#job=${encodeURIComponent(job.id)}`);
  if (preview) render(preview, null);
  else clearResults();
  onJob(job, token);
}

async function cancel() {
  if (!page.job) return;
  $("cancel").disabled = true;
  const r = await api(`/api/jobs/${encodeURIComponent(page.job.id)}/cancel`, { method: "POST" });
  if (r.ok) {
    clearTimeout(page.timer);
    onJob(r.body, page.token);
  } else {
    showStatus(page.job, errorsOf(r.body, "the job could not be cancelled").map((e) => e.message).join(" "));
  }
}

async function pollGrid() {
  const line = $("grid-progress");
  let r;
  try {
    r = await api("/api/preview");
  } catch {
    setTimeout(pollGrid, GRID_POLL_MS * 3);
    return;
  }
  if (!r.ok) return;
  const { state, solved, total } = r.body;
  line.dataset.state = state;
  if (state === "off") line.textContent = "Previews off";
  else if (state === "done") line.textContent = `Preview grid ready (${total} pre-solved scenarios)`;
  else line.textContent = `Preview grid: ${solved} of ${total} pre-solved`;
  if (state === "running") setTimeout(pollGrid, GRID_POLL_MS);
}

async function resume() {
  const match = /^#job=([0-9a-f]{16})$/.exec(location.hash);
  if (!match) return;
  const r = await api(`/api/jobs/${match[1]}`);
  if (!r.ok) return;
  if (r.body.inputs) page.form.set(r.body.inputs);
  onJob(r.body, ++page.token);
}

async function init() {
  page.runners = new Runners($("runners"), $("play"), $("phase"), $("phase-out"));
  let r;
  try {
    r = await api("/api/fields");
  } catch {
    r = { ok: false, body: null };
  }
  if (!r.ok) {
    formError(["The inputs could not be loaded from the server. Reload the page."]);
    return;
  }
  page.fields = r.body;
  page.form = new InputsForm($("groups"), r.body, $("same-sides"));
  $("inputs").addEventListener("submit", predict);
  $("cancel").addEventListener("click", cancel);
  $("reset").addEventListener("click", () => page.form.reset());
  pollGrid();
  resume();
}

init();
