// An update run in the workbench (truce update, docs/evidence.md): the
// verdicts before and after the record, which profile the record favours,
// where the process is now and what comes next, and what the record moved.
import {el, isNum, num, pct, naturalCompare} from "./util.js";
import {barChart, chartBox} from "./charts.js";

export const isUpdateResult = (r) => !!(r && r.log_likelihood && r.record && Array.isArray(r.hypotheses));

const pid = (ctx, id) => (ctx.idp || "") + id;
const verdictClass = (v) => "verdict verdict-" + String(v || "").toLowerCase().replace(/[^a-z]+/g, "-");

// asOf names the end of the record: its last date, else its last step.
export const asOf = (r) => (r.record.last_date ? r.record.last_date : `step ${r.record.last_step}`);

function hypotheses(r, ctx) {
  const t = el("table", {id: pid(ctx, "posterior-hypotheses"), class: "hypotheses"},
    el("caption", {class: "sr-only"}, "Hypotheses before and after the record"),
    el("thead", {}, el("tr", {}, ["Id", "Claim", "Prior: implied by the assumptions", `Posterior: given the record to ${asOf(r)}`].map((h) => el("th", {scope: "col"}, h)))));
  const body = el("tbody");
  for (const h of [...r.hypotheses].sort((a, b) => naturalCompare(a.id, b.id))) {
    const flipped = h.prior_verdict !== h.posterior_verdict;
    body.append(el("tr", {"data-hypothesis": h.id, class: flipped ? "flip" : null},
      el("td", {}, h.id), el("td", {class: "claim"}, h.claim || h.expr || ""),
      el("td", {class: verdictClass(h.prior_verdict)}, `${h.prior_verdict} (in ${pct(h.prior_share)} of draws)`),
      el("td", {class: verdictClass(h.posterior_verdict)}, `${h.posterior_verdict} (${pct(h.posterior_share)} of the posterior)` + (flipped ? " — changed" : ""))));
  }
  t.append(body);
  return el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Hypotheses before and after the record"}, t);
}

function profilesTable(r, ctx) {
  const names = [...(r.profiles || Object.keys(r.log_likelihood))];
  const t = el("table", {id: pid(ctx, "profile-evidence")}, el("caption", {class: "sr-only"}, "Which profile the record favours"),
    el("thead", {}, el("tr", {}, ["Profile (what was played)", "Log-likelihood at central values", "Log evidence (over the prior)", "Posterior probability"].map((h) => el("th", {scope: "col"}, h)))));
  const body = el("tbody");
  for (const p of names) {
    const ll = r.log_likelihood[p];
    body.append(el("tr", {"data-profile": p}, el("th", {scope: "row"}, p),
      el("td", {class: "num"}, ll === null ? "impossible" : num(ll, 2)), el("td", {class: "num"}, num((r.log_evidence || {})[p], 2)),
      el("td", {class: "num"}, pct((r.profile_posterior || {})[p]))));
  }
  t.append(body);
  return el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Profiles and the record"}, t);
}

function parametersTable(r) {
  const iv = (s) => (s ? `${num(s.mean, 3)} [${num(s.lo, 3)}, ${num(s.hi, 3)}]` : "—");
  const t = el("table", {class: "posterior-parameters"}, el("caption", {class: "sr-only"}, "Parameters before and after the record"),
    el("thead", {}, el("tr", {}, ["Parameter", "Prior mean [5%, 95%]", "Posterior mean [5%, 95%]"].map((h) => el("th", {scope: "col"}, h)))));
  const body = el("tbody");
  for (const p of r.parameters || []) body.append(el("tr", {}, el("td", {}, p.name), el("td", {class: "num"}, iv(p.prior)), el("td", {class: "num"}, iv(p.posterior))));
  t.append(body);
  return el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Parameters before and after the record"}, t);
}

// shares are bars of a state → probability object, states in the file's
// order when the outline gives it.
function shares(obj, ctx) {
  const order = ((ctx.outline && ctx.outline.states) || []).map((s) => s.id);
  const names = Object.keys(obj || {});
  return [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n)).sort(naturalCompare)]
    .filter((s) => isNum(obj[s])).map((s) => ({label: s, mean: obj[s], colour: ctx.colourOf(s)}));
}

// updateAnswers is the top of an update run.
export function updateAnswers(r, ctx) {
  const rec = r.record;
  const out = [el("p", {class: "muted"}, `${r.scenario}: the record to ${asOf(r)} (${rec.observed_steps} observed of ${rec.last_step + 1} steps), ` +
    `${r.draws} prior draws, seed ${r.seed}; effective sample size ${num(r.ess, 1)}` +
    (r.rejuvenated ? " (the importance weights collapsed: a sequential Monte Carlo rejuvenated the draws)." : "."))];
  if (Array.isArray(r.warnings) && r.warnings.length) {
    out.push(el("ul", {class: "warnings", "aria-label": "Warnings"}, r.warnings.map((w) => el("li", {class: "flip"}, w))));
  }
  out.push(el("h4", {}, "Hypotheses before and after the record"),
    el("p", {class: "note"}, "Prior: the share of parameter draws in which the claim holds, implied by the assumptions. Posterior: the same share with each draw weighted by how probable it makes the record."),
    hypotheses(r, ctx),
    el("h4", {}, "Which profile the record favours"),
    el("p", {class: "note"}, "Each candidate profile is equally likely before the record; a difference of log evidence is a log Bayes factor."),
    profilesTable(r, ctx));
  if (r.now && r.now.states) {
    out.push(chartBox({id: pid(ctx, "now"), cls: "chart-now", title: `Where the process is now (${r.now.date || "step " + r.now.step}): filtered probability of each state`,
      chart: barChart(shares(r.now.states, ctx), {percent: true, title: "where it is now"})}));
  }
  if (r.predictive && r.predictive.reach) {
    const p = r.predictive;
    out.push(chartBox({id: pid(ctx, "ahead"), cls: "chart-ahead", title: `What comes next: in each state at some step of the next ${p.ahead} (to ${p.to_date || "step " + p.to_step})`,
      chart: barChart(shares(p.reach, ctx), {percent: true, title: "within the next steps"}),
      note: "Posterior-predictive: averaged over the posterior of the parameters and the profiles; a terminal state's share is the chance it has ended there by the last step."}));
  }
  return out;
}

// retrodiction says how probable the model found the dated past (the
// scenario's history, or the job's record) that an analysis was checked
// against: per profile the record's log-likelihood at central values and
// its surprise (the share of records simulated from the model at most as
// probable: small is surprising), with the warnings.
export function retrodiction(rd, ctx) {
  const rec = rd.record || {};
  const t = el("table", {id: pid(ctx, "retrodiction")}, el("caption", {class: "sr-only"}, "How probable the model found the dated past"),
    el("thead", {}, el("tr", {}, ["Profile", "Log-likelihood at central values", "Surprise (simulated records at most as probable)"].map((h) => el("th", {scope: "col"}, h)))));
  const body = el("tbody");
  for (const p of rd.profiles || []) {
    body.append(el("tr", {"data-profile": p.profile}, el("th", {scope: "row"}, p.profile),
      el("td", {class: "num"}, p.log_likelihood === null ? "impossible" + (p.impossible_at ? ` (from ${p.impossible_at})` : "") : num(p.log_likelihood, 2)),
      el("td", {class: "num" + (isNum(p.surprise) && p.surprise < rd.warn_below ? " flip" : "")}, pct(p.surprise))));
  }
  t.append(body);
  return [el("h4", {}, "The dated past"),
    el("p", {class: "note"}, `How probable the model found the record to ${rec.last_date || "step " + rec.last_step} (${rec.observed_steps} observed step${rec.observed_steps === 1 ? "" : "s"}), ` +
      `over ${rd.draws ? rd.draws + " draws" : "the central values"} and ${rd.sims} simulated records; a surprise below ${pct(rd.warn_below)} is warned about.`),
    Array.isArray(rd.warnings) && rd.warnings.length ? el("ul", {class: "warnings", "aria-label": "Retrodiction warnings"}, rd.warnings.map((w) => el("li", {class: "flip"}, w))) : null,
    el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "The dated past"}, t)];
}

// Sections of an update run's details.
export const UPDATE_SECTIONS = [
  {id: "posterior-parameters", title: "Parameters before and after the record",
    when: (r) => isUpdateResult(r) && Array.isArray(r.parameters) && r.parameters.length, render: (r) => parametersTable(r)},
  {id: "predictive-checks", title: "Predictive checks: how surprising the record is",
    when: (r) => isUpdateResult(r) && r.checks, render: (r) => el("p", {}, `Of ${r.checks.sims} records simulated from the prior, ${pct(r.checks.prior_p)} are as improbable as this one; from the posterior, ${pct(r.checks.posterior_p)}. ` +
      "A share near 0 means the model finds the record surprising: a prior-data conflict, and the posterior leans on the record more than on the assumptions.")},
];
