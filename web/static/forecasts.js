// The forecast ledger in the workbench: every dated forecast `truce
// forecast` stored (the model's and analysts'), and once `truce score` has
// resolved them against a record, each source's Brier and log scores,
// Murphy's decomposition and its reliability diagram (calibration plot).
import {$, el, svg, api, banner, isNum, num, pct, naturalCompare} from "./util.js";
import {chartBox, tipOn, wireTips} from "./charts.js";

// Okabe–Ito colours per source, in order; each point also names its source
// in its tooltip and the legend.
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

// reliabilityChart draws the observed frequency against the mean forecast
// of each bin, per source, with the diagonal of perfect calibration; a
// point's size grows with its bin's count.
export function reliabilityChart(sources) {
  const S = Math.round(Math.max(300, Math.min(440, (window.innerWidth || 440) - 48)));
  const left = 44, right = 22, top = 12, bottom = 38, W = S, H = S;
  const x = (v) => left + v * (W - left - right), y = (v) => top + (1 - v) * (H - top - bottom);
  const root = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Reliability diagram: observed frequency against mean forecast per bin. " +
    sources.map((s) => `${s.source}: ` + s.bins.filter((b) => b.n).map((b) => `${pct(b.mean_forecast)} forecast, ${pct(b.observed_frequency)} observed (${b.n})`).join("; ")).join(". ")});
  root.append(svg("rect", {x: 0, y: 0, width: W, height: H, fill: "#ffffff"}));
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    root.append(svg("line", {x1: x(0), x2: x(1), y1: y(t), y2: y(t), stroke: "#e6e9f0", "stroke-width": 1}),
      svg("text", {x: left - 4, y: y(t) + 4, "text-anchor": "end", "font-size": 10, fill: "#4a5468", "font-family": "system-ui, sans-serif"}, pct(t)),
      svg("text", {x: x(t), y: H - bottom + 14, "text-anchor": "middle", "font-size": 10, fill: "#4a5468", "font-family": "system-ui, sans-serif"}, pct(t)));
  }
  root.append(svg("line", {x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: "#8a93a6", "stroke-width": 1, "stroke-dasharray": "4 3"}),
    svg("text", {x: x(0.5), y: H - 6, "text-anchor": "middle", "font-size": 11, fill: "#1d2433", "font-family": "system-ui, sans-serif"}, "mean forecast in the bin"),
    svg("text", {x: 12, y: y(0.5), "text-anchor": "middle", "font-size": 11, fill: "#1d2433", "font-family": "system-ui, sans-serif", transform: `rotate(-90 12 ${y(0.5)})`}, "observed frequency"));
  sources.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = s.bins.filter((b) => b.n > 0 && isNum(b.mean_forecast) && isNum(b.observed_frequency));
    if (pts.length > 1) root.append(svg("polyline", {points: pts.map((b) => `${x(b.mean_forecast).toFixed(1)},${y(b.observed_frequency).toFixed(1)}`).join(" "), fill: "none", stroke: c, "stroke-width": 1.5}));
    for (const b of pts) {
      const text = `${s.source}, forecasts in ${pct(b.lo)}–${pct(b.hi)}: ${b.n}, mean forecast ${num(b.mean_forecast, 3)}, resolved yes ${num(b.observed_frequency, 3)}`;
      // A different mark per source as well as a colour.
      const mark = i % 2 === 0 ? svg("circle", {cx: x(b.mean_forecast), cy: y(b.observed_frequency), r: Math.min(9, 3 + Math.sqrt(b.n)), fill: c, stroke: "#ffffff", "stroke-width": 1})
        : svg("rect", {x: x(b.mean_forecast) - 4.5, y: y(b.observed_frequency) - 4.5, width: 9, height: 9, fill: c, stroke: "#ffffff", "stroke-width": 1});
      root.append(tipOn(svg("g", {class: "rel-point", "data-source": s.source, "data-n": b.n}, mark), text));
    }
  });
  wireTips(root);
  root.style.maxWidth = W + "px"; // drawn at its own size at most
  const csv = [["source", "bin_lo", "bin_hi", "n", "mean_forecast", "observed_frequency"],
    ...sources.flatMap((s) => s.bins.map((b) => [s.source, b.lo, b.hi, b.n, b.mean_forecast ?? "", b.observed_frequency ?? ""]))];
  return {node: root, csv};
}

function scoresTable(sc) {
  const head = ["Source", "Resolved", "Brier", "Log score", "Reliability", "Resolution", "Uncertainty", "Base rate", "Brier skill"];
  const t = el("table", {id: "scores-table"}, el("caption", {class: "sr-only"}, "Scores per source"),
    el("thead", {}, el("tr", {}, head.map((h) => el("th", {scope: "col"}, h)))));
  const body = el("tbody");
  for (const s of sc.sources) {
    body.append(el("tr", {"data-source": s.source}, el("th", {scope: "row"}, s.source), el("td", {class: "num"}, String(s.n)),
      el("td", {class: "num"}, num(s.brier, 4)), el("td", {class: "num"}, s.log === null ? "−∞ (a certain forecast failed)" : num(s.log, 4)),
      el("td", {class: "num"}, num(s.reliability, 4)), el("td", {class: "num"}, num(s.resolution, 4)), el("td", {class: "num"}, num(s.uncertainty, 4)),
      el("td", {class: "num"}, pct(s.base_rate)), el("td", {class: "num"}, s.brier_skill === null ? "— (every question alike)" : num(s.brier_skill, 3))));
  }
  t.append(body);
  return el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Scores per source"}, t);
}

function ledgerTable(list) {
  const t = el("table", {id: "ledger-table"}, el("caption", {class: "sr-only"}, "Forecasts, newest first"),
    el("thead", {}, el("tr", {}, ["Scenario", "Question", "Source", "As of", "Closes", "Probability", "Outcome"].map((h) => el("th", {scope: "col"}, h)))));
  const body = el("tbody");
  for (const f of list) {
    const when = (step, date) => (date ? `${date} (step ${step})` : `step ${step}`);
    body.append(el("tr", {"data-forecast": f.id}, el("td", {}, f.scenario || ""), el("td", {}, f.question), el("td", {}, f.source + (f.method ? ` (${f.method})` : "")),
      el("td", {}, when(f.as_of_step, f.as_of_date)), el("td", {}, when(f.closes_step, f.closes_date)), el("td", {class: "num"}, pct(f.probability)),
      el("td", {class: f.outcome === null ? "muted" : f.outcome ? "verdict-supported" : "verdict-rejected", title: f.resolution || ""},
        f.outcome === null ? "open" : f.outcome ? "yes" : "no")));
  }
  t.append(body);
  return el("div", {class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Forecast ledger"}, t);
}

// showForecasts fills the forecasts view for one scenario (all when "").
export async function showForecasts(scenario = "") {
  const root = $("#forecasts-body");
  root.replaceChildren(el("p", {class: "muted"}, "loading the ledger…"));
  let all, list, sc;
  const q = scenario ? "?scenario=" + encodeURIComponent(scenario) : "";
  try {
    [all, list, sc] = await Promise.all([api("GET", "/api/forecasts?limit=100000"), api("GET", "/api/forecasts" + q), api("GET", "/api/forecasts/scores" + q)]);
  } catch (e) { banner(e.message); root.replaceChildren(); return; }
  const names = [...new Set(all.map((f) => f.scenario || ""))].sort(naturalCompare);
  const pick = el("select", {id: "forecast-scenario", onchange: (e) => {
    const u = new URL(location.href);
    if (e.target.value) u.searchParams.set("scenario", e.target.value); else u.searchParams.delete("scenario");
    history.pushState({}, "", u.pathname + u.search);
    showForecasts(e.target.value);
  }}, el("option", {value: ""}, "every scenario"), names.map((n) => el("option", {value: n, selected: n === scenario}, n || "(no scenario)")));
  const parts = [el("div", {class: "toolbar"}, el("label", {}, "scenario ", pick)),
    el("p", {class: "note"}, "Forecasts are added with ", el("code", {}, "truce forecast FILE --question Q"), " (the model's or an analyst's, as of a date) and resolved against what happened with ",
      el("code", {}, "truce score FILE --record R.csv"), "; both use this workbench's database by default. A score covers resolved forecasts only.")];
  if (!sc.resolved) {
    parts.push(el("p", {id: "no-scores", class: "muted"}, sc.forecasts ? `${sc.forecasts} forecast${sc.forecasts === 1 ? "" : "s"}, none resolved yet: nothing to score.` : "No forecasts in the ledger."));
  } else {
    parts.push(el("h3", {}, "Scores"),
      el("p", {class: "muted"}, `${sc.resolved} resolved of ${sc.forecasts} forecasts (${sc.open} open). Brier: mean squared error of the probability (0 best, 0.25 for always 50%); log score: mean natural log of the probability given to what happened (0 best). ` +
        "Brier = reliability − resolution + uncertainty: reliability is the calibration error (0 best), resolution how far the outcomes of the bins are from the base rate (higher is better)."),
      scoresTable(sc),
      chartBox({id: "reliability", cls: "chart-reliability", title: `Reliability diagram${scenario ? " of " + scenario : ""}: ${sc.resolved} resolved forecasts in ${sc.bins} bins`,
        chart: reliabilityChart(sc.sources),
        legendNode: el("ul", {class: "legend", "aria-label": "Legend"}, sc.sources.map((s, i) => el("li", {}, el("i", {style: `background:${COLOURS[i % COLOURS.length]}`, "aria-hidden": "true"}), `${s.source} (${i % 2 === 0 ? "circles" : "squares"})`))),
        note: "On the dashed diagonal a source is calibrated: of its forecasts near 30%, 30% resolved yes. Bins with few forecasts say little: hover a point for its count."}));
  }
  parts.push(el("h3", {}, "Ledger"), list.length ? ledgerTable(list) : el("p", {class: "muted"}, "No forecasts."));
  root.replaceChildren(...parts);
}
