// The graph-model (GMCR) lens in the workbench: a gmcr run's equilibria
// under each stability concept, why the status quo is or is not stable,
// the paths from it to each equilibrium and the improvement graph (SVG,
// exportable), and the stability table of every state (server/gmcr.go).
import {el, svg} from "./util.js";
import {chartBox, tipOn, wireTips} from "./charts.js";

// A text is a graph-model conflict when it says `kind: graph-model` at
// the top level (docs/gmcr.md); the server reads it the same way.
export const isConflictText = (text) => /^kind[ \t]*:[ \t]*["']?graph-model["']?[ \t]*(#.*)?\r?$/m.test(text);

export const isGmcrResult = (r) => r && r.kind === "graph-model" && Array.isArray(r.states);

const TITLES = {nash: "Nash", gmr: "GMR", smr: "SMR", seq: "SEQ"};
const title = (k) => TITLES[k] || k;
const MEANING = {
  nash: "no decision maker has a unilateral improvement",
  gmr: "every improvement can be sanctioned by the others",
  smr: "every improvement can be sanctioned, and the mover cannot escape the sanction",
  seq: "every improvement can be sanctioned by the others' own improvements (credible sanctions)",
};
// Decision makers' colours: Okabe–Ito, distinct under the common
// colour-vision deficiencies; every arrow is also named in the legend.
const DM_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
const dmColour = (i) => DM_COLOURS[i % DM_COLOURS.length];

const stateText = (s) => `${s.code} (${s.taken})`;
const pid = (ctx, id) => (ctx.idp || "") + id;

function sanctionsText(r) {
  return r.sanctions === "single" ? "one move by one opponent (gmcr-py before 2016)" : "any legal sequence of the others' moves, no one twice in a row (Fang, Hipel & Kilgour 1993)";
}

// equilibriaTable lists the equilibria under each concept.
function equilibriaTable(r, ctx) {
  const t = el("table", {id: pid(ctx, "gmcr-equilibria")}, el("caption", {class: "sr-only"}, "Equilibria under each stability concept"),
    el("thead", {}, el("tr", {}, ["Concept", "Equilibria (state: options taken)", "Meaning"].map((h) => el("th", {scope: "col"}, h)))));
  const body = el("tbody");
  for (const k of r.concepts) {
    const list = r.equilibria[k] || [];
    body.append(el("tr", {"data-concept": k}, el("th", {scope: "row"}, title(k)),
      el("td", {}, list.length ? el("ul", {class: "plain"}, list.map((s) => el("li", {"data-code": s.code}, stateText(s)))) : "none"),
      el("td", {class: "muted"}, MEANING[k] || "")));
  }
  t.append(body);
  return el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Equilibria"}, t);
}

// statusQuoWhy says, per decision maker, under which concepts the status
// quo is stable, and for each unsanctioned improvement what it is.
function statusQuoWhy(r) {
  const sq = r.status_quo;
  const by = {};
  for (const w of sq.why || []) (by[w.dm] = by[w.dm] || []).push(w);
  const items = [];
  for (const [dm, ws] of Object.entries(by)) {
    const stable = ws.filter((w) => w.stable).map((w) => title(w.concept));
    const unstable = ws.filter((w) => !w.stable);
    let txt = `${dm}: ` + (stable.length ? `stable under ${stable.join(", ")}` : "stable under no concept");
    if (unstable.length) {
      const free = new Map();
      for (const w of unstable) for (const a of w.improvements || []) if (!a.sanction || !a.sanction.length) {
        if (!free.has(a.to)) free.set(a.to, {a, under: []});
        free.get(a.to).under.push(title(w.concept));
      }
      txt += "; unstable under " + unstable.map((w) => title(w.concept)).join(", ") + ": " +
        [...free.values()].map(({a, under}) => `the move to ${a.to} (${a.change}) is not sanctioned under ${under.join(", ")}`).join("; ");
    }
    items.push(el("li", {"data-dm": dm}, txt + "."));
  }
  return el("ul", {class: "gmcr-why"}, items);
}

// pathsList says how the conflict can get from the status quo to each
// equilibrium.
function pathsList(r) {
  const sq = r.status_quo;
  return el("ul", {class: "gmcr-paths"}, sq.paths.map((p) => {
    const how = !p.reachable ? "not reachable from the status quo" :
      !p.moves.length ? "is the status quo" :
      `${p.by_improvements ? "reachable by improvements" : "reachable only through a move its mover does not prefer"} in ${p.moves.length} move${p.moves.length === 1 ? "" : "s"}: ` +
      p.moves.map((m) => `${m.dm} ${m.change} → ${m.to}`).join(", ");
    return el("li", {"data-code": p.to.code}, `${stateText(p.to)}, equilibrium under ${p.concepts.map(title).join(", ")}: ${how}.`);
  }));
}

// graphChart draws the improvement graph from the status quo: one column
// per distance, states as boxes (green: an equilibrium under some concept,
// thick: the status quo), improvements as arrows coloured by decision
// maker. Hovering a box or an arrow says what it is.
function graphChart(r, ctx) {
  const g = r.status_quo.graph;
  const dms = r.conflict.decision_makers.map((d) => d.id);
  const colW = 120, boxW = 64, boxH = 26, rowH = 40, top = 30, left = 12;
  const cols = new Map();
  for (const n of g.nodes) { if (!cols.has(n.depth)) cols.set(n.depth, []); cols.get(n.depth).push(n); }
  const maxDepth = Math.max(0, ...cols.keys());
  const pos = new Map();
  let maxRows = 0;
  for (const [d, ns] of cols) {
    ns.sort((a, b) => a.code - b.code).forEach((n, i) => pos.set(n.code, [left + d * colW, top + i * rowH]));
    maxRows = Math.max(maxRows, ns.length);
  }
  const legendY = top + maxRows * rowH + 12;
  const W = Math.max(320, left * 2 + maxDepth * colW + boxW), H = legendY + 22 * Math.ceil(dms.length / 3) + 8;
  const mark = (i) => pid(ctx, `gmcr-arrow-${i}`);
  const root = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `States reachable from the status quo ${g.nodes[0] ? g.nodes[0].code : ""} by unilateral improvements: ` +
    g.edges.map((e) => `${e.dm} ${e.from} to ${e.to}`).join(", ")});
  root.append(svg("rect", {x: 0, y: 0, width: W, height: H, fill: "#ffffff"}));
  root.append(svg("defs", {}, dms.map((_, i) => svg("marker", {id: mark(i), viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse"},
    svg("path", {d: "M0,0L10,5L0,10z", fill: dmColour(i)})))));
  root.append(svg("text", {x: left, y: 16, "font-size": 11, fill: "#4a5468", "font-family": "system-ui, sans-serif"}, "distance from the status quo, in moves →"));
  for (const e of g.edges) {
    const p = pos.get(e.from), q = pos.get(e.to);
    if (!p || !q) continue;
    const i = dms.indexOf(e.dm);
    const attrs = {fill: "none", stroke: dmColour(i), "stroke-width": 1.4, "marker-end": `url(#${mark(i)})`, class: "gmcr-edge", "data-dm": e.dm, "data-from": e.from, "data-to": e.to};
    let line;
    if (q[0] <= p[0]) { // same column or backwards: bend above
      const x1 = p[0] + boxW / 2, x2 = q[0] + boxW / 2, y = Math.min(p[1], q[1]) - 18;
      line = svg("path", {d: `M${x1},${p[1]} C${x1 + 40},${y} ${x2 + 40},${y} ${x2},${q[1]}`, ...attrs});
    } else {
      line = svg("line", {x1: p[0] + boxW, y1: p[1] + boxH / 2, x2: q[0], y2: q[1] + boxH / 2, ...attrs});
    }
    root.append(tipOn(svg("g", {}, line), `${e.dm}: ${e.from} → ${e.to} (${e.change})`));
  }
  for (const n of g.nodes) {
    const [x, y] = pos.get(n.code);
    const eq = n.equilibrium && n.equilibrium.length;
    const row = r.states.find((s) => s.code === n.code);
    const tip = `state ${n.code}` + (row ? ` (${row.taken})` : "") + (eq ? `: equilibrium under ${n.equilibrium.map(title).join(", ")}` : "") + (n.depth === 0 ? "; the status quo" : "");
    root.append(tipOn(svg("g", {class: "gmcr-node", "data-code": n.code, "data-equilibrium": eq ? n.equilibrium.join(",") : ""},
      svg("rect", {x, y, width: boxW, height: boxH, rx: 4, fill: eq ? "#d8f0e3" : "#ffffff", stroke: eq ? "#00664a" : "#555555", "stroke-width": n.depth === 0 ? 2.5 : 1}),
      svg("text", {x: x + boxW / 2, y: y + boxH / 2 + 4, "text-anchor": "middle", "font-size": 11, fill: "#1d2433", "font-family": "system-ui, sans-serif"}, String(n.code))), tip));
  }
  dms.forEach((dm, i) => {
    const x = left + (i % 3) * 110, y = legendY + Math.floor(i / 3) * 22;
    root.append(svg("line", {x1: x, y1: y, x2: x + 24, y2: y, stroke: dmColour(i), "stroke-width": 2}),
      svg("text", {x: x + 30, y: y + 4, "font-size": 11, fill: "#1d2433", "font-family": "system-ui, sans-serif"}, `${dm} moves`));
  });
  wireTips(root);
  // Drawn at its own size at most: a small graph is not blown up.
  root.style.maxWidth = W + "px";
  const csv = [["dm", "from", "to", "change"], ...g.edges.map((e) => [e.dm, e.from, e.to, e.change])];
  return {node: root, csv};
}

const pct = (x) => (100 * x).toFixed(1) + "%";

// bridgeSection compares the lenses, as `truce gmcr` prints it: for each
// scenario state the conflict maps to, the cardinal verdict beside the
// ordinal one, the states left out and why, and the findings.
function bridgeSection(r, ctx) {
  const b = r.bridge;
  const dms = b.decision_makers.map((d) => d.derived ? `${d.dm}'s preferences come from the scenario (actor ${d.actor})` :
    `${d.dm}'s preferences are the file's; the scenario's values order ${d.pairs_ordered_differently} of ${b.pairs} pairs of states differently`);
  const t = el("table", {id: pid(ctx, "gmcr-bridge")}, el("caption", {class: "sr-only"}, "Ordinal and cardinal answers"),
    el("thead", {}, el("tr", {}, ["Scenario state", `Cardinal: eventually ends there, or share of the ${b.horizon} steps spent there`, "Ordinal: equilibrium under"].map((h) => el("th", {scope: "col"}, h)))),
    el("tbody", {}, b.verdicts.map((v) => el("tr", {"data-state": v.state}, el("th", {scope: "row"}, v.state), el("td", {}, v.cardinal),
      el("td", {}, v.equilibrium_under.length ? v.equilibrium_under.map(title).join(", ") : "none")))));
  const left = (b.unmapped || []).map((u) => el("li", {"data-state": u.state}, `${u.state}: ${u.reason}`));
  if (b.unaccounted && b.unaccounted.length) left.push(el("li", {class: "warn"}, `${b.unaccounted.join(", ")}: the bridge gives no reason (list them under bridge: unmapped:)`));
  return [el("h4", {}, `Ordinal and cardinal answers: bridge to ${b.scenario} (version ${b.scenario_version})`),
    el("p", {class: "muted"}, `Central parameters; its Markov-perfect equilibrium by ${b.method}, largest one-shot gain ${b.max_deviation_gain.toPrecision(2)}` +
      (b.converged ? "" : ", NOT converged") + "; other equilibria may exist. " + dms.join("; ") + "."),
    el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Ordinal and cardinal answers"}, t),
    el("p", {class: "note"}, `Never ends (cardinal): ${pct(b.never_ends)}.`),
    left.length ? el("div", {}, el("p", {class: "note"}, "Scenario states no conflict state stands for:"), el("ul", {class: "gmcr-unmapped"}, left)) : null,
    el("p", {class: "note"}, b.robust ? "Robust: the lenses agree on where the standoff settles." : "Not robust: the lenses do not agree on where the standoff settles."),
    el("ul", {class: "gmcr-findings"}, b.findings.map((f) => el("li", {"data-kind": f.kind}, `${f.kind}: ${f.text}`)))].filter(Boolean);
}

// gmcrAnswers is the top of a gmcr run: the equilibria, the status quo and
// the way from it.
export function gmcrAnswers(r, ctx) {
  const c = r.conflict;
  const out = [el("p", {class: "muted"}, `${c.title || c.name}: ${c.decision_makers.length} decision makers, ${c.options} options, ` +
      `${c.feasible_states} feasible states of ${c.states}. Sanctions: ${sanctionsText(r)}.`),
    el("h4", {}, "Equilibria"),
    el("p", {class: "note"}, "A state is an equilibrium under a concept when it is stable for every decision maker. Ordinal: only each side's ranking of the states is used, no payoffs or probabilities."),
    equilibriaTable(r, ctx)];
  const sq = r.status_quo;
  if (sq) {
    out.push(el("h4", {}, `The status quo: state ${stateText(sq.state)}`), statusQuoWhy(r),
      el("h4", {}, "From the status quo to each equilibrium"), pathsList(r));
    if (sq.graph && sq.graph.nodes.length) {
      out.push(chartBox({id: pid(ctx, "gmcr-graph"), cls: "chart-gmcr-graph", title: `States reachable from the status quo ${sq.state.code} by unilateral improvements`,
        chart: graphChart(r, ctx),
        note: "Each arrow is one decision maker's unilateral improvement; green states are equilibria under at least one concept." + (sq.graph.truncated ? " Cut at the first states found: more are reachable." : "")}));
    }
  } else {
    out.push(el("p", {class: "note"}, "The file names no status_quo, so there is no status-quo analysis."));
  }
  if (r.bridge) out.push(...bridgeSection(r, ctx));
  return out;
}

// stabilityTable is every state's stability for every decision maker
// under each concept, as in the report: E marks an equilibrium, × names
// the decision makers for whom the state is unstable.
export function stabilityTable(r, ctx, limit = 1024) {
  const dms = r.conflict.decision_makers.map((d) => d.id);
  const t = el("table", {id: pid(ctx, "gmcr-stability"), class: "gmcr-stability"}, el("caption", {class: "sr-only"}, "Stability of every feasible state"),
    el("thead", {}, el("tr", {}, el("th", {scope: "col"}, "State"), el("th", {scope: "col"}, "Options taken"),
      dms.map((d) => el("th", {scope: "col"}, `${d} rank`)), r.concepts.map((k) => el("th", {scope: "col"}, title(k))))));
  const body = el("tbody");
  for (const s of r.states.slice(0, limit)) {
    body.append(el("tr", {"data-code": s.code}, el("th", {scope: "row"}, String(s.code)), el("td", {}, s.taken),
      dms.map((d) => el("td", {class: "num"}, String(s.ranks[d]))),
      r.concepts.map((k) => {
        const un = dms.filter((d) => !s.stable[d][k]);
        return el("td", {class: un.length ? "" : "gmcr-eq"}, un.length ? "× " + un.join(", ") : "E");
      })));
  }
  t.append(body);
  return [el("p", {class: "note"}, "E: an equilibrium (stable for every decision maker); × names those for whom the state is unstable. Ranks: each side's preference level, higher preferred." +
      (r.states.length > limit ? ` The first ${limit} of ${r.states.length} states; the full table is in the JSON and the report.` : "")),
    el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Stability of every state"}, t)];
}
