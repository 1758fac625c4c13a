// The parameter panel: every parameter of the scenario as form controls
// (its distribution, its numbers, a slider for its central value). An edit
// rewrites exactly the numbers it changes in the YAML text, in place, so
// comments and layout stay; the editor then validates the text as usual.
// In "what if" mode every valid edit re-runs a quick analysis at the
// parameters' central values, before and after, beside the saved run.
import {el, $, api, state, isNum, pct, naturalCompare, stat, points} from "./util.js";

const KINDS = ["fixed", "uniform", "triangular", "normal", "lognormal", "beta", "pert"];
const INFO_KEYS = /\b(label|description|rationale|source)\s*:/;

// fmtNum writes a number for the YAML text: up to 6 significant digits,
// no exponent for everyday sizes.
export function fmtNum(x) {
  if (!isFinite(x)) return "0";
  const s = String(Number(x.toPrecision(6)));
  return s.includes("e") ? x.toFixed(6).replace(/0+$/, "").replace(/\.$/, "") : s;
}

// centralFields returns the field values that give a distribution the
// central value c, keeping its spread where it can.
export function centralFields(p, c) {
  const f = Object.fromEntries(p.fields.map((x) => [x.key, x.value]));
  switch (p.dist) {
    case "fixed": return {value: c};
    case "uniform": { const w = f.max - f.min; return {min: c - w / 2, max: c + w / 2}; }
    case "triangular": {
      let mode = 3 * c - f.min - f.max;
      if (mode >= f.min && mode <= f.max) return {mode};
      const d = c - (f.min + f.mode + f.max) / 3;
      return {min: f.min + d, mode: f.mode + d, max: f.max + d};
    }
    case "normal": return {mean: c};
    case "lognormal": return c > 0 ? {mu: Math.log(c) - (f.sigma * f.sigma) / 2} : {};
    case "beta": { const k = f.a + f.b; const cc = Math.min(Math.max(c, 1e-6), 1 - 1e-6); return {a: cc * k, b: (1 - cc) * k}; }
    case "pert": {
      const lam = isFinite(f.lambda) ? f.lambda : 4;
      if (!("min" in f) || !("max" in f)) return {mode: c};
      const mode = ((lam + 2) * c - f.min - f.max) / lam;
      return {mode: Math.min(Math.max(mode, f.min), f.max)};
    }
  }
  return {};
}

// distText writes a parameter with central value c and range lo..hi as a
// distribution of another kind.
export function distText(kind, c, lo, hi) {
  if (!(hi > lo)) { const w = Math.abs(c) > 0 ? Math.abs(c) * 0.5 : 0.5; lo = c - w; hi = c + w; }
  const n = fmtNum;
  switch (kind) {
    case "fixed": return n(c);
    case "uniform": return `{dist: uniform, min: ${n(lo)}, max: ${n(hi)}}`;
    case "triangular": return `{dist: triangular, min: ${n(lo)}, mode: ${n(Math.min(Math.max(c, lo), hi))}, max: ${n(hi)}}`;
    case "normal": return `{dist: normal, mean: ${n(c)}, sd: ${n((hi - lo) / 4)}}`;
    case "lognormal": { const cc = c > 0 ? c : 1; const s = 0.5; return `{dist: lognormal, mu: ${n(Math.log(cc) - (s * s) / 2)}, sigma: ${n(s)}}`; }
    case "beta": { const cc = Math.min(Math.max(c, 0.01), 0.99); return `{dist: beta, a: ${n(10 * cc)}, b: ${n(10 * (1 - cc))}}`; }
    case "pert": return `{dist: pert, min: ${n(lo)}, mode: ${n(Math.min(Math.max(c, lo), hi))}, max: ${n(hi)}}`;
  }
  return n(c);
}

// sliderRange is where a central value may move: the parameter's range,
// widened for a fixed value.
function sliderRange(p) {
  let lo = p.lo, hi = p.hi;
  if (p.dist === "beta") { lo = 0; hi = 1; }
  if (!(hi > lo)) {
    const c = p.central;
    if (c >= 0 && c <= 1) { lo = 0; hi = 1; } else { lo = c - Math.max(1, Math.abs(c)); hi = c + Math.max(1, Math.abs(c)); }
  }
  return [Math.min(lo, p.central), Math.max(hi, p.central)];
}

// Panel is the parameter panel bound to the editor through edit, which
// replaces spans of text: edit([{line, col, old, text}]) -> bool.
export class Panel {
  constructor(root, edit) {
    this.root = root;
    this.edit = edit;
    this.outline = null;
    this.key = "";
    this.timers = new Map();
  }

  // update shows the parameters of a new outline (null: the text has
  // errors). The form is rebuilt only when the set of parameters or their
  // kinds changed; otherwise values are refreshed in place, so a field
  // being typed in keeps its focus.
  update(outline) {
    if (!outline) {
      this.root.classList.add("stale");
      $("#params-status").textContent = this.outline ? "fix the errors to edit parameters here" : "";
      return;
    }
    this.root.classList.remove("stale");
    $("#params-status").textContent = outline.parameters.length ? `${outline.parameters.length}` : "none";
    this.outline = structuredClone(outline);
    const key = outline.parameters.map((p) => p.name + ":" + p.dist + ":" + p.fields.map((f) => f.key).join(",") + ":" + p.editable + ":" + !!p.span).join("|");
    if (key !== this.key) {
      this.key = key;
      this.build();
      return;
    }
    for (const p of this.outline.parameters) {
      const box = this.root.querySelector(`[data-param="${CSS.escape(p.name)}"]`);
      if (!box) continue;
      for (const f of p.fields) {
        const inp = box.querySelector(`input[data-key="${CSS.escape(f.key)}"]`);
        if (inp && document.activeElement !== inp) inp.value = f.value;
      }
      this.setCentral(box, p);
    }
  }

  setCentral(box, p) {
    const r = box.querySelector("input[type=range]");
    const out = box.querySelector("output");
    if (r && document.activeElement !== r) {
      const [lo, hi] = sliderRange(p);
      r.min = lo; r.max = hi; r.step = (hi - lo) / 200 || "any";
      r.value = p.central;
    }
    if (out) out.value = fmtNum(p.central);
  }

  build() {
    const list = el("div", {class: "param-list"});
    for (const p of this.outline.parameters) list.append(this.paramBox(p));
    this.root.replaceChildren(list);
  }

  paramBox(p) {
    const id = "param-" + p.name.replace(/[^A-Za-z0-9_-]/g, "_");
    const canKind = p.editable && p.span && !INFO_KEYS.test(p.span.text);
    const kind = el("select", {"data-role": "dist", "aria-label": `distribution of ${p.name}`, disabled: !canKind,
      title: canKind ? "" : "written as a block or with a label: change the distribution in the text"},
    KINDS.map((k) => el("option", {value: k, selected: k === p.dist}, k)),
    KINDS.includes(p.dist) ? null : el("option", {value: p.dist, selected: true}, p.dist));
    kind.addEventListener("change", () => this.changeKind(p.name, kind.value));
    const fields = p.fields.map((f) => {
      const inp = el("input", {type: "number", step: "any", value: f.value, "data-key": f.key, "aria-label": `${p.name} ${f.key}`, disabled: !p.editable, size: 7});
      inp.addEventListener("input", () => this.later(p.name + "/" + f.key, () => this.setField(p.name, f.key, inp.value)));
      return el("label", {class: "field"}, el("span", {}, f.key), inp);
    });
    const [lo, hi] = sliderRange(p);
    const slider = el("input", {type: "range", min: lo, max: hi, step: (hi - lo) / 200 || "any", value: p.central, "aria-label": `central value of ${p.name}`,
      disabled: !p.editable || p.dist === "choice"});
    const out = el("output", {for: id + "-c"}, fmtNum(p.central));
    slider.id = id + "-c";
    slider.addEventListener("input", () => { out.value = fmtNum(Number(slider.value)); this.later(p.name + "/central", () => this.setCentralValue(p.name, Number(slider.value))); });
    return el("fieldset", {class: "param", "data-param": p.name, id},
      el("legend", {}, el("code", {}, p.name), p.label ? el("span", {class: "muted"}, " " + p.label) : null),
      p.description ? el("p", {class: "desc"}, p.description) : null,
      el("div", {class: "param-row"}, el("label", {class: "field"}, el("span", {}, "distribution"), kind), fields),
      el("div", {class: "param-row"}, el("label", {class: "field grow"}, el("span", {}, "central"), slider), out,
        el("span", {class: "muted small"}, ` range ${fmtNum(p.lo)} to ${fmtNum(p.hi)}`)),
      p.editable ? null : el("p", {class: "muted small"}, "Edit this one in the text (a list of choices, an expression or an alias)."));
  }

  // later runs f after the user pauses, once per key.
  later(key, f) {
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); f(); }, 300));
  }

  param(name) { return this.outline && this.outline.parameters.find((p) => p.name === name); }

  // apply writes new values for some fields of p in one editor change and
  // moves the recorded positions of the other numbers on the same lines.
  apply(p, values) {
    const edits = [];
    for (const f of p.fields) {
      if (!(f.key in values) || !isFinite(values[f.key])) continue;
      const text = fmtNum(values[f.key]);
      if (text === f.at.text) continue;
      edits.push({line: f.at.line, col: f.at.col, old: f.at.text, text, field: f});
    }
    if (!edits.length) return true;
    if (!this.edit(edits)) return false;
    // Later numbers on an edited line move by the change in length.
    for (const e of edits.sort((a, b) => b.col - a.col)) {
      const delta = e.text.length - e.old.length;
      for (const q of this.outline.parameters) {
        for (const f of q.fields) if (f !== e.field && f.at.line === e.line && f.at.col > e.col) f.at.col += delta;
        if (q.span && q.span.line === e.line && q.span.col > e.col) q.span.col += delta;
      }
      e.field.at.text = e.text;
      e.field.value = Number(e.text);
    }
    return true;
  }

  setField(name, key, value) {
    const p = this.param(name);
    const x = Number(value);
    if (!p || value === "" || !isFinite(x)) return;
    this.apply(p, {[key]: x});
  }

  setCentralValue(name, c) {
    const p = this.param(name);
    if (p) this.apply(p, centralFields(p, c));
  }

  changeKind(name, kind) {
    const p = this.param(name);
    if (!p || !p.span || kind === p.dist) return;
    this.edit([{line: p.span.line, col: p.span.col, old: p.span.text, text: distText(kind, p.central, p.lo, p.hi)}]);
  }
}

// ---------- what if ----------

// whatIf analyses the baseline and the edited text at central values and
// returns a box that shows, per profile and ending, the saved run's mean,
// the baseline and the edited text at central values, and the change;
// then the hypotheses that change their outcome at central values.
export async function whatIf(baseline, edited, run) {
  const [a, b] = await Promise.all([api("POST", "/api/whatif", {yaml: baseline}), api("POST", "/api/whatif", {yaml: edited})]);
  const saved = run && run.result && run.result.profiles ? run.result : null;
  const rows = [];
  const profiles = Object.keys(b.profiles || {}).sort(naturalCompare);
  for (const name of profiles) {
    const pa = (a.profiles || {})[name], pb = b.profiles[name];
    const ends = Object.keys(pb.endings || {}).sort(naturalCompare);
    const cell = (p, s) => (s === null ? p && p.unresolved && stat(p.unresolved.at_horizon) : p && p.endings && p.endings[s] && stat(p.endings[s].within_horizon));
    for (const s of [...ends, null]) {
      const x = cell(pa, s), y = cell(pb, s), z = saved && cell(saved.profiles[name], s);
      const d = x && y ? y.mean - x.mean : NaN;
      rows.push(el("tr", {class: Math.abs(d) >= 0.005 ? "changed" : ""}, el("th", {scope: "row"}, name), el("td", {}, s === null ? "unresolved at the horizon" : s),
        el("td", {class: "num"}, z ? pct(z.mean) : "—"), el("td", {class: "num"}, x ? pct(x.mean) : "—"), el("td", {class: "num"}, y ? pct(y.mean) : "—"),
        el("td", {class: "num delta " + (d > 0 ? "delta-pos" : d < 0 ? "delta-neg" : "")}, points(d))));
    }
  }
  const hyp = (r) => Object.fromEntries((r.hypotheses || []).map((h) => [h.id, h.holds_share >= 0.5]));
  const ha = hyp(a), hb = hyp(b);
  const flips = Object.keys(hb).filter((id) => ha[id] !== undefined && ha[id] !== hb[id]).sort(naturalCompare);
  const t = el("table", {id: "whatif-table"}, el("caption", {class: "sr-only"}, "What if"),
    el("thead", {}, el("tr", {}, ["Profile", "Ending", saved ? `Saved run (mean of ${saved.draws} draws)` : "Saved run", "Before the edit, at central values", "After the edit, at central values", "Change (percentage points)"].map((h) => el("th", {scope: "col"}, h)))),
    el("tbody", {}, rows));
  return el("section", {class: "whatif", id: "whatif", "aria-labelledby": "whatif-h"},
    el("h4", {id: "whatif-h"}, "What if: the edited parameters"),
    el("p", {class: "note"}, "Both analyses fix every parameter at its central value (one exact analysis each, not a distribution); the change is what the edit alone does there."),
    flips.length ? el("p", {class: "flip"}, "At central values these claims change: " + flips.map((id) => `${id} ${ha[id] ? "holds → fails" : "fails → holds"}`).join(", ")) : null,
    el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "What if"}, t));
}

export {state};
