// truce workbench: scenario editor with live validation and a parameter
// panel, jobs with progress, results that open on the answers, run history
// with search, comparisons that say what changed, and permanent links.
// Plain ES modules over the JSON API in docs/api.md; the only library is
// the vendored CodeMirror bundle.
import {EditorView, basicSetup, EditorState, yaml, linter, lintGutter, forceLinting} from "./vendor/codemirror.js";
import {$, el, api, state, banner, download} from "./util.js";
import {renderResult} from "./results.js";
import {makeColours} from "./charts.js";
import {Panel, whatIf} from "./params.js";
import {initHistory, refreshHistory, setKinds, confirmDelete} from "./history.js";
import {showCompare} from "./compare.js";
import {isConflictText} from "./gmcr.js";
import {showForecasts} from "./forecasts.js";

// ---------- editor and validation ----------

let lastValidated = "", lastResult = null;
let panel;

// validate checks the text (once: the same text again gets the same
// answer) and updates the problems list and the parameter panel.
async function validate(text) {
  if (text === lastValidated && lastResult) return lastResult;
  const data = await api("POST", "/api/validate?outline=1&filename=" + encodeURIComponent(scenarioFilename()), text);
  lastValidated = text;
  lastResult = data;
  state.outline = data.outline || null;
  showProblems(data);
  syncKind(text);
  // A graph-model conflict has no parameters to edit.
  $("#params-panel").hidden = isConflictText(text);
  panel.update(state.outline);
  scheduleWhatIf();
  return data;
}

// syncKind picks the kind of job the text is for: a graph-model conflict
// runs as gmcr, a scenario as anything else.
function syncKind(text) {
  const k = $("#kind"), conflict = isConflictText(text);
  if (conflict === (k.value === "gmcr") || !state.kinds.includes("gmcr")) return;
  k.value = conflict ? "gmcr" : state.kinds.find((x) => x !== "gmcr");
  updateKindInputs();
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
    const li = el("li", {class: "problem " + p.severity, "data-line": p.line, "data-col": p.col},
      el("button", {type: "button", class: "link", onclick: () => gotoLine(p.line, p.col), title: `go to line ${p.line}, column ${p.col}`},
        el("span", {class: "where"}, `${p.file}:${p.line}:${p.col}`)),
      `${p.severity}: ${p.message}`,
      p.hint ? el("span", {class: "hint"}, "hint: " + p.hint) : null);
    list.append(li);
  }
  list.hidden = data.problems.length === 0;
}

function gotoLine(line, col) {
  const view = state.editor;
  const pos = lineColToPos(view.state.doc, line, col);
  view.dispatch({selection: {anchor: pos}, scrollIntoView: true});
  view.focus();
}

// setText replaces the editor's text; baseline says what parameter edits
// are measured against in "what if" mode (default: this text).
function setText(text, baseline = text) {
  const view = state.editor;
  view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}});
  state.baseline = baseline;
  $("#whatif-box").replaceChildren();
  forceLinting(view);
}

function getText() { return state.editor.state.doc.toString(); }

// editSpans replaces spans of text given by line, column and their current
// text, in one change (one undo step). It refuses, changing nothing, when
// any span no longer holds the text expected (the outline is stale).
function editSpans(edits) {
  const view = state.editor, doc = view.state.doc;
  const changes = [];
  for (const e of edits) {
    if (e.line < 1 || e.line > doc.lines) return false;
    const l = doc.line(e.line);
    // Columns count characters; the editor counts UTF-16 units.
    const prefix = [...l.text].slice(0, e.col - 1).join("");
    const from = l.from + prefix.length;
    if (doc.sliceString(from, from + e.old.length) !== e.old) return false;
    changes.push({from, to: from + e.old.length, insert: e.text});
  }
  view.dispatch({changes, userEvent: "input.parameter"});
  return true;
}

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
    setText, getText, loadExample, showRun, navigate,
    validate: () => validate(getText()),
    outline: () => state.outline,
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
      EditorView.cspNonce.of(document.querySelector('meta[name="csp-nonce"]')?.content || ""),
      // tabindex makes the text reachable by keyboard for tools that do
      // not count contenteditable as focusable (the scrolling region
      // around it must be).
      EditorView.contentAttributes.of({"aria-label": "Scenario (YAML)", tabindex: "0"})]}),
  });
}

// ---------- what if ----------

let whatIfTimer, whatIfSeq = 0;

function scheduleWhatIf(now = false) {
  clearTimeout(whatIfTimer);
  if (!$("#whatif-mode").checked && !now) return;
  const text = getText();
  if (!state.outline || !state.baseline || text === state.baseline) { if (!now) $("#whatif-box").replaceChildren(); return; }
  whatIfTimer = setTimeout(async () => {
    const seq = ++whatIfSeq;
    $("#whatif-box").replaceChildren(el("p", {class: "muted"}, "what if: analysing at central values…"));
    try {
      const box = await whatIf(state.baseline, text, state.run);
      if (seq === whatIfSeq) $("#whatif-box").replaceChildren(box);
    } catch (e) {
      if (seq === whatIfSeq) $("#whatif-box").replaceChildren(el("p", {class: "status-failed"}, "What if failed: " + e.message));
    }
  }, now ? 0 : 500);
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
  // An example with a record: ready for an update.
  $("#record").value = ex.record || "";
}

async function loadScenarios() {
  const list = await api("GET", "/api/scenarios");
  const sel = $("#scenario-select");
  sel.replaceChildren(el("option", {value: ""}, "Open saved…"));
  for (const s of list) sel.append(el("option", {value: s.id}, `${s.name} (v${s.version})`));
  // A gmcr run's bridge: a scenario saved here, chosen by id (the server
  // never opens the path the conflict's bridge: names).
  const br = $("#bridge"), was = br.value;
  br.replaceChildren(el("option", {value: ""}, "no scenario (the file's preferences)"));
  for (const s of list) br.append(el("option", {value: s.id}, `${s.name} (latest version)`));
  br.value = list.some((s) => s.id === was) ? was : "";
}

async function openScenario(id) { return busy(() => openScenarioNow(id)); }

async function openScenarioNow(id) {
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
  $("#version-select").value = String(n);
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
  if (kind === "gmcr") {
    const g = {sanctions: $("#sanctions").value};
    if ($("#bridge").value) g.bridge_scenario = $("#bridge").value;
    return g;
  }
  if (kind === "update") {
    p.record = $("#record").value;
    if ($("#start").value) p.start = $("#start").value;
  }
  const seed = parseInt($("#seed").value, 10);
  if (seed >= 0) p.seed = seed;
  const profile = $("#profile").value.trim();
  if (kind === "simulate") {
    const runs = parseInt($("#runs").value, 10);
    if (runs > 0) p.runs = runs;
    if (profile) p.profile = profile;
  } else if (kind === "analyze" || kind === "update") {
    const draws = parseInt($("#draws").value, 10);
    if (draws > 0) p.draws = draws;
    if (profile) p.profiles = profile.split(/[\s,]+/).filter(Boolean);
  }
  // sensitivity sweeps each parameter with the others at their central
  // values: one exact analysis per point, so draws are not sent.
  return p;
}

// setRunForm shows a run's own settings in the run form, so that Run
// repeats it.
function setRunForm(kind, p = {}) {
  if (state.kinds.includes(kind)) $("#kind").value = kind;
  if (p.draws) $("#draws").value = p.draws;
  if (p.runs) $("#runs").value = p.runs;
  $("#seed").value = p.seed ?? 1;
  $("#profile").value = p.profiles ? p.profiles.join(", ") : p.profile || "";
  $("#sanctions").value = p.sanctions || "sequence";
  $("#bridge").value = [...$("#bridge").options].some((o) => o.value === p.bridge_scenario) ? p.bridge_scenario : "";
  if (p.record !== undefined) $("#record").value = p.record;
  $("#start").value = p.start || "";
  updateKindInputs();
}

// updateKindInputs shows only the inputs the chosen kind of job reads.
function updateKindInputs() {
  const kind = $("#kind").value;
  const draws = kind === "analyze" || kind === "update";
  const show = {draws, runs: kind === "simulate", seed: draws || kind === "simulate", profile: draws || kind === "simulate",
    sanctions: kind === "gmcr", bridge: kind === "gmcr", start: kind === "update", record: kind === "update"};
  for (const [id, on] of Object.entries(show)) $("#" + id).parentElement.hidden = !on;
}

async function startJob() {
  const kind = $("#kind").value;
  const req = {kind, params: jobParams(kind), name: $("#scenario-name").value.trim() || undefined};
  if (state.scenario && getText() === state.scenario.yaml) { req.scenario_id = state.scenario.id; delete req.name; }
  else req.yaml = getText();
  await submit(req);
}

// submit starts a job, follows it, and shows its run when it ends.
async function submit(req) {
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
    $("#progress-box").hidden = true;
  }
}

async function cancelJob() {
  if (!state.job) return;
  try { await api("POST", `/api/jobs/${state.job.id}/cancel`); } catch (e) { banner("Cancel failed: " + e.message); }
}

// ---------- a run ----------

function settingsList(run) {
  const p = run.params || {};
  const items = [["kind", run.kind]];
  if (p.draws) items.push(["draws", p.draws]);
  if (p.runs) items.push(["runs", p.runs]);
  if (p.record) items.push(["record", `${p.record.split("\n").filter((l) => l.trim() && !l.startsWith("#")).length - 1} rows` + (p.start ? `, step 0 on ${p.start}` : "")]);
  if (run.kind === "gmcr") {
    items.push(["sanctions", p.sanctions === "single" ? "one move by one opponent" : "sequences of the others' moves"]);
    if (p.bridge_scenario) items.push(["bridge to", `saved scenario ${p.bridge_scenario}, version ${p.bridge_version}`]);
  } else items.push(["seed", p.seed ?? 0]); // runs stored before seeds were always recorded ran with 0
  if (p.profiles || p.profile) items.push(["profiles", (p.profiles || [p.profile]).join(", ")]);
  if (run.scenario_id) items.push(["scenario", `${run.scenario_name || run.scenario_id}, version ${run.scenario_version}`]);
  items.push(["started", new Date(run.created_at).toLocaleString()]);
  if (run.finished_at && run.started_at) items.push(["took", `${((new Date(run.finished_at) - new Date(run.started_at)) / 1000).toFixed(1)} s`]);
  return el("dl", {class: "run-settings"}, items.map(([k, v]) => el("div", {}, el("dt", {}, k), el("dd", {}, String(v)))));
}

function runHeader(run) {
  const link = "/runs/" + run.id;
  const final = run.status !== "queued" && run.status !== "running";
  return el("div", {class: "run-head"},
    el("h2", {}, `${run.kind}: ${run.scenario_name || "scenario"}`),
    el("span", {class: "status-" + run.status, id: "run-status"}, run.status),
    settingsList(run),
    el("div", {class: "run-actions"},
      el("a", {href: link, id: "permalink", title: "Permanent link to this run, with its own settings"}, "Permanent link"),
      el("button", {type: "button", id: "run-again", onclick: () => runAgain(run)}, "Run again"),
      el("button", {type: "button", id: "open-in-editor", onclick: () => openInEditor(run)}, "Open in editor at this version"),
      run.status === "done" ? el("button", {type: "button", id: "report-link", onclick: () => downloadReport(run)}, "Download report") : null,
      final ? el("button", {type: "button", id: "delete-run", class: "danger", onclick: () => confirmDelete(run, () => navigate("/"))}, "Delete") : null),
    run.error ? el("div", {class: "status-failed"}, run.error) : null);
}

// runAgain starts the same job again: the same text (or scenario version),
// kind and settings.
function runAgain(run) {
  const p = {...(run.params || {})};
  delete p.workers;
  const req = {kind: run.kind, params: p};
  if (run.scenario_id && run.scenario_version) { req.scenario_id = run.scenario_id; req.version = run.scenario_version; }
  else { req.yaml = run.yaml; if (run.scenario_name) req.name = run.scenario_name; }
  return submit(req);
}

// openInEditor loads the text the run used: its saved scenario at the
// version it ran (when that still exists), else the run's own copy.
async function openInEditor(run) {
  await busy(async () => {
    if (run.scenario_id && run.scenario_version) {
      try {
        await openScenarioNow(run.scenario_id);
        await openVersionNow(run.scenario_version);
        state.baseline = run.yaml;
        return;
      } catch { /* deleted since: use the run's copy */ }
    }
    state.scenario = null;
    $("#version-select").hidden = true;
    $("#scenario-name").value = run.scenario_name || "";
    setText(run.yaml);
    $("#save-status").textContent = `the text of run ${run.id}`;
  });
  setRunForm(run.kind, run.params);
  state.editor.focus();
}

async function downloadReport(run) {
  const resp = await api("GET", `/api/runs/${run.id}/report`, undefined, {raw: true});
  if (!resp.ok) { banner("Report failed: HTTP " + resp.status); return; }
  download(await resp.blob(), `truce-${run.kind}-${run.id}.html`);
}

async function showRun(id, {loadEditor = true} = {}) {
  const view = $("#run-view");
  view.replaceChildren(el("p", {class: "muted"}, "loading run " + id + "…"));
  let run;
  try { run = await api("GET", "/api/runs/" + id); } catch (e) {
    // A permalink outlives its run: say what a 404 means rather than the
    // store's wording.
    const msg = e.status === 404
      ? "Run " + id + " is not stored on this server: it was deleted, or the link comes from another server. The run history lists the runs kept here."
      : e.message;
    view.replaceChildren(el("p", {class: "status-failed", id: "run-missing"}, msg));
    return;
  }
  state.run = run;
  if (loadEditor && run.yaml) {
    await busy(async () => {
      state.scenario = null;
      $("#version-select").hidden = true;
      $("#scenario-name").value = run.scenario_name || "";
      setText(run.yaml);
    });
    setRunForm(run.kind, run.params);
  }
  state.baseline = run.yaml || state.baseline;
  let outline = null;
  if (run.yaml) {
    try {
      // The editor holds the run's text when opened from its link: its
      // validation gives the outline.
      outline = (run.yaml === getText() ? await validate(run.yaml) : await api("POST", "/api/validate?outline=1", run.yaml)).outline;
    } catch { /* colours fall back */ }
  }
  view.replaceChildren(runHeader(run), renderResult(run.result, {outline, colourOf: makeColours(outline)}));
  document.title = `truce: ${run.kind} of ${run.scenario_name || "scenario"} (${run.id})`;
  if (run.status === "queued" || run.status === "running") {
    $("#progress-box").hidden = false;
    const end = await follow(run.id);
    if (end) await showRun(run.id, {loadEditor: false});
  }
  view.dataset.run = run.id;
}

// ---------- routing ----------

function navigate(path) {
  history.pushState({}, "", path);
  route();
}

async function route() {
  const path = location.pathname;
  const cmp = path === "/compare", fc = path === "/forecasts";
  $("#editor-view").hidden = cmp || fc;
  $("#compare-view").hidden = !cmp;
  $("#forecasts-view").hidden = !fc;
  if (fc) {
    document.title = "truce: forecasts";
    await showForecasts(new URLSearchParams(location.search).get("scenario") || "");
    return;
  }
  if (cmp) {
    const q = new URLSearchParams(location.search);
    document.title = "truce: comparison";
    await showCompare(q.get("a"), q.get("b"));
    return;
  }
  const m = path.match(/^\/runs\/([^/]+)$/);
  if (m) await showRun(decodeURIComponent(m[1]));
  else { state.run = null; $("#run-view").replaceChildren(); document.title = "truce workbench"; }
}

// openFromHash opens the details section the address names.
function openFromHash() {
  const d = location.hash && document.getElementById(location.hash.slice(1));
  if (d && d.tagName === "DETAILS" && !d.open) { d.open = true; d.scrollIntoView(); }
}

async function init() {
  initEditor();
  panel = new Panel($("#params"), editSpans);
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
  $("#record-file").addEventListener("change", async (e) => {
    const f = e.target.files && e.target.files[0];
    if (f) $("#record").value = await f.text();
  });
  $("#run-btn").addEventListener("click", startJob);
  $("#cancel-btn").addEventListener("click", cancelJob);
  $("#whatif-mode").addEventListener("change", () => scheduleWhatIf());
  $("#whatif-btn").addEventListener("click", () => scheduleWhatIf(true));
  $("#nav-history").addEventListener("click", (e) => { e.preventDefault(); $("#history").scrollIntoView(); $("#filter-q").focus(); });
  for (const a of document.querySelectorAll("a[data-nav]")) a.addEventListener("click", (e) => { e.preventDefault(); navigate(a.getAttribute("href")); });
  // Links inside results and comparisons stay in the page.
  document.addEventListener("click", (e) => {
    const a = e.target.closest("a.run-link, a#permalink");
    if (a && !e.ctrlKey && !e.metaKey && !e.shiftKey) { e.preventDefault(); navigate(a.getAttribute("href")); }
  });
  window.addEventListener("popstate", route);
  window.addEventListener("hashchange", openFromHash);
  initHistory(navigate);
  window.truce = pageAPI();
  await start();
}

async function start() {
  let health;
  try { health = await api("GET", "/api/health"); } catch (e) { if (e.status !== 401) banner("Cannot reach the server: " + e.message); return; }
  state.kinds = health.kinds || [];
  const kind = $("#kind");
  kind.replaceChildren(...state.kinds.map((k) => el("option", {value: k}, k)));
  setKinds(state.kinds);
  updateKindInputs();
  const examples = await loadExamples().catch(() => []);
  await loadScenarios().catch(() => {});
  refreshHistory();
  const onRunPage = /^\/runs\//.test(location.pathname);
  if (!onRunPage && getText() === "" && examples.length) await loadExample(examples[0].name);
  await route();
  openFromHash();
  document.body.dataset.ready = "1";
}

init();
