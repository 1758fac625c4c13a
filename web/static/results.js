// The results view: answers first (hypotheses with their verdicts, the
// endings of every profile, what the verdicts move with), then details in
// sections that open on demand and can be linked (#s-reach). New kinds of
// results plug in as sections: each says when it applies and how it
// renders (SECTIONS below).
import {el, isNum, num, pct, stat, interval, naturalCompare, slug} from "./util.js";
import {barChart, stackedShares, lineChart, legend, chartBox, UNRESOLVED} from "./charts.js";
import {gmcrAnswers, stabilityTable, isGmcrResult} from "./gmcr.js";
import {updateAnswers, isUpdateResult, UPDATE_SECTIONS, retrodiction} from "./evidence.js";

// profileOrder lists a result's profiles in the file's order when the
// outline gives it (JSON objects come sorted by name).
function profileOrder(result, outline) {
  const names = Object.keys(result.profiles || {});
  const order = (outline && outline.profiles) || [];
  return [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n)).sort(naturalCompare)];
}

// terminalOrder lists the states named by an object's keys (a profile's
// endings, curves, times) in the file's order.
function terminalOrder(endings, outline) {
  const names = Object.keys(endings || {});
  const order = ((outline && outline.states) || []).map((s) => s.id);
  return [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n)).sort(naturalCompare)];
}

// endingItems are the bars of one profile's endings within the horizon:
// every terminal state and the share unresolved at the horizon, which sum
// to 1 (docs/analyze-json.md).
export function endingItems(p, ctx, which = "within_horizon") {
  const items = terminalOrder(p.endings, ctx.outline).map((s) => ({label: s, ...stat(p.endings[s][which]), colour: ctx.colourOf(s)}));
  const u = which === "within_horizon" ? p.unresolved && p.unresolved.at_horizon : p.unresolved && p.unresolved.eventually;
  if (u) items.push({label: which === "within_horizon" ? UNRESOLVED : "never ends", ...stat(u), colour: ctx.colourOf(UNRESOLVED)});
  return items.filter((it) => isNum(it.mean));
}

// where lists where the unresolved share sits at the horizon: "hormuz 10%".
function where(p) {
  const w = (p.unresolved && p.unresolved.where) || {};
  return Object.entries(w).map(([s, v]) => [s, stat(v)]).filter(([, v]) => v && v.mean > 0.0005)
    .sort((a, b) => b[1].mean - a[1].mean).map(([s, v]) => `${s} ${pct(v.mean)}`).join(", ");
}

const verdictClass = (v) => "verdict verdict-" + String(v || "").toLowerCase().replace(/[^a-z]+/g, "-");

// movesWith names the parameters whose draws move a hypothesis most
// (Spearman's rank correlation over the draws), strongest first.
function movesWith(result, id, n = 2) {
  const rc = result.rank_correlations;
  if (!rc || !Array.isArray(rc.outputs)) return "";
  const o = rc.outputs.find((x) => x.kind === "hypothesis" && x.output === id);
  if (!o) return "";
  return o.spearman.map((r, i) => [rc.parameters[i], r]).filter(([, r]) => isNum(r) && Math.abs(r) >= 0.1)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, n).map(([p, r]) => `${p} (ρ ${r > 0 ? "+" : "−"}${Math.abs(r).toFixed(2)})`).join(", ");
}

// pid prefixes an element id so that two results can share a page.
const pid = (ctx, id) => (ctx.idp || "") + id;

// verdictText is how a verdict reads: "unsettled" (a subsample's interval
// spans two categories) as "not settled", with the two when given.
export const verdictText = (v, between) => (v === "unsettled" ? "not settled" + (between && between.length ? ` (${between.join(" or ")})` : "") : String(v ?? ""));

// subsampleText says on how many draws a hypothesis with draws: N was
// evaluated, with its 95% interval (analyze: evaluated_draws,
// share_interval, verdict_between; update: subsample).
function subsampleText(result, h) {
  if (h.evaluated_draws && h.share_interval) {
    const all = (result.draws || 0) - ((result.failed_draws && result.failed_draws.count) || 0);
    let s = ` on ${h.evaluated_draws} of ${all} draws (95% interval ${pct(h.share_interval[0])}–${pct(h.share_interval[1])})`;
    if (h.verdict === "unsettled") s += `: not settled, ${(h.verdict_between || []).join(" or ")}`;
    return s;
  }
  if (h.subsample) {
    const ss = h.subsample;
    return ` on the first ${ss.draws} of ${result.draws || "?"} prior draws (95% interval ${pct(ss.prior_interval[0])}–${pct(ss.prior_interval[1])})`;
  }
  return "";
}

function hypothesesTable(result, ctx) {
  const hyps = [...result.hypotheses].sort((a, b) => naturalCompare(a.id, b.id));
  const posterior = hyps.some((h) => h.posterior !== undefined || h.posterior_verdict !== undefined);
  const head = ["Id", "Claim", "Verdict", "Holds in (share of draws)"];
  if (posterior) head.push("Posterior");
  head.push("Moves most with");
  const t = el("table", {id: pid(ctx, "hypotheses"), class: "hypotheses"},
    el("caption", {class: "sr-only"}, "Hypotheses with their verdicts"),
    el("thead", {}, el("tr", {}, head.map((h) => el("th", {scope: "col"}, h)))));
  const body = el("tbody");
  for (const h of hyps) {
    const share = h.holds_share ?? h.share;
    const cells = [
      el("td", {}, h.id || ""),
      el("td", {class: "claim"}, h.claim || h.expr || ""),
      el("td", {class: verdictClass(h.verdict)}, verdictText(h.verdict)),
      el("td", {class: "num"}, subsampleText(result, h) ? [pct(share), el("br"), el("small", {class: "muted", style: "white-space: normal"}, subsampleText(result, h).trim())] : pct(share)),
    ];
    if (posterior) cells.push(el("td", {class: verdictClass(h.posterior_verdict)}, [verdictText(h.posterior_verdict), isNum(h.posterior) ? ` ${pct(h.posterior)}` : ""].join("")));
    cells.push(el("td", {class: "muted"}, movesWith(result, h.id)));
    body.append(el("tr", {"data-hypothesis": h.id}, cells));
  }
  t.append(body);
  return t;
}

// endingsOverview is the answers' endings: one row per profile, each
// ending (terminal state or unresolved at the horizon) with its interval.
function endingsOverview(result, ctx) {
  const profiles = profileOrder(result, ctx.outline);
  const cols = [];
  for (const p of profiles) for (const s of terminalOrder(result.profiles[p].endings, ctx.outline)) if (!cols.includes(s)) cols.push(s);
  const t = el("table", {class: "endings-table", id: pid(ctx, "endings-table")},
    el("caption", {class: "sr-only"}, "Probability of each ending within the horizon, per profile"),
    el("thead", {}, el("tr", {}, el("th", {scope: "col"}, "Profile"),
      cols.map((c) => el("th", {scope: "col"}, el("i", {class: "swatch", style: `background:${ctx.colourOf(c)}`, "aria-hidden": "true"}), c)),
      el("th", {scope: "col"}, el("i", {class: "swatch", style: `background:${ctx.colourOf(UNRESOLVED)}`, "aria-hidden": "true"}), "unresolved at the horizon"))));
  const body = el("tbody");
  const rows = [];
  for (const name of profiles) {
    const p = result.profiles[name];
    if (!p.endings) continue;
    const u = stat(p.unresolved && p.unresolved.at_horizon);
    const w = where(p);
    body.append(el("tr", {"data-profile": name}, el("th", {scope: "row"}, name),
      cols.map((c) => el("td", {class: "num"}, p.endings[c] ? interval(stat(p.endings[c].within_horizon)) : "—")),
      el("td", {class: "num"}, interval(u), w ? el("div", {class: "muted small"}, "in " + w) : null)));
    rows.push({label: name, parts: endingItems(p, ctx).map((it) => ({name: it.label, value: it.mean, colour: it.colour}))});
  }
  t.append(body);
  const chart = stackedShares(rows, {title: "Endings within the horizon, per profile"});
  return [el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Endings per profile"}, t),
    chartBox({id: pid(ctx, "endings-overview"), title: `Endings within the horizon (${horizonText(result)}), per profile`, chart, cls: "chart-endings-overview",
      legendNode: legend([...cols, UNRESOLVED], ctx.colourOf)})];
}

const horizonText = (r) => `${r.horizon} ${r.period || "step"}${r.horizon === 1 ? "" : "s"}`;

// ---------- sections ----------

function profileCharts(result, ctx, f) {
  return profileOrder(result, ctx.outline).map((name) => el("div", {class: "profile", "data-profile": name},
    el("h4", {}, "Profile " + name), f(name, result.profiles[name])));
}

// SECTIONS are the details of a result, in order. Each applies when its
// data is present; sections for results other helpers add (posterior
// verdicts, the equilibrium set, leverage, global sensitivity) render
// what their JSON has and are ready for it.
const SECTIONS = [
  {id: "endings", title: "Endings by profile: within the horizon and eventually",
    when: (r) => r.profiles && Object.values(r.profiles).some((p) => p.endings),
    render: (r, ctx) => profileCharts(r, ctx, (name, p) => {
      if (!p.endings) return el("p", {class: "muted"}, "No endings.");
      const w = where(p);
      return [
        chartBox({id: pid(ctx, `endings-${name}`), cls: "chart-endings", title: `${name}: how it ends within the horizon (${horizonText(r)})`,
          chart: barChart(endingItems(p, ctx, "within_horizon"), {percent: true, title: `${name}: endings within the horizon`}),
          note: "Terminal states and the share still unresolved at the horizon: they sum to 1." + (w ? ` Unresolved paths are in ${w}.` : "")}),
        chartBox({id: pid(ctx, `eventually-${name}`), cls: "chart-eventually", title: `${name}: how it ends eventually (no horizon)`,
          chart: barChart(endingItems(p, ctx, "eventually"), {percent: true, title: `${name}: endings eventually`}),
          note: "If nothing changes for ever; \"never ends\" is the share that stays among states from which no ending can be reached."}),
      ];
    })},
  {id: "reach", title: "Reach curves: probability of having entered each state by each step",
    when: (r) => r.profiles && Object.values(r.profiles).some((p) => p.reach),
    render: (r, ctx) => profileCharts(r, ctx, (name, p) => {
      const series = {};
      for (const [s, v] of Object.entries(p.reach || {})) {
        const arr = Array.isArray(v) ? v : v && Array.isArray(v.mean) ? v.mean : null;
        if (arr) series[s] = arr;
      }
      const names = terminalOrder(series, ctx.outline);
      const ordered = Object.fromEntries(names.map((k) => [k, series[k]]));
      return chartBox({id: pid(ctx, `reach-${name}`), cls: "chart-reach", title: `${name}: entered by ${r.period || "step"}`,
        chart: lineChart(ordered, {colourOf: ctx.colourOf, xlabel: r.period || "step", title: `${name}: reach`}), legendNode: legend(names, ctx.colourOf)});
    })},
  {id: "time", title: "Expected step of first entry",
    when: (r) => r.profiles && Object.values(r.profiles).some((p) => p.time && Object.keys(p.time).length),
    render: (r, ctx) => profileCharts(r, ctx, (name, p) => {
      const items = terminalOrder(p.time, ctx.outline).map((s) => ({label: s, ...stat(p.time[s]), colour: ctx.colourOf(s)})).filter((x) => isNum(x.mean));
      return items.length ? chartBox({id: pid(ctx, `time-${name}`), cls: "chart-time", title: `${name}: expected ${r.period || "step"} of first entry (paths that enter)`,
        chart: barChart(items, {title: `${name}: first entry`})}) : el("p", {class: "muted"}, "No state is entered.");
    })},
  {id: "values", title: "Expected discounted value by actor and component",
    when: (r) => r.profiles && Object.values(r.profiles).some((p) => p.value),
    render: (r, ctx) => profileCharts(r, ctx, (name, p) => {
      const items = [];
      for (const [actor, v] of Object.entries(p.value || {})) {
        const total = stat(v && v.total !== undefined ? v.total : v);
        if (total) items.push({label: `${actor} total`, ...total, colour: "#1d2433"});
        for (const [c, cv] of Object.entries((v && v.components) || {})) {
          const x = stat(cv);
          if (x) items.push({label: `${actor} ${c}`, ...x, colour: ctx.colourOf("component:" + c)});
        }
      }
      return items.length ? chartBox({id: pid(ctx, `values-${name}`), cls: "chart-values", title: `${name}: value by actor and component`,
        chart: barChart(items, {title: `${name}: values`})}) : el("p", {class: "muted"}, "No values.");
    })},
  {id: "hangs-on", title: "What the verdicts move with: rank correlations over the draws",
    when: (r) => r.rank_correlations && Array.isArray(r.rank_correlations.outputs) && r.rank_correlations.outputs.length,
    render: (r) => {
      const rc = r.rank_correlations;
      const t = el("table", {class: "rankcorr"}, el("caption", {class: "sr-only"}, "Spearman correlations"),
        el("thead", {}, el("tr", {}, ["Output", "Strongest parameters (Spearman ρ)"].map((h) => el("th", {scope: "col"}, h)))));
      const body = el("tbody");
      const outs = [...rc.outputs].sort((a, b) => (a.kind === b.kind ? naturalCompare(a.output, b.output) : a.kind === "hypothesis" ? -1 : 1));
      for (const o of outs) {
        const top = o.spearman.map((v, i) => [rc.parameters[i], v]).filter(([, v]) => isNum(v)).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, 4);
        body.append(el("tr", {}, el("td", {}, o.output), el("td", {}, top.map(([p, v]) => `${p} ${v > 0 ? "+" : "−"}${Math.abs(v).toFixed(2)}`).join(", "))));
      }
      t.append(body);
      return [el("p", {class: "note"}, `Over ${rc.draws} draws: near ±1, the output rises or falls steadily with the parameter; near 0, it does not move with it alone. A correlation is implied by the assumptions, not evidence.`),
        el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Rank correlations"}, t)];
    }},
  // Posterior verdicts (evidence loop), the equilibrium set and leverage,
  // and global sensitivity: rendered from their JSON when a result has it.
  {id: "posterior", title: "Posterior: the verdicts after the evidence",
    when: (r) => r.posterior || r.evidence,
    render: (r) => genericBlock(r.posterior || r.evidence)},
  {id: "equilibria", title: "Equilibria: the set found and how it was selected",
    when: (r) => !isGmcrResult(r) && (r.equilibrium_set || r.equilibria),
    render: (r) => genericBlock(r.equilibrium_set || r.equilibria)},
  {id: "leverage", title: "Leverage: which lever moves the other side",
    when: (r) => r.leverage, render: (r, ctx) => leverageBlock(r.leverage, ctx)},
  {id: "global-sensitivity", title: "Global sensitivity",
    when: (r) => r.sobol || r.global_sensitivity, render: (r) => genericBlock(r.sobol || r.global_sensitivity)},
  ...UPDATE_SECTIONS,
  {id: "gmcr-stability", title: "Stability of every state for every decision maker",
    when: isGmcrResult, render: (r, ctx) => stabilityTable(r, ctx)},
  {id: "credibility", title: "Credibility of each prescribed play (one-shot deviations)",
    when: (r) => Array.isArray(r.credibility) && r.credibility.length, render: (r, ctx) => credibilityTable(r.credibility, ctx)},
  {id: "tornadoes", title: "Sensitivity: each output over each parameter's range",
    when: (r) => r.Tornadoes || r.tornadoes, render: (r, ctx) => tornadoes(r, ctx)},
  {id: "checks", title: "Monte Carlo against the exact analysis",
    when: (r) => Array.isArray(r.checks) && r.checks.length, render: (r) => checksTable(r.checks)},
  {id: "json", title: "Full result (JSON)", when: () => true,
    render: (r) => el("pre", {tabindex: "0", "aria-label": "Full result as JSON"}, JSON.stringify(r, null, 2))},
];

// genericBlock shows a result part no section knows yet as a readable
// list of its fields.
function genericBlock(v) {
  return el("pre", {tabindex: "0"}, JSON.stringify(v, null, 2));
}

// leverageBlock renders the leverage section as the HTML report does:
// each actor's best response to each profile, then each actor's optimal
// commitment (names and plays come from the scenario: el adds them as
// text, never as markup).
function leverageBlock(lv, ctx) {
  const lines = (xs) => (xs || []).map((x) => el("div", {}, x));
  const table = (id, label, heads, rows) => {
    const t = el("table", {id: pid(ctx, id), class: "leverage"}, el("caption", {class: "sr-only"}, label),
      el("thead", {}, el("tr", {}, heads.map((h) => el("th", {scope: "col"}, h)))));
    const b = el("tbody");
    for (const r of rows) b.append(r);
    t.append(b);
    return el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": label}, t);
  };
  const out = [el("p", {class: "note"}, `At the parameters' central values, values from ${lv.initial}. A best response is an actor's best strategy against the others' play in a profile, solved exactly (policy iteration, certified by the Bellman residual). A gain above 0 means the profile asks of that actor something it would not do in its own interest, at the decision points listed.`)];
  const resp = lv.responses || [];
  if (resp.length) {
    out.push(table("leverage-responses", "Best responses", ["Profile", "Actor", "Value as in the profile", "Best-response value", "Gain", "Where it would play otherwise"],
      resp.map((x) => el("tr", {}, el("td", {}, x.profile), el("td", {}, x.actor), el("td", {class: "num"}, num(x.profile_value)),
        el("td", {class: "num"}, num(x.best_value)), el("td", {class: "num"}, num(x.gain)),
        el("td", {}, x.changes && x.changes.length ? lines(x.changes) : "nowhere: already a best response")))));
  }
  const com = lv.commitments || [];
  if (com.length) {
    out.push(el("p", {class: "note"}, "Optimal commitment: the leader announces a stationary strategy (in a clocked scenario, a play per state and step until the clock runs out) and keeps to it; the follower answers with its best response (ties in the leader's favour). The value of commitment is what the leader gains over the selected equilibrium."));
    out.push(table("leverage-commitments", "Optimal commitments", ["Leader", "Commits to", "Follower's response", "Leader's value", "In the equilibrium", "Value of commitment", "How found"],
      com.map((x) => el("tr", {}, el("td", {}, x.leader), el("td", {}, lines(x.commitment)),
        el("td", {}, el("div", {}, x.follower + ":"), lines(x.follower_response)), el("td", {class: "num"}, num(x.leader_value)),
        el("td", {class: "num"}, x.has_equilibrium ? num(x.equilibrium_leader_value) : "–"),
        el("td", {class: "num"}, x.has_equilibrium ? num(x.value_of_commitment) + (x.exact ? "" : " or more") : "–"),
        el("td", {}, x.exact ? x.method : [el("strong", {}, "heuristic"), `: ${x.method}; ${x.tried} commitments evaluated`])))));
  }
  for (const n of lv.notes || []) out.push(el("p", {class: "note"}, n));
  return out;
}

function credibilityTable(rows, ctx) {
  const t = el("table", {id: pid(ctx, "credibility")}, el("caption", {class: "sr-only"}, "Credibility"),
    el("thead", {}, el("tr", {}, ["Profile", "Actor", "State", "After", "Prescribed", "Best deviation", "Gain", "Credible"].map((h) => el("th", {scope: "col"}, h)))));
  const b = el("tbody");
  for (const x of rows) {
    b.append(el("tr", {}, el("td", {}, x.profile), el("td", {}, x.actor), el("td", {}, x.state), el("td", {}, x.after || ""), el("td", {}, x.play),
      el("td", {}, x.best_deviation), el("td", {class: "num"}, num(x.gain, 4)),
      el("td", {class: "verdict " + (x.credible ? "verdict-supported" : "verdict-rejected")}, x.credible ? "credible" : "not credible")));
  }
  t.append(b);
  return el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Credibility"}, t);
}

function checksTable(checks) {
  const t = el("table", {class: "checks"}, el("caption", {class: "sr-only"}, "Checks"),
    el("thead", {}, el("tr", {}, ["Figure", "Exact", "Monte Carlo", "SE", "Z"].map((h) => el("th", {scope: "col"}, h)))));
  const b = el("tbody");
  for (const c of checks) b.append(el("tr", {}, el("td", {}, c.figure), el("td", {class: "num"}, num(c.exact, 4)), el("td", {class: "num"}, num(c.mean, 4)), el("td", {class: "num"}, num(c.se, 4)), el("td", {class: "num"}, num(c.z, 2))));
  t.append(b);
  return t;
}

// g reads a field under its Go name or its snake_case JSON name.
const g = (o, ...ks) => { for (const k of ks) if (o && o[k] !== undefined) return o[k]; return undefined; };

function tornadoes(r, ctx) {
  const out = [];
  for (const tor of g(r, "Tornadoes", "tornadoes") || []) {
    const items = (g(tor, "Bars", "bars") || []).map((b) => ({label: g(b, "Param", "param"), mean: g(b, "AtHi", "at_hi"), lo: g(b, "OutMin", "out_min"), hi: g(b, "OutMax", "out_max")}));
    if (!items.length) continue;
    const output = g(tor, "Output", "output");
    out.push(chartBox({id: pid(ctx, "tornado-" + slug(output)), cls: "chart-tornado", title: `${output} (base ${num(g(tor, "Base", "base"))}): at each parameter's high end, and its range over the sweep`,
      chart: barChart(items, {title: output})}));
  }
  return out;
}

function breakEvens(r) {
  const be = g(r, "BreakEvens", "break_evens") || [];
  if (!be.length) return el("p", {class: "muted"}, "No verdict flips within any parameter's range.");
  const t = el("table", {class: "breakevens"}, el("caption", {class: "sr-only"}, "Break-even values"),
    el("thead", {}, el("tr", {}, ["Hypothesis", "Parameter", "Flips at", "Below", "Above"].map((h) => el("th", {scope: "col"}, h)))));
  const b = el("tbody");
  for (const x of [...be].sort((a, c) => naturalCompare(g(a, "Hypothesis", "hypothesis"), g(c, "Hypothesis", "hypothesis")))) {
    b.append(el("tr", {}, el("td", {}, g(x, "Hypothesis", "hypothesis")), el("td", {}, g(x, "Param", "param")), el("td", {class: "num"}, num(g(x, "Value", "value"), 4)),
      el("td", {class: verdictClass(g(x, "Below", "below"))}, g(x, "Below", "below")), el("td", {class: verdictClass(g(x, "Above", "above"))}, g(x, "Above", "above"))));
  }
  t.append(b);
  return t;
}

function solveSummary(r, ctx) {
  const eq = r.equilibrium;
  const cert = `largest one-shot deviation gain ${isNum(eq.max_deviation_gain) ? eq.max_deviation_gain.toExponential(2) : "—"}; ` +
    (eq.converged ? "an equilibrium" : "NOT converged" + (eq.reason ? ": " + eq.reason : "")) + ` (method ${eq.method})`;
  const t = el("table", {id: pid(ctx, "equilibrium")}, el("caption", {class: "sr-only"}, "Equilibrium play"),
    el("thead", {}, el("tr", {}, ["Actor", "State", "Equilibrium play", "Value from here"].map((h) => el("th", {scope: "col"}, h)))));
  const body = el("tbody");
  for (const [actor, states] of Object.entries(eq.play || {})) {
    for (const [st, play] of Object.entries(states)) {
      const txt = Object.entries(play).filter(([, p]) => p > 1e-9).sort((a, b) => b[1] - a[1]).map(([a, p]) => (p > 1 - 1e-9 ? a : `${a} ${num(p)}`)).join(", ");
      body.append(el("tr", {}, el("td", {}, actor), el("td", {}, st), el("td", {}, txt), el("td", {class: "num"}, num((eq.values[actor] || {})[st]))));
    }
  }
  t.append(body);
  // How the equilibrium was selected and what else the set holds (the
  // search around it; docs/solve.md).
  const set = eq.summary ? el("p", {class: eq.found > 1 ? "flip" : "note"},
    `Selected by ${eq.selection || "the default rule"}. The set searched: ${eq.summary}.` +
    (eq.found > 1 ? ` Other equilibria exist: the play below is one of ${eq.found}` + (isNum(eq.spread) ? `, and actors' values from the start differ by up to ${num(eq.spread, 3)} between them.` : ".") : "")) : null;
  return [el("h3", {}, "Markov-perfect equilibrium at central parameter values"), el("p", {class: eq.converged ? "status-done" : "status-failed"}, cert), set,
    el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Equilibrium play"}, t)];
}

function simulationSummary(r, ctx) {
  const states = (r.stats && r.stats.states) || [];
  const items = states.filter((s) => s.entered && isNum(s.entered.mean))
    .map((s) => ({label: s.id, mean: s.entered.mean, lo: s.entered.mean - 2 * (s.entered.se || 0), hi: s.entered.mean + 2 * (s.entered.se || 0), colour: ctx.colourOf(s.id)}));
  return [el("h3", {}, `Simulation of profile ${r.profile}: ${r.runs} paths`),
    items.length ? chartBox({id: pid(ctx, "entered"), cls: "chart-entered", title: "Share of paths that entered each state by the horizon (±2 SE)",
      chart: barChart(items, {percent: true, title: "entered by the horizon"})}) : null,
    isNum(r.max_abs_z) ? el("p", {class: "note"}, `Largest |z| against the exact analysis: ${num(r.max_abs_z, 2)} (below about 4, the simulation agrees).`) : null];
}

// answers is the top of the results: what the analyst came for.
function answers(result, ctx) {
  const box = el("section", {class: "answers", id: pid(ctx, "answers"), "aria-labelledby": pid(ctx, "answers-h")}, el("h3", {id: pid(ctx, "answers-h")}, "Answers"));
  if (result.profiles && result.horizon !== undefined) {
    box.append(el("p", {class: "muted"}, `${result.title || result.scenario || ""}: ${result.draws} draw${result.draws === 1 ? "" : "s"}` +
      (result.parameters_fixed ? " (no parameter has a distribution)" : ` of the parameters, seed ${result.seed}`) + `, horizon ${horizonText(result)}.`));
  }
  if (ctx.whatIf) box.append(ctx.whatIf);
  if (isGmcrResult(result)) box.append(...gmcrAnswers(result, ctx));
  if (isUpdateResult(result)) box.append(...updateAnswers(result, ctx));
  if (Array.isArray(result.hypotheses) && result.hypotheses.length && !isUpdateResult(result)) {
    box.append(el("h4", {}, "Hypotheses"),
      el("p", {class: "note"}, "Verdicts: supported when the claim holds in at least 90% of the draws, rejected at most 10%, else uncertain. The share is implied by the assumptions, not evidence." +
        (result.hypotheses.some((h) => h.evaluated_draws) ? " A claim evaluated on fewer draws (draws: in the file) says on how many, with the 95% interval of its share; \"not settled\" when that interval spans two verdicts." : "")),
      el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Hypotheses"}, hypothesesTable(result, ctx)));
  }
  if (result.profiles && Object.values(result.profiles).some((p) => p.endings)) {
    box.append(el("h4", {}, "Endings"),
      el("p", {class: "note"}, result.draws > 1 && !result.parameters_fixed
        ? `Probability of each ending within the horizon: the mean over the ${result.draws} draws, and in brackets the 5% and 95% quantiles over the draws (how far the assumptions spread it, not a confidence interval). Each row's means sum to 100%; the quantiles do not.`
        : "Probability of each ending within the horizon; each row sums to 100%."),
      ...endingsOverview(result, ctx));
  }
  if (result.retrodiction && Array.isArray(result.retrodiction.profiles)) box.append(...retrodiction(result.retrodiction, ctx).filter(Boolean));
  if (Array.isArray(result.skipped_profiles) && result.skipped_profiles.length) {
    box.append(el("p", {class: "note"}, `Not analysed: ${result.skipped_profiles.join(", ")} (equilibrium profiles are solved on every draw, which is slow; name one under "profile" to include it).`));
  }
  if (result.equilibrium && result.equilibrium.play) box.append(...solveSummary(result, ctx));
  if (result.stats && result.checks) box.append(...simulationSummary(result, ctx));
  if (g(result, "BreakEvens", "break_evens", "Tornadoes", "tornadoes") !== undefined) box.append(el("h4", {}, "Where a verdict flips"), breakEvens(result));
  return box;
}

// renderResult draws a result: answers, then every section that applies,
// closed unless the address names it (#s-ID).
export function renderResult(result, ctx) {
  const out = el("div", {class: "result"});
  if (!result || typeof result !== "object") return out;
  out.append(answers(result, ctx));
  const nav = el("nav", {class: "sections-nav", "aria-label": "Details"});
  const details = [];
  for (const s of SECTIONS) {
    let ok = false;
    try { ok = !!s.when(result); } catch { ok = false; }
    if (!ok) continue;
    const id = pid(ctx, "s-" + s.id);
    // The summary holds only text (a link inside it would nest two
    // controls); the list of sections above links to each one.
    const d = el("details", {id, class: "section", "data-section": s.id}, el("summary", {}, s.title));
    // Render a section the first time it opens: the page stays light.
    let done = false;
    const fill = () => { if (done) return; done = true; d.append(el("div", {class: "section-body"}, s.render(result, ctx))); };
    d.addEventListener("toggle", () => { if (d.open) fill(); });
    if (location.hash === "#" + id) { d.open = true; fill(); }
    details.push(d);
    nav.append(el("a", {href: "#" + id, onclick: () => { d.open = true; fill(); }}, s.title.split(":")[0]));
  }
  out.append(el("section", {class: "details", "aria-label": "Details"}, el("h3", {}, "Details"), nav, details));
  return out;
}
