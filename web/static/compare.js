// The comparison of two runs, most telling first: verdicts that flipped,
// the largest changes in endings and values, what changed in the
// scenario (a readable list and the text diff) and in the run's settings,
// then both results side by side and every number that differs.
import {el, $, api, num, pct, points, banner} from "./util.js";
import {renderResult, verdictText} from "./results.js";
import {makeColours} from "./charts.js";

const verdictClass = (v) => "verdict verdict-" + String(v || "none").toLowerCase().replace(/[^a-z]+/g, "-");

function runLink(r, label) {
  return el("a", {href: "/runs/" + r.id, class: "run-link"}, `${label}: ${r.kind} of ${r.scenario_name || "scenario"} (${r.id})`);
}

function changeList(changes, emptyText) {
  if (!changes.length) return el("p", {class: "muted"}, emptyText);
  return el("ul", {class: "changes"}, changes.map((c) => el("li", {class: "change-" + c.change},
    el("strong", {}, c.section + (c.item ? " " + c.item : "")), ` ${c.change}: `,
    c.a ? el("code", {class: "a"}, c.a) : null, c.a && c.b ? " → " : null, c.b ? el("code", {class: "b"}, c.b) : null)));
}

function lineDiff(d) {
  if (d.same) return el("p", {class: "muted"}, "The two runs used the same scenario text.");
  const pre = el("pre", {class: "textdiff", tabindex: "0", "aria-label": "Text diff of the two scenarios"});
  for (const l of d.lines) {
    const where = l.op === "…" ? "" : `${l.a || ""}`.padStart(4) + " " + `${l.b || ""}`.padStart(4) + " ";
    pre.append(el("span", {class: "dl dl-" + ({"-": "del", "+": "add", " ": "eq", "…": "skip"}[l.op] || "eq")}, where + (l.op === "…" ? "   …" : l.op + " " + l.text) + "\n"));
  }
  return [pre, d.lines_cut ? el("p", {class: "note"}, "The diff is cut short.") : null];
}

const isProb = (path) => /\.(endings|unresolved)\./.test(path) || /\.(absorb|reach)\./.test(path);

// figureName reads a result path as words: "pressure: war within the
// horizon", "restraint: A's value (material)".
export function figureName(path) {
  let m;
  if ((m = path.match(/^profiles\.([^.]+)\.endings\.([^.]+)\.(within_horizon|eventually)\.mean$/))) return `${m[1]}: ${m[2]} ${m[3] === "eventually" ? "eventually" : "within the horizon"}`;
  if ((m = path.match(/^profiles\.([^.]+)\.unresolved\.at_horizon\.mean$/))) return `${m[1]}: unresolved at the horizon`;
  if ((m = path.match(/^profiles\.([^.]+)\.unresolved\.where\.([^.]+)\.mean$/))) return `${m[1]}: unresolved at the horizon, in ${m[2]}`;
  if ((m = path.match(/^profiles\.([^.]+)\.unresolved\.eventually\.mean$/))) return `${m[1]}: never ends`;
  if ((m = path.match(/^profiles\.([^.]+)\.value\.([^.]+)\.total\.mean$/))) return `${m[1]}: ${m[2]}'s value`;
  if ((m = path.match(/^profiles\.([^.]+)\.value\.([^.]+)\.components\.([^.]+)\.mean$/))) return `${m[1]}: ${m[2]}'s value (${m[3]})`;
  return path;
}

function diffTable(rows, id, caption, names = false) {
  const t = el("table", {id}, el("caption", {class: "sr-only"}, caption),
    el("thead", {}, el("tr", {}, ["Figure", "A", "B", rows.some((d) => isProb(d.path)) ? "B − A (probabilities in percentage points)" : "B − A"].map((h) => el("th", {scope: "col"}, h)))));
  const body = el("tbody");
  for (const d of rows) {
    // A change of probability is in percentage points: "+33 pp", not
    // "+33%", which reads as a relative change.
    const prob = isProb(d.path), f = prob ? pct : (x) => num(x, 3);
    body.append(el("tr", {"data-path": d.path}, el("td", {class: names ? "" : "path"}, names ? figureName(d.path) : d.path), el("td", {class: "num"}, f(d.a)), el("td", {class: "num"}, f(d.b)),
      el("td", {class: "num " + (d.delta > 0 ? "delta-pos" : d.delta < 0 ? "delta-neg" : "")}, d.delta === undefined || d.delta === null ? "—" : prob ? points(d.delta) : (d.delta > 0 ? "+" : "") + f(d.delta))));
  }
  t.append(body);
  return el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption}, t);
}

export async function showCompare(a, b) {
  const root = $("#compare-body");
  root.replaceChildren(el("p", {class: "muted"}, "loading the comparison…"));
  let cmp;
  try { cmp = await api("GET", `/api/runs/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`); } catch (e) { banner(e.message); root.replaceChildren(); return; }
  let outline = null;
  try { outline = (await api("POST", "/api/validate?outline=1", cmp.a.yaml || "")).outline; } catch { /* colours fall back */ }
  const ctx = {outline, colourOf: makeColours(outline)};
  const flips = cmp.verdict_flips || [];
  const largest = cmp.largest_changes || [];
  const endings = largest.filter((d) => isProb(d.path)), values = largest.filter((d) => !isProb(d.path));
  const gmcr = cmp.a.result && cmp.a.result.kind === "graph-model" && cmp.b.result && cmp.b.result.kind === "graph-model";
  const eqc = cmp.equilibrium_changes || [];
  const codes = (xs) => xs.join(", ");
  const parts = [
    el("p", {class: "compare-runs"}, runLink(cmp.a, "A"), el("br"), runLink(cmp.b, "B")),
    gmcr ? el("section", {class: "flips", id: "equilibrium-changes", "aria-labelledby": "eqc-h"}, el("h3", {id: "eqc-h"}, "Equilibria that changed"),
      eqc.length ? el("ul", {class: "flip-list"}, eqc.map((c) => el("li", {class: "flip", "data-concept": c.concept},
        el("strong", {}, c.concept.toUpperCase() === "NASH" ? "Nash" : c.concept.toUpperCase()), ": ",
        c.gained.length ? `now also ${codes(c.gained)}` : "", c.gained.length && c.lost.length ? "; " : "", c.lost.length ? `no longer ${codes(c.lost)}` : "")))
        : el("p", {class: "muted"}, "The same equilibria under every concept.")) :
    el("section", {class: "flips", id: "flips", "aria-labelledby": "flips-h"}, el("h3", {id: "flips-h"}, "Verdicts that changed"),
      flips.length ? el("ul", {class: "flip-list"}, flips.map((f) => el("li", {class: "flip", "data-hypothesis": f.id},
        el("strong", {}, f.id), " ", f.claim ? el("span", {}, f.claim + " ") : null,
        el("span", {class: verdictClass(f.a)}, verdictText(f.a, f.between_a) || "absent"), " → ", el("span", {class: verdictClass(f.b)}, verdictText(f.b, f.between_b) || "absent"),
        el("span", {class: "muted"}, ` (holds in ${pct(f.share_a)} → ${pct(f.share_b)} of draws)`))))
        : el("p", {class: "muted"}, "No verdict changed.")),
    gmcr ? null : el("section", {"aria-labelledby": "largest-h"}, el("h3", {id: "largest-h"}, "Largest changes in endings"),
      endings.length ? diffTable(endings, "largest-endings", "Largest changes in endings", true) : el("p", {class: "muted"}, "No ending changed."),
      values.length ? [el("h4", {}, "Largest changes in values"), diffTable(values, "largest-values", "Largest changes in values", true)] : null),
    el("section", {"aria-labelledby": "scen-h"}, el("h3", {id: "scen-h"}, "What changed in the scenario"),
      changeList(cmp.scenario.changes || [], "Nothing: the same scenario."),
      cmp.scenario.same ? null : el("details", {id: "s-textdiff", class: "section", open: true}, el("summary", {}, "Text diff"), lineDiff(cmp.scenario))),
    el("section", {"aria-labelledby": "settings-h"}, el("h3", {id: "settings-h"}, "What changed in the run's settings"),
      changeList(cmp.settings || [], "The same kind and settings.")),
    el("details", {class: "section", id: "s-side-by-side"}, el("summary", {}, "Both results side by side"),
      el("div", {class: "compare-grid"},
        el("div", {id: "compare-a", class: "panel"}, el("h3", {}, "A"), renderResult(cmp.a.result, {...ctx, idp: "a-"})),
        el("div", {id: "compare-b", class: "panel"}, el("h3", {}, "B"), renderResult(cmp.b.result, {...ctx, idp: "b-"})))),
    el("details", {class: "section", id: "s-every-number"}, el("summary", {}, `Every number that differs (${cmp.diff.length}${cmp.diff_cut ? ` of ${cmp.diff.length + cmp.diff_cut}` : ""})`),
      cmp.diff.length ? diffTable(cmp.diff, "diff-table", "Every number that differs") : el("p", {class: "muted"}, "The two results are identical.")),
  ];
  root.replaceChildren(...parts.filter(Boolean));
}
