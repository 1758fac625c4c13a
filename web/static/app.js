// truce workbench: scenario editor with live validation, jobs with progress,
// charts of results, run history, comparison and permanent links. Plain
// ES module over the JSON API in docs/api.md; the only library is the
// vendored CodeMirror bundle.
import {EditorView, basicSetup, EditorState, yaml, linter, lintGutter, forceLinting} from "./vendor/codemirror.js";

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    // Through the CSSOM: the page's policy forbids style attributes in markup.
    else if (k === "style") e.style.cssText = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined) e.append(kid);
  return e;
};
const SVG = "http://www.w3.org/2000/svg";
const svg = (tag, attrs = {}, ...kids) => {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined) e.append(kid);
  return e;
};
const COLORS = ["#2456c7", "#c62828", "#2e7d32", "#b26a00", "#6a1b9a", "#00838f", "#5d4037", "#ad1457", "#455a64"];
const fmt = (x, d = 3) => (typeof x === "number" && isFinite(x) ? x.toFixed(d) : "–");

// ---------- API ----------

const state = {token: localStorage.getItem("truce-token") || "", kinds: [], scenario: null, job: null, abort: null, editor: null};

class APIError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body, {raw = false, signal} = {}) {
  const headers = {};
  if (state.token) headers["Authorization"] = "Bearer " + state.token;
  let payload;
  if (body !== undefined) {
    if (typeof body === "string") { payload = body; headers["Content-Type"] = "application/yaml"; }
    else { payload = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
  } else if (method === "POST" || method === "PUT") {
    // The server takes state changes only with a JSON (or YAML) type, which
    // no other site's page can send without its permission.
    headers["Content-Type"] = "application/json";
  }
  const resp = await fetch(path, {method, headers, body: payload, signal});
  if (resp.status === 401) askToken();
  if (raw) return resp;
  const text = await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = {error: text}; }
  if (!resp.ok) throw new APIError(resp.status, data);
  return data;
}

function askToken() {
  $("#token-box").hidden = false;
  banner("This server needs a token: enter the one given to truce serve --token.");
  $("#token").focus();
}

function banner(msg) {
  const b = $("#banner");
  b.textContent = msg || "";
  b.hidden = !msg;
}

// ---------- editor and validation ----------

let lastValidated = "";

async function validate(text) {
  const data = await api("POST", "/api/validate?filename=" + encodeURIComponent(scenarioFilename()), text);
  lastValidated = text;
  showProblems(data);
  return data;
}

function scenarioFilename() {
  const n = $("#scenario-name").value.trim();
  return (n || "scenario") + ".yaml";
}

// lineColToPos maps a 1-based line and column to an offset in the document,
// clamped so a position past the end still marks something.
function lineColToPos(doc, line, col) {
  const l = doc.line(Math.min(Math.max(line || 1, 1), doc.lines));
  return Math.min(l.from + Math.max((col || 1) - 1, 0), l.to);
}

const scenarioLinter = linter(async (view) => {
  const text = view.state.doc.toString();
  let data;
  try { data = await validate(text); } catch (e) { banner("Validation failed: " + e.message); return []; }
  banner("");
  const doc = view.state.doc;
  return data.problems.map((p) => {
    const from = lineColToPos(doc, p.line, p.col);
    const line = doc.lineAt(from);
    // Mark from the column to the end of the word, or the whole line.
    let to = from;
    while (to < line.to && !/[\s,:{}\[\]]/.test(doc.sliceString(to, to + 1))) to++;
    if (to === from) to = line.to > from ? line.to : Math.min(from + 1, doc.length);
    return {from, to, severity: p.severity === "warning" ? "warning" : "error",
      message: p.message + (p.hint ? "\nhint: " + p.hint : "")};
  });
}, {delay: 400});

function showProblems(data) {
  const list = $("#problems");
  list.replaceChildren();
  const pill = $("#validity");
  pill.className = "pill " + (data.valid ? "valid" : "invalid");
  const errors = data.problems.filter((p) => p.severity !== "warning").length;
  pill.textContent = data.valid ? (data.problems.length ? `valid, ${data.problems.length} warning(s)` : "valid") : `${errors} error(s)`;
  for (const p of data.problems) {
    const li = el("li", {class: "problem " + p.severity, "data-line": p.line, "data-col": p.col, onclick: () => gotoLine(p.line, p.col)},
      el("span", {class: "where"}, `${p.file}:${p.line}:${p.col}`), `${p.severity}: ${p.message}`,
      p.hint ? el("span", {class: "hint"}, "hint: " + p.hint) : null);
    list.append(li);
  }
}

function gotoLine(line, col) {
  const view = state.editor;
  const pos = lineColToPos(view.state.doc, line, col);
  view.dispatch({selection: {anchor: pos}, scrollIntoView: true});
  view.focus();
}

function setText(text) {
  const view = state.editor;
  view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}});
  forceLinting(view);
}

function getText() { return state.editor.state.doc.toString(); }

// pageAPI is the page's own handle for scripts and browser tests: they set
// the editor's text and cursor and read where things are marked through
// the editor's model, never by counting keystrokes or DOM lines (the
// editor draws only the lines in view, so the n-th line element is not
// line n of the text).
function pageAPI() {
  const view = () => state.editor;
  const doc = () => state.editor.state.doc;
  // pos is the offset of a 1-based line and column; col -1 is the line's end.
  const pos = (line, col) => {
    const l = doc().line(line);
    return col < 0 ? l.to : Math.min(l.from + col - 1, l.to);
  };
  const lineAt = (p) => doc().lineAt(p).number;
  const uniqueSorted = (xs) => [...new Set(xs)].sort((a, b) => a - b);
  return {
    setText, getText, loadExample, showRun,
    validate: () => validate(getText()),
    // settled: nothing is loading and the editor's text has been validated.
    settled: () => busyCount === 0 && lastValidated === getText(),
    // setCursor puts the caret at line:col, scrolls it into view and
    // focuses the editor; select selects from one position to another.
    setCursor(line, col) { return this.select(line, col, line, col); },
    select(line, col, toLine, toCol) {
      const anchor = pos(line, col), head = pos(toLine, toCol);
      view().dispatch({selection: {anchor, head}, scrollIntoView: true});
      view().focus();
      return head;
    },
    // cursor is the caret's 1-based line and column, and whether the
    // editor has the keyboard.
    cursor() {
      const h = view().state.selection.main.head, l = doc().lineAt(h);
      return {line: l.number, col: h - l.from + 1, focused: document.activeElement === view().contentDOM};
    },
    lineLength: (line) => doc().line(line).length,
    // markedLines: the lines of the text underlined for problems of a
    // severity ("error" or "warning"), among the lines drawn.
    markedLines: (severity = "error") => uniqueSorted([...document.querySelectorAll(`#editor .cm-lintRange-${severity}`)]
      .map((e) => lineAt(view().posAtDOM(e)))),
    // gutterLines: the lines beside which the gutter shows a marker.
    gutterLines: (severity = "error") => uniqueSorted([...document.querySelectorAll(`#editor .cm-lint-marker-${severity}`)]
      .map((m) => { const r = m.getBoundingClientRect();
        return lineAt(view().lineBlockAtHeight((r.top + r.bottom) / 2 - view().documentTop).from); })),
  };
}

function initEditor() {
  state.editor = new EditorView({
    parent: $("#editor"),
    state: EditorState.create({doc: "", extensions: [basicSetup, yaml(), lintGutter(), scenarioLinter, EditorView.lineWrapping,
      // The editor's <style> element needs the page's nonce (its CSP).
      EditorView.cspNonce.of(document.querySelector('meta[name="csp-nonce"]')?.content || "")]}),
  });
}

// ---------- examples and saved scenarios ----------

async function loadExamples() {
  const list = await api("GET", "/api/examples");
  const sel = $("#example-select");
  for (const ex of list) sel.append(el("option", {value: ex.name}, ex.name));
  return list;
}

// busy marks the page while text is being loaded into the editor, so that
// scripts (and tests) can wait until the editor holds what they asked for.
let busyCount = 0;
async function busy(f) {
  busyCount++;
  document.body.dataset.busy = "1";
  try { return await f(); } finally { if (--busyCount === 0) delete document.body.dataset.busy; }
}

async function loadExample(name) { return busy(() => loadExampleNow(name)); }

async function loadExampleNow(name) {
  const ex = await api("GET", "/api/examples/" + encodeURIComponent(name));
  state.scenario = null;
  $("#version-select").hidden = true;
  $("#scenario-name").value = ex.name.replace(/\.ya?ml$/, "");
  setText(ex.yaml);
}

async function loadScenarios() {
  const list = await api("GET", "/api/scenarios");
  const sel = $("#scenario-select");
  sel.replaceChildren(el("option", {value: ""}, "Open saved…"));
  for (const s of list) sel.append(el("option", {value: s.id}, `${s.name} (v${s.version})`));
}

async function openScenario(id) {
  const s = await api("GET", "/api/scenarios/" + id);
  state.scenario = s;
  $("#scenario-name").value = s.name;
  setText(s.yaml);
  $("#save-status").textContent = `version ${s.version}`;
  await loadVersions();
}

// loadVersions lists the open scenario's saved versions; picking an older
// one loads its text, and saving it makes it the newest version again.
async function loadVersions() {
  const sel = $("#version-select");
  if (!state.scenario) { sel.hidden = true; return; }
  const versions = await api("GET", `/api/scenarios/${state.scenario.id}/versions`);
  sel.replaceChildren(...versions.map((v) => el("option", {value: v.version}, `v${v.version} ${new Date(v.created_at).toLocaleString()}`)));
  sel.value = String(state.scenario.version);
  sel.hidden = false;
}

async function openVersion(n) { return busy(() => openVersionNow(n)); }

async function openVersionNow(n) {
  const v = await api("GET", `/api/scenarios/${state.scenario.id}/versions/${n}`);
  setText(v.yaml);
  $("#save-status").textContent = Number(n) === state.scenario.version ? `version ${n}` : `viewing version ${n}; Save makes it the newest`;
}

async function save() {
  const name = $("#scenario-name").value.trim() || "untitled";
  try {
    let s;
    if (state.scenario) s = await api("PUT", "/api/scenarios/" + state.scenario.id, {name, yaml: getText(), base_version: state.scenario.version});
    else s = await api("POST", "/api/scenarios", {name, yaml: getText()});
    state.scenario = s;
    $("#save-status").textContent = `saved as version ${s.version}`;
    await loadScenarios();
    await loadVersions();
  } catch (e) {
    $("#save-status").textContent = e.status === 409 ? "someone saved a newer version; reopen it first" : "save failed: " + e.message;
  }
}

// ---------- jobs ----------

function jobParams(kind) {
  const p = {};
  const seed = parseInt($("#seed").value, 10);
  if (seed >= 0) p.seed = seed;
  const profile = $("#profile").value.trim();
  if (kind === "simulate") {
    const runs = parseInt($("#runs").value, 10);
    if (runs > 0) p.runs = runs;
    if (profile) p.profile = profile;
  } else if (kind === "analyze") {
    const draws = parseInt($("#draws").value, 10);
    if (draws > 0) p.draws = draws;
    if (profile) p.profiles = [profile];
  }
  // sensitivity sweeps each parameter with the others at their central
  // values: one exact analysis per point, so draws are not sent.
  return p;
}

// updateKindInputs shows only the inputs the chosen kind of job reads.
function updateKindInputs() {
  const kind = $("#kind").value;
  const show = {draws: kind === "analyze", runs: kind === "simulate", seed: kind === "analyze" || kind === "simulate", profile: kind === "analyze" || kind === "simulate"};
  for (const [id, on] of Object.entries(show)) $("#" + id).parentElement.hidden = !on;
}

async function startJob() {
  const kind = $("#kind").value;
  const req = {kind, params: jobParams(kind), name: $("#scenario-name").value.trim() || undefined};
  if (state.scenario && getText() === state.scenario.yaml) { req.scenario_id = state.scenario.id; delete req.name; }
  else req.yaml = getText();
  banner("");
  let job;
  try {
    job = await api("POST", "/api/jobs", req);
  } catch (e) {
    if (e.body && e.body.problems) showProblems({valid: false, problems: e.body.problems});
    banner(e.status === 429 ? "The server is busy (job queue full); try again in a few seconds." : "Could not start: " + e.message);
    return;
  }
  state.job = job;
  $("#run-btn").disabled = true;
  $("#cancel-btn").hidden = false;
  $("#progress-box").hidden = false;
  setProgress(job);
  const end = await follow(job.id);
  $("#run-btn").disabled = false;
  $("#cancel-btn").hidden = true;
  state.job = null;
  refreshHistory();
  if (end) {
    history.pushState({}, "", "/runs/" + end.id);
    await showRun(end.id, {loadEditor: false});
  }
}

function setProgress(s) {
  const bar = $("#progress");
  bar.max = s.total || 1;
  bar.value = s.total ? s.done : 0;
  $("#progress-text").textContent = `${s.status}` + (s.total ? ` ${s.done}/${s.total}` : "");
}

// follow reads the job's server-sent events through fetch (EventSource
// cannot send the bearer token) until the end event, and returns it.
async function follow(id) {
  const ctrl = new AbortController();
  state.abort = ctrl;
  try {
    const resp = await api("GET", `/api/jobs/${id}/events`, undefined, {raw: true, signal: ctrl.signal});
    if (!resp.ok) throw new Error("HTTP " + resp.status);
    const reader = resp.body.getReader();
    const dec = new TextDecoder();
    let buf = "", last = null;
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buf += dec.decode(value, {stream: true});
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const chunk = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let event = "message", data = "";
        for (const line of chunk.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (!data) continue;
        const s = JSON.parse(data);
        setProgress(s);
        if (event === "end") last = s;
      }
    }
    if (last && last.status !== "done") banner(`Job ${last.status}` + (last.error ? ": " + last.error : ""));
    return last;
  } catch (e) {
    if (e.name !== "AbortError") banner("Lost the job's progress stream: " + e.message);
    return null;
  } finally {
    state.abort = null;
  }
}

async function cancelJob() {
  if (!state.job) return;
  try { await api("POST", `/api/jobs/${state.job.id}/cancel`); } catch (e) { banner("Cancel failed: " + e.message); }
}

// ---------- charts ----------

function chart(title, body, legend) {
  return el("div", {class: "chart"}, el("h3", {}, title), body, legend || null);
}

function legendOf(names) {
  return el("div", {class: "legend"}, names.map((n, i) => el("span", {}, el("i", {style: `background:${COLORS[i % COLORS.length]}`}), n)));
}

// intervalBars draws one horizontal bar per item (mean) with its 5–95%
// interval as a whisker. Values may be negative; the axis covers them all.
function intervalBars(items, {unit = ""} = {}) {
  const W = 560, rowH = 22, left = 150, right = 60, top = 8;
  const H = top + items.length * rowH + 20;
  let lo = 0, hi = 0;
  for (const it of items) { lo = Math.min(lo, it.lo ?? it.mean, it.hi ?? it.mean, it.mean); hi = Math.max(hi, it.lo ?? it.mean, it.hi ?? it.mean, it.mean); }
  if (hi === lo) hi = lo + 1;
  const x = (v) => left + ((v - lo) / (hi - lo)) * (W - left - right);
  const g = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img"});
  g.append(svg("line", {class: "axis", x1: x(0), x2: x(0), y1: top - 4, y2: H - 18}));
  items.forEach((it, i) => {
    const y = top + i * rowH;
    const c = it.color || COLORS[i % COLORS.length];
    g.append(svg("text", {x: left - 6, y: y + 14, "text-anchor": "end"}, it.label));
    const x0 = x(Math.min(0, it.mean)), x1 = x(Math.max(0, it.mean));
    g.append(svg("rect", {x: x0, y: y + 3, width: Math.max(x1 - x0, 1), height: rowH - 8, fill: c, opacity: 0.8}));
    if (it.lo !== undefined && it.hi !== undefined) {
      g.append(svg("line", {x1: x(it.lo), x2: x(it.hi), y1: y + rowH / 2 - 1, y2: y + rowH / 2 - 1, stroke: "#1d2433", "stroke-width": 1.5}));
    }
    g.append(svg("text", {x: W - right + 6, y: y + 14}, fmt(it.mean) + unit));
  });
  g.append(svg("text", {x: x(lo), y: H - 4, "text-anchor": "start"}, fmt(lo, 2)));
  g.append(svg("text", {x: x(hi), y: H - 4, "text-anchor": "end"}, fmt(hi, 2)));
  return g;
}

// lineChart draws probability curves against the step.
function lineChart(series, {ymax = 1, colorOf} = {}) {
  const W = 560, H = 220, left = 40, right = 12, top = 10, bottom = 28;
  const names = Object.keys(series);
  const n = Math.max(...names.map((k) => series[k].length), 2);
  const x = (i) => left + (i / (n - 1)) * (W - left - right);
  const y = (v) => top + (1 - v / ymax) * (H - top - bottom);
  const g = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img"});
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    g.append(svg("line", {class: "grid", x1: left, x2: W - right, y1: y(t * ymax), y2: y(t * ymax)}));
    g.append(svg("text", {x: left - 4, y: y(t * ymax) + 4, "text-anchor": "end"}, fmt(t * ymax, 2)));
  }
  g.append(svg("line", {class: "axis", x1: left, x2: W - right, y1: y(0), y2: y(0)}));
  g.append(svg("text", {x: left, y: H - 8}, "step 0"));
  g.append(svg("text", {x: W - right, y: H - 8, "text-anchor": "end"}, `step ${n - 1}`));
  const color = (name, k) => (colorOf ? colorOf(name) : COLORS[k % COLORS.length]);
  names.forEach((name, k) => {
    const pts = series[name].map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    g.append(svg("polyline", {points: pts, fill: "none", stroke: color(name, k), "stroke-width": 2, "data-series": name}));
  });
  const legend = el("div", {class: "legend"}, names.map((n, k) => el("span", {}, el("i", {style: `background:${color(n, k)}`}), n)));
  return [g, legend];
}

function iv(v) {
  if (typeof v === "number") return {mean: v};
  if (v && typeof v === "object" && typeof v.mean === "number") return v;
  return null;
}

// renderProfile draws what the analysis says about one strategy profile:
// endings, reach curves, expected time to each ending, values by component.
function renderProfile(name, p) {
  const box = el("div", {class: "profile", "data-profile": name}, el("h3", {}, "Profile " + name));
  // One colour per state across the profile's charts.
  const states = [...new Set([p.absorb, p.reach, p.time].flatMap((m) => Object.keys(m || {})))].sort();
  const colorOf = (s) => COLORS[Math.max(states.indexOf(s), 0) % COLORS.length];
  if (p.absorb) {
    const items = Object.entries(p.absorb).map(([s, v]) => ({label: s, ...iv(v), color: colorOf(s)})).filter((x) => x.mean !== undefined);
    if (items.length) { const c = chart("Endings: probability of each", intervalBars(items)); c.classList.add("chart-endings"); box.append(c); }
  }
  if (p.reach) {
    const series = {};
    for (const [s, v] of Object.entries(p.reach)) {
      const arr = Array.isArray(v) ? v : (v && Array.isArray(v.mean) ? v.mean : null);
      if (arr) series[s] = arr;
    }
    if (Object.keys(series).length) {
      const [g, legend] = lineChart(series, {colorOf});
      const c = chart("Reach: probability of having entered each state by step", g, legend);
      c.classList.add("chart-reach");
      box.append(c);
    }
  }
  if (p.time) {
    const items = Object.entries(p.time).map(([s, v]) => ({label: s, ...iv(v), color: colorOf(s)})).filter((x) => x.mean !== undefined && isFinite(x.mean));
    if (items.length) { const c = chart("Expected step of first entry", intervalBars(items)); c.classList.add("chart-time"); box.append(c); }
  }
  if (p.value) {
    const items = [];
    const comps = new Set();
    for (const v of Object.values(p.value)) for (const c of Object.keys((v && v.components) || {})) comps.add(c);
    const compList = [...comps];
    for (const [actor, v] of Object.entries(p.value)) {
      const total = iv(v && v.total !== undefined ? v.total : v);
      if (total) items.push({label: `${actor} total`, ...total, color: "#1d2433"});
      for (const [c, cv] of Object.entries((v && v.components) || {})) {
        const x = iv(cv);
        if (x) items.push({label: `${actor} ${c}`, ...x, color: COLORS[compList.indexOf(c) % COLORS.length]});
      }
    }
    if (items.length) { const c = chart("Expected discounted value by actor and component", intervalBars(items), legendOf(compList)); c.classList.add("chart-values"); box.append(c); }
  }
  return box;
}

function renderHypotheses(hyps) {
  const t = el("table", {id: "hypotheses", class: "hypotheses"},
    el("thead", {}, el("tr", {}, el("th", {}, "Id"), el("th", {}, "Claim"), el("th", {}, "Holds in share of draws"), el("th", {}, "Verdict"))));
  const body = el("tbody");
  for (const h of hyps) {
    const share = h.holds_share ?? h.share;
    const verdict = String(h.verdict ?? "");
    body.append(el("tr", {"data-hypothesis": h.id},
      el("td", {}, h.id || ""), el("td", {}, h.claim || h.expr || ""),
      el("td", {class: "num"}, fmt(share)),
      el("td", {class: "verdict verdict-" + verdict.toLowerCase().replace(/[^a-z]+/g, "-")}, verdict)));
  }
  t.append(body);
  return chart("Hypotheses", t);
}

// renderSimulation draws Monte Carlo statistics: the share of paths that
// entered each state (with ±2 standard errors) and the checks against the
// exact analysis of the same draw.
function renderSimulation(r) {
  const box = el("div", {class: "simulation"}, el("h3", {}, `Simulation of profile ${r.profile}: ${r.runs} paths`));
  const states = (r.stats && r.stats.states) || [];
  const items = states.filter((s) => s.entered && typeof s.entered.mean === "number")
    .map((s) => ({label: s.id, mean: s.entered.mean, lo: s.entered.mean - 2 * (s.entered.se || 0), hi: s.entered.mean + 2 * (s.entered.se || 0)}));
  if (items.length) { const c = chart("Share of paths that entered each state by the horizon (±2 SE)", intervalBars(items)); c.classList.add("chart-entered"); box.append(c); }
  if (Array.isArray(r.checks) && r.checks.length) {
    const t = el("table", {class: "checks"}, el("thead", {}, el("tr", {}, ["Figure", "Exact", "Monte Carlo", "SE", "Z"].map((h) => el("th", {}, h)))));
    const body = el("tbody");
    for (const c of r.checks) body.append(el("tr", {}, el("td", {}, c.figure), el("td", {class: "num"}, fmt(c.exact, 4)), el("td", {class: "num"}, fmt(c.mean, 4)), el("td", {class: "num"}, fmt(c.se, 4)), el("td", {class: "num"}, fmt(c.z, 2))));
    t.append(body);
    box.append(chart("Monte Carlo against the exact analysis", t));
  }
  return box;
}

// renderTornadoes draws one-at-a-time sensitivity: for each output, the
// range it spans as each parameter sweeps its range, widest first.
function renderTornadoes(r) {
  // Accept Go field names and snake_case alike.
  const g = (o, ...ks) => { for (const k of ks) if (o && o[k] !== undefined) return o[k]; return undefined; };
  const box = el("div", {class: "sensitivity"});
  for (const tor of g(r, "Tornadoes", "tornadoes") || []) {
    const items = (g(tor, "Bars", "bars") || []).map((b) => ({label: g(b, "Param", "param"), mean: g(b, "AtHi", "at_hi"), lo: g(b, "OutMin", "out_min"), hi: g(b, "OutMax", "out_max")}));
    if (!items.length) continue;
    const c = chart(`Sensitivity of ${g(tor, "Output", "output")} (base ${fmt(g(tor, "Base", "base"))}): value at each parameter's high end, and range over its sweep`, intervalBars(items));
    c.classList.add("chart-tornado");
    box.append(c);
  }
  const be = g(r, "BreakEvens", "break_evens") || [];
  if (be.length) {
    const t = el("table", {class: "breakevens"}, el("thead", {}, el("tr", {}, ["Hypothesis", "Parameter", "Flips at", "Below", "Above"].map((h) => el("th", {}, h)))));
    const body = el("tbody");
    for (const b of be) body.append(el("tr", {}, el("td", {}, g(b, "Hypothesis", "hypothesis")), el("td", {}, g(b, "Param", "param")), el("td", {class: "num"}, fmt(g(b, "Value", "value"), 4)), el("td", {}, g(b, "Below", "below")), el("td", {}, g(b, "Above", "above"))));
    t.append(body);
    box.append(chart("Break-even values: where a verdict flips", t));
  }
  return box;
}

// renderSolve shows the Markov-perfect equilibrium with its certificate and
// the credibility of each threat in the file's profiles.
function renderSolve(r) {
  const eq = r.equilibrium;
  const box = el("div", {class: "solve"});
  const cert = `largest one-shot deviation gain ${eq.max_deviation_gain.toExponential(2)}; ` +
    (eq.converged ? "an equilibrium" : "NOT converged" + (eq.reason ? ": " + eq.reason : "")) + ` (method ${eq.method})`;
  const t = el("table", {id: "equilibrium"}, el("thead", {}, el("tr", {}, ["Actor", "State", "Equilibrium play", "Value from here"].map((h) => el("th", {}, h)))));
  const body = el("tbody");
  for (const [actor, states] of Object.entries(eq.play)) {
    for (const [st, play] of Object.entries(states)) {
      const text = Object.entries(play).filter(([, p]) => p > 1e-9).sort((a, b) => b[1] - a[1]).map(([a, p]) => p > 1 - 1e-9 ? a : `${a} ${fmt(p)}`).join(", ");
      body.append(el("tr", {}, el("td", {}, actor), el("td", {}, st), el("td", {}, text), el("td", {class: "num"}, fmt((eq.values[actor] || {})[st]))));
    }
  }
  t.append(body);
  const set = eq.summary ? el("p", {class: "eqset"}, `Selected by ${eq.selection}. Equilibrium set: ${eq.summary}.`) : "";
  box.append(chart("Markov-perfect equilibrium at central parameter values", el("div", {}, el("p", {class: eq.converged ? "status-done" : "status-failed"}, cert), set, t)));
  if (Array.isArray(r.credibility) && r.credibility.length) {
    const c = el("table", {id: "credibility"}, el("thead", {}, el("tr", {}, ["Profile", "Actor", "State", "After", "Prescribed", "Best deviation", "Gain", "Credible"].map((h) => el("th", {}, h)))));
    const cb = el("tbody");
    for (const x of r.credibility) {
      cb.append(el("tr", {}, el("td", {}, x.profile), el("td", {}, x.actor), el("td", {}, x.state), el("td", {}, x.after || ""), el("td", {}, x.play),
        el("td", {}, x.best_deviation), el("td", {class: "num"}, fmt(x.gain, 4)),
        el("td", {class: "verdict " + (x.credible ? "verdict-supported" : "verdict-rejected")}, x.credible ? "credible" : "not credible")));
    }
    c.append(cb);
    box.append(chart("Credibility of each prescribed play (one-shot deviations)", c));
  }
  return box;
}

function renderResult(result) {
  const out = el("div", {class: "charts"});
  if (!result || typeof result !== "object") return out;
  if (result.equilibrium && result.equilibrium.play) out.append(renderSolve(result));
  if (result.stats && result.checks) out.append(renderSimulation(result));
  if (result.Tornadoes || result.tornadoes || result.BreakEvens || result.break_evens) out.append(renderTornadoes(result));
  const profiles = result.profiles && typeof result.profiles === "object" ? result.profiles : null;
  if (profiles) for (const [name, p] of Object.entries(profiles)) out.append(renderProfile(name, p));
  else if (result.absorb || result.reach || result.value) out.append(renderProfile(result.profile || "", result));
  if (Array.isArray(result.hypotheses) && result.hypotheses.length) out.append(renderHypotheses(result.hypotheses));
  out.append(el("details", {}, el("summary", {}, "Full result (JSON)"), el("pre", {}, JSON.stringify(result, null, 2))));
  return out;
}

function runHeader(run) {
  const link = "/runs/" + run.id;
  return el("div", {class: "run-head"},
    el("h2", {}, `${run.kind}: ${run.scenario_name || "scenario"}`),
    el("span", {class: "status-" + run.status, id: "run-status"}, run.status),
    el("a", {href: link, id: "permalink", title: "Permanent link to this run"}, "permanent link"),
    run.status === "done" ? el("a", {href: "#", id: "report-link", onclick: (e) => { e.preventDefault(); downloadReport(run); }}, "download report") : null,
    el("span", {class: "muted"}, new Date(run.created_at).toLocaleString()),
    run.params ? el("code", {class: "muted"}, JSON.stringify(run.params)) : null,
    run.error ? el("div", {class: "status-failed"}, run.error) : null);
}

async function downloadReport(run) {
  const resp = await api("GET", `/api/runs/${run.id}/report`, undefined, {raw: true});
  if (!resp.ok) { banner("Report failed: HTTP " + resp.status); return; }
  const blob = await resp.blob();
  const a = el("a", {href: URL.createObjectURL(blob), download: `truce-${run.kind}-${run.id}.html`});
  document.body.append(a);
  a.click();
  a.remove();
}

async function showRun(id, {loadEditor = true} = {}) {
  const view = $("#run-view");
  view.replaceChildren(el("p", {class: "muted"}, "loading run " + id + "…"));
  let run;
  try { run = await api("GET", "/api/runs/" + id); } catch (e) { view.replaceChildren(el("p", {class: "status-failed"}, e.message)); return; }
  if (loadEditor && run.yaml) {
    state.scenario = null;
    $("#version-select").hidden = true;
    if (state.kinds.includes(run.kind)) { $("#kind").value = run.kind; updateKindInputs(); }
    $("#scenario-name").value = run.scenario_name || "";
    setText(run.yaml);
  }
  view.replaceChildren(runHeader(run), renderResult(run.result));
  if (run.status === "queued" || run.status === "running") {
    $("#progress-box").hidden = false;
    const end = await follow(run.id);
    if (end) await showRun(run.id, {loadEditor: false});
  }
}

// ---------- history and comparison ----------

async function refreshHistory() {
  let runs;
  try { runs = await api("GET", "/api/runs?limit=50"); } catch { return; }
  const body = $("#history-table tbody");
  body.replaceChildren();
  for (const r of runs) {
    body.append(el("tr", {"data-run": r.id},
      el("td", {}, el("input", {type: "checkbox", value: r.id, onchange: updateCompareBtn})),
      el("td", {}, el("a", {href: "/runs/" + r.id, onclick: (e) => { e.preventDefault(); navigate("/runs/" + r.id); }}, r.id)),
      el("td", {}, r.kind), el("td", {}, r.scenario_name || ""),
      el("td", {class: "status-" + r.status}, r.status),
      el("td", {class: "muted"}, new Date(r.created_at).toLocaleString())));
  }
  updateCompareBtn();
}

function selectedRuns() { return [...document.querySelectorAll("#history-table input:checked")].map((c) => c.value); }
function updateCompareBtn() { $("#compare-btn").disabled = selectedRuns().length !== 2; }

async function showCompare(a, b) {
  let cmp;
  try { cmp = await api("GET", `/api/runs/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`); } catch (e) { banner(e.message); return; }
  $("#compare-a").replaceChildren(runHeader(cmp.a), renderResult(cmp.a.result));
  $("#compare-b").replaceChildren(runHeader(cmp.b), renderResult(cmp.b.result));
  const t = el("table", {id: "diff-table"}, el("thead", {}, el("tr", {}, el("th", {}, "Figure"), el("th", {}, "A"), el("th", {}, "B"), el("th", {}, "B − A"))));
  const body = el("tbody");
  for (const d of cmp.diff) {
    body.append(el("tr", {}, el("td", {}, d.path), el("td", {class: "num"}, fmt(d.a)), el("td", {class: "num"}, fmt(d.b)),
      el("td", {class: "num " + (d.delta > 0 ? "delta-pos" : d.delta < 0 ? "delta-neg" : "")}, fmt(d.delta))));
  }
  t.append(body);
  $("#compare-diff").replaceChildren(cmp.diff.length ? t : el("p", {class: "muted"}, "The two results are identical."));
}

// ---------- routing ----------

function navigate(path) {
  history.pushState({}, "", path);
  route();
}

async function route() {
  const path = location.pathname;
  const cmp = path === "/compare";
  $("#editor-view").hidden = cmp;
  $("#compare-view").hidden = !cmp;
  if (cmp) {
    const q = new URLSearchParams(location.search);
    await showCompare(q.get("a"), q.get("b"));
    return;
  }
  const m = path.match(/^\/runs\/([^/]+)$/);
  if (m) await showRun(decodeURIComponent(m[1]));
  else $("#run-view").replaceChildren();
}

async function init() {
  initEditor();
  $("#token").value = state.token;
  if (state.token) $("#token-box").hidden = false;
  $("#token").addEventListener("change", (e) => {
    state.token = e.target.value.trim();
    localStorage.setItem("truce-token", state.token);
    banner("");
    start();
  });
  $("#example-select").addEventListener("change", (e) => { if (e.target.value) loadExample(e.target.value); e.target.value = ""; });
  $("#scenario-select").addEventListener("change", (e) => { if (e.target.value) openScenario(e.target.value); e.target.value = ""; });
  $("#save-btn").addEventListener("click", save);
  $("#version-select").addEventListener("change", (e) => openVersion(e.target.value));
  $("#kind").addEventListener("change", updateKindInputs);
  $("#run-btn").addEventListener("click", startJob);
  $("#cancel-btn").addEventListener("click", cancelJob);
  $("#refresh-btn").addEventListener("click", refreshHistory);
  $("#compare-btn").addEventListener("click", () => { const [a, b] = selectedRuns(); navigate(`/compare?a=${a}&b=${b}`); });
  $("#nav-history").addEventListener("click", (e) => { e.preventDefault(); $("#history").scrollIntoView(); });
  for (const a of document.querySelectorAll("a[data-nav]")) a.addEventListener("click", (e) => { e.preventDefault(); navigate(a.getAttribute("href")); });
  window.addEventListener("popstate", route);
  window.truce = pageAPI();
  await start();
}

async function start() {
  let health;
  try { health = await api("GET", "/api/health"); } catch (e) { if (e.status !== 401) banner("Cannot reach the server: " + e.message); return; }
  state.kinds = health.kinds || [];
  const kind = $("#kind");
  kind.replaceChildren(...state.kinds.map((k) => el("option", {value: k}, k)));
  updateKindInputs();
  const examples = await loadExamples().catch(() => []);
  await loadScenarios().catch(() => {});
  refreshHistory();
  const onRunPage = /^\/runs\//.test(location.pathname);
  if (!onRunPage && getText() === "" && examples.length) await loadExample(examples[0].name);
  await route();
  document.body.dataset.ready = "1";
}

init();
