// Shared helpers of the workbench: DOM building, number formatting, the
// page's state and the JSON API client (docs/api.md).

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

// el builds an HTML element. Text is always added as text, never parsed
// as HTML, so names and claims from a scenario cannot inject markup.
export const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    // Through the CSSOM: the page's policy forbids style attributes in markup.
    else if (k === "style") e.style.cssText = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat(Infinity)) if (kid !== null && kid !== undefined && kid !== false) e.append(kid);
  return e;
};

export const SVGNS = "http://www.w3.org/2000/svg";

// svg builds an SVG element; presentation is given as attributes (not
// CSS classes) so that an exported chart looks the same on its own.
export const svg = (tag, attrs = {}, ...kids) => {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  for (const kid of kids.flat(Infinity)) if (kid !== null && kid !== undefined) e.append(kid);
  return e;
};

export const isNum = (x) => typeof x === "number" && isFinite(x);

// num writes a number with d decimals; undefined figures are "—".
export const num = (x, d = 3) => (isNum(x) ? x.toFixed(d) : "—");

// pct writes a probability as a percentage: one decimal below 10%, none
// above; tiny but non-zero values as "<0.1%".
export const pct = (x) => {
  if (!isNum(x)) return "—";
  const p = 100 * x;
  if (p === 0) return "0%";
  if (Math.abs(p) < 0.1) return (p < 0 ? "−" : "") + "<0.1%";
  return (Math.abs(p) < 10 ? p.toFixed(1) : p.toFixed(0)) + "%";
};

// points writes a change of probability in percentage points.
export function points(d) {
  if (!isFinite(d)) return "—";
  const p = Math.abs(100 * d);
  if (p < 0.05) return "0 pp";
  return (d > 0 ? "+" : "−") + (p < 10 ? p.toFixed(1) : p.toFixed(0)) + " pp";
}

// stat reads a {mean, lo, hi} (or a bare number) as {mean, lo, hi}.
export const stat = (v) => {
  if (isNum(v)) return {mean: v};
  if (v && typeof v === "object" && isNum(v.mean)) return {mean: v.mean, lo: isNum(v.lo) ? v.lo : undefined, hi: isNum(v.hi) ? v.hi : undefined};
  return null;
};

// interval writes "12% (5–20%)" for a probability or "1.23 (0.5–2.0)".
export const interval = (s, asPct = true) => {
  if (!s) return "—";
  const f = asPct ? pct : (x) => num(x, 2);
  return isNum(s.lo) && isNum(s.hi) && (s.lo !== s.mean || s.hi !== s.mean) ? `${f(s.mean)} (${f(s.lo)}–${f(s.hi)})` : f(s.mean);
};

// naturalCompare orders strings with runs of digits as numbers: H2 before
// H10.
export const naturalCompare = (a, b) => String(a).localeCompare(String(b), "en", {numeric: true});

// slug makes an id fragment from a name.
export const slug = (s) => String(s).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "x";

// download saves a blob under name.
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el("a", {href: url, download: name, hidden: true});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// ---------- page state and API ----------

export const state = {
  token: localStorage.getItem("truce-token") || "",
  kinds: [],
  scenario: null, // the saved scenario open in the editor
  job: null,
  abort: null,
  editor: null,
  outline: null, // of the editor's text, when valid
  run: null, // the run shown
  baseline: "", // the text the parameter edits are measured against
};

export class APIError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export async function api(method, path, body, {raw = false, signal} = {}) {
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

export function askToken() {
  $("#token-box").hidden = false;
  banner("This server needs a token: enter the one given to truce serve --token.");
  $("#token").focus();
}

export function banner(msg) {
  const b = $("#banner");
  b.textContent = msg || "";
  b.hidden = !msg;
}
