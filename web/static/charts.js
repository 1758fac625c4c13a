// Charts of the workbench: interval bars, stacked shares and curves in
// SVG, with exact values on hover, and export of each chart as SVG, PNG
// and its data as CSV. Colours come per state from the scenario's outline
// (the report's rule, colour-blind safe), so a state has one colour in
// every chart of the page.
import {el, svg, isNum, num, pct, download, slug, $} from "./util.js";

// Paul Tol's "muted" scheme, as in the HTML report (report.stateColours):
// used for names the outline does not know, in the order first seen.
const FALLBACK = ["#332288", "#CC6677", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#88CCEE", "#DDCC77"];
export const UNRESOLVED = "unresolved at the horizon";
const FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif";

// makeColours returns colourOf(name) for a page: the outline's colour of a
// state, grey for unresolved, else a fallback colour by first use.
export function makeColours(outline) {
  const known = new Map();
  let grey = "#9a9a9a";
  if (outline) {
    for (const s of outline.states || []) known.set(s.id, s.colour);
    grey = outline.unresolved_colour || grey;
  }
  const extra = new Map();
  return (name) => {
    if (known.has(name)) return known.get(name);
    if (name === UNRESOLVED || name === "unresolved" || name === "never ends") return grey;
    if (!extra.has(name)) extra.set(name, FALLBACK[(known.size + extra.size) % FALLBACK.length]);
    return extra.get(name);
  };
}

// ---------- tooltip ----------

let tip;
function showTip(text, x, y) {
  if (!tip) {
    tip = el("div", {id: "chart-tip", class: "chart-tip", role: "tooltip"});
    document.body.append(tip);
  }
  tip.textContent = text;
  tip.hidden = false;
  const r = tip.getBoundingClientRect();
  const left = Math.min(x + 14, window.innerWidth - r.width - 8);
  const top = y + 16 + r.height > window.innerHeight ? y - r.height - 10 : y + 16;
  tip.style.left = Math.max(4, left) + "px";
  tip.style.top = Math.max(4, top) + "px";
}
function hideTip() { if (tip) tip.hidden = true; }

// tipOn makes an SVG element show text while the pointer is on it.
export function tipOn(node, text) {
  node.setAttribute("data-tip", text);
  node.append(svg("title", {}, text));
  return node;
}

export function wireTips(root) {
  root.addEventListener("pointermove", (e) => {
    const t = e.target.closest && e.target.closest("[data-tip]");
    if (t) showTip(t.getAttribute("data-tip"), e.clientX, e.clientY);
    else if (!root.dataset.hover) hideTip();
  });
  root.addEventListener("pointerleave", hideTip);
}

// chartWidth is the width charts are drawn at: their place on the page, so
// that on a phone the text stays as large as on a desktop.
const chartWidth = () => Math.round(Math.max(320, Math.min(560, (window.innerWidth || 560) - 48)));

const text = (x, y, s, attrs = {}) => svg("text", {x, y, "font-family": FONT, "font-size": 11, fill: "#1d2433", ...attrs}, s);

// labelWidth estimates the width of the widest label, within bounds.
const labelWidth = (labels, lo = 60, hi = Math.min(190, chartWidth() / 3)) => Math.min(hi, Math.max(lo, 8 + 6.4 * Math.max(0, ...labels.map((l) => String(l).length))));

// ---------- bars with intervals ----------

// barChart draws one horizontal bar per item (its mean) with the 5–95%
// interval as a whisker, drawn, not only in the tooltip. items:
// [{label, mean, lo, hi, colour}]; percent writes values as percentages.
export function barChart(items, {percent = false, title = ""} = {}) {
  const W = chartWidth(), rowH = 24, top = 6;
  const left = labelWidth(items.map((i) => i.label));
  const right = W < 480 ? 100 : percent ? 118 : 130;
  const H = top + items.length * rowH + 22;
  const f = percent ? pct : (x) => num(x, 2);
  let lo = 0, hi = percent ? 1 : 0;
  for (const it of items) for (const v of [it.lo, it.hi, it.mean]) if (isNum(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (hi === lo) hi = lo + 1;
  const x = (v) => left + ((v - lo) / (hi - lo)) * (W - left - right);
  const g = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title + ": " + items.map((it) => `${it.label} ${f(it.mean)}`).join(", ")});
  g.append(svg("rect", {x: 0, y: 0, width: W, height: H, fill: "#ffffff"}));
  g.append(svg("line", {x1: x(0), x2: x(0), y1: top - 2, y2: H - 18, stroke: "#8a93a6", "stroke-width": 1}));
  items.forEach((it, i) => {
    const y = top + i * rowH;
    const c = it.colour || FALLBACK[i % FALLBACK.length];
    const range = isNum(it.lo) && isNum(it.hi) ? ` (5–95%: ${f(it.lo)} to ${f(it.hi)})` : "";
    const row = tipOn(svg("g", {class: "bar", "data-label": it.label, "data-value": it.mean}), `${it.label}: ${f(it.mean)}${range}`);
    row.append(svg("rect", {x: 0, y, width: W, height: rowH, fill: "transparent"}));
    row.append(text(left - 6, y + 16, it.label, {"text-anchor": "end"}));
    const x0 = x(Math.min(0, it.mean)), x1 = x(Math.max(0, it.mean));
    row.append(svg("rect", {x: x0, y: y + 4, width: Math.max(x1 - x0, 1), height: rowH - 9, fill: c}));
    if (isNum(it.lo) && isNum(it.hi)) {
      const ym = y + rowH / 2;
      row.append(svg("line", {x1: x(it.lo), x2: x(it.hi), y1: ym, y2: ym, stroke: "#1d2433", "stroke-width": 1.5}));
      row.append(svg("line", {x1: x(it.lo), x2: x(it.lo), y1: ym - 4, y2: ym + 4, stroke: "#1d2433", "stroke-width": 1.5}));
      row.append(svg("line", {x1: x(it.hi), x2: x(it.hi), y1: ym - 4, y2: ym + 4, stroke: "#1d2433", "stroke-width": 1.5}));
    }
    row.append(text(W - right + 8, y + 16, f(it.mean) + (isNum(it.lo) && isNum(it.hi) ? ` [${f(it.lo)}, ${f(it.hi)}]` : ""), {"font-size": 10.5}));
    g.append(row);
  });
  g.append(text(x(lo), H - 4, f(lo), {"text-anchor": "start", fill: "#4a5468", "font-size": 10}));
  g.append(text(x(hi), H - 4, f(hi), {"text-anchor": "end", fill: "#4a5468", "font-size": 10}));
  wireTips(g);
  const csv = [["label", "mean", "lo_5pct", "hi_95pct"], ...items.map((it) => [it.label, it.mean, it.lo ?? "", it.hi ?? ""])];
  return {node: g, csv};
}

// ---------- stacked shares ----------

// stackedShares draws one 100% bar per row: rows [{label, parts: [{name,
// value, colour}]}]. Used for the endings of every profile at a glance.
export function stackedShares(rows, {title = ""} = {}) {
  const W = chartWidth(), rowH = 26, top = 4;
  const left = labelWidth(rows.map((r) => r.label), 80, 170);
  const H = top + rows.length * rowH + 4;
  const x = (v) => left + v * (W - left - 10);
  const g = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": title + ". " + rows.map((r) => `${r.label}: ` + r.parts.map((p) => `${p.name} ${pct(p.value)}`).join(", ")).join("; ")});
  g.append(svg("rect", {x: 0, y: 0, width: W, height: H, fill: "#ffffff"}));
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    g.append(text(left - 6, y + 17, r.label, {"text-anchor": "end"}));
    let acc = 0;
    for (const p of r.parts) {
      const v = Math.max(0, p.value || 0);
      const seg = tipOn(svg("rect", {x: x(acc), y: y + 4, width: Math.max(0, x(acc + v) - x(acc)), height: rowH - 8, fill: p.colour, class: "share",
        "data-label": p.name}), `${r.label}: ${p.name} ${pct(p.value)}`);
      g.append(seg);
      acc += v;
    }
  });
  wireTips(g);
  const names = [...new Set(rows.flatMap((r) => r.parts.map((p) => p.name)))];
  const csv = [["row", ...names], ...rows.map((r) => [r.label, ...names.map((n) => (r.parts.find((p) => p.name === n) || {}).value ?? "")])];
  return {node: g, csv};
}

// ---------- curves ----------

// lineChart draws probability curves against the step; hovering shows
// every curve's value at the step under the pointer.
export function lineChart(series, {colourOf, xlabel = "step", title = ""} = {}) {
  const W = chartWidth(), H = 230, left = 44, right = 12, top = 10, bottom = 30;
  const names = Object.keys(series);
  const n = Math.max(...names.map((k) => series[k].length), 2);
  let ymax = 1;
  for (const k of names) for (const v of series[k]) if (isNum(v) && v > ymax) ymax = v;
  const x = (i) => left + (i / (n - 1)) * (W - left - right);
  const y = (v) => top + (1 - v / ymax) * (H - top - bottom);
  const g = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": `${title}: ${names.map((k) => `${k} ${pct(series[k][series[k].length - 1])} at ${xlabel} ${series[k].length - 1}`).join(", ")}`});
  g.append(svg("rect", {x: 0, y: 0, width: W, height: H, fill: "#ffffff"}));
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    g.append(svg("line", {x1: left, x2: W - right, y1: y(t * ymax), y2: y(t * ymax), stroke: "#e6e9f0", "stroke-width": 1}));
    g.append(text(left - 4, y(t * ymax) + 4, ymax === 1 ? pct(t) : num(t * ymax, 2), {"text-anchor": "end", "font-size": 10, fill: "#4a5468"}));
  }
  g.append(svg("line", {x1: left, x2: W - right, y1: y(0), y2: y(0), stroke: "#8a93a6", "stroke-width": 1}));
  g.append(text(left, H - 8, `${xlabel} 0`, {"font-size": 10, fill: "#4a5468"}));
  g.append(text(W - right, H - 8, `${xlabel} ${n - 1}`, {"text-anchor": "end", "font-size": 10, fill: "#4a5468"}));
  const colour = (k, i) => (colourOf ? colourOf(k) : FALLBACK[i % FALLBACK.length]);
  names.forEach((k, i) => {
    const pts = series[k].map((v, t) => `${x(t).toFixed(1)},${y(isNum(v) ? v : 0).toFixed(1)}`).join(" ");
    g.append(svg("polyline", {points: pts, fill: "none", stroke: colour(k, i), "stroke-width": 2, class: "series", "data-series": k}));
  });
  // Hover: a guide at the step under the pointer and every value there.
  const guide = svg("line", {x1: 0, x2: 0, y1: top, y2: H - bottom, stroke: "#1d2433", "stroke-width": 1, "stroke-dasharray": "3 3", visibility: "hidden"});
  const overlay = svg("rect", {x: left, y: top, width: W - left - right, height: H - top - bottom, fill: "transparent", class: "hover-area"});
  g.append(guide, overlay);
  g.dataset.hover = "1";
  overlay.addEventListener("pointermove", (e) => {
    const box = g.getBoundingClientRect();
    const sx = ((e.clientX - box.left) / box.width) * W;
    const t = Math.max(0, Math.min(n - 1, Math.round(((sx - left) / (W - left - right)) * (n - 1))));
    guide.setAttribute("x1", x(t));
    guide.setAttribute("x2", x(t));
    guide.setAttribute("visibility", "visible");
    showTip(`${xlabel} ${t}: ` + names.map((k) => `${k} ${pct(series[k][t])}`).join(", "), e.clientX, e.clientY);
  });
  overlay.addEventListener("pointerleave", () => { guide.setAttribute("visibility", "hidden"); hideTip(); });
  const csv = [[xlabel, ...names], ...Array.from({length: n}, (_, t) => [t, ...names.map((k) => series[k][t] ?? "")])];
  return {node: g, csv};
}

// legend lists names with their colours.
export function legend(names, colourOf) {
  return el("ul", {class: "legend", "aria-label": "Legend"},
    names.map((n) => el("li", {}, el("i", {style: `background:${colourOf(n)}`, "aria-hidden": "true"}), n)));
}

// ---------- export ----------

// standalone returns the chart as an SVG document that stands on its own.
export function standalone(node, title) {
  const c = node.cloneNode(true);
  const vb = (c.getAttribute("viewBox") || "0 0 560 240").split(/\s+/).map(Number);
  c.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  c.setAttribute("width", vb[2]);
  c.setAttribute("height", vb[3]);
  c.querySelectorAll(".hover-area").forEach((e) => e.remove());
  c.insertBefore(svg("title", {}, title), c.firstChild);
  return new XMLSerializer().serializeToString(c);
}

export function toCSV(rows) {
  const cell = (v) => {
    const s = String(v ?? "");
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(",")).join("\n") + "\n";
}

// pngOf draws the chart onto a canvas at twice its size and returns it as
// a PNG blob.
export function pngOf(node, title) {
  return new Promise((resolve, reject) => {
    const src = standalone(node, title);
    const url = URL.createObjectURL(new Blob([src], {type: "image/svg+xml"}));
    const img = new Image();
    img.onload = () => {
      const c = document.createElement("canvas");
      c.width = img.width * 2;
      c.height = img.height * 2;
      const ctx = c.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.scale(2, 2);
      ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      c.toBlob((b) => (b ? resolve(b) : reject(new Error("canvas gave no PNG"))), "image/png");
    };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error("the chart could not be drawn as an image")); };
    img.src = url;
  });
}

// chartBox frames a chart with its title, legend and note, and buttons to
// export it: SVG and PNG of the chart, CSV of its data.
export function chartBox({id, title, chart, legendNode, note, cls}) {
  const name = slug(id || title);
  const buttons = el("div", {class: "export", role: "group", "aria-label": "Export " + title},
    el("button", {type: "button", class: "small", "data-export": "svg", onclick: () =>
      download(new Blob([standalone(chart.node, title)], {type: "image/svg+xml"}), name + ".svg")}, "SVG"),
    el("button", {type: "button", class: "small", "data-export": "png", onclick: async () => {
      try { download(await pngOf(chart.node, title), name + ".png"); } catch (e) { $("#banner").textContent = e.message; }
    }}, "PNG"),
    el("button", {type: "button", class: "small", "data-export": "csv", onclick: () =>
      download(new Blob([toCSV(chart.csv)], {type: "text/csv"}), name + ".csv")}, "CSV"));
  return el("figure", {class: "chart " + (cls || ""), id: id ? "chart-" + name : null},
    el("figcaption", {}, el("span", {class: "chart-title"}, title), buttons),
    chart.node, legendNode || null, note ? el("p", {class: "note"}, note) : null);
}
