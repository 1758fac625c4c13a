// Run history: every stored run, searchable by scenario name or id and
// filterable by kind, status and date; runs are compared two at a time
// and deleted after a confirmation.
import {el, $, $$, api, state, banner} from "./util.js";

let onNavigate = () => {};
let timer;

export function initHistory(navigate) {
  onNavigate = navigate;
  const form = $("#history-filters");
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refreshHistory, 250); });
  form.addEventListener("submit", (e) => { e.preventDefault(); refreshHistory(); });
  $("#refresh-btn").addEventListener("click", refreshHistory);
  $("#compare-btn").addEventListener("click", () => { const [a, b] = selectedRuns(); onNavigate(`/compare?a=${a}&b=${b}`); });
  $("#confirm-cancel").addEventListener("click", () => $("#confirm").close("cancel"));
}

export function setKinds(kinds) {
  const sel = $("#filter-kind");
  sel.replaceChildren(el("option", {value: ""}, "any kind"), ...kinds.map((k) => el("option", {value: k}, k)));
}

function query() {
  const q = new URLSearchParams({limit: "100"});
  for (const [id, key] of [["#filter-q", "q"], ["#filter-kind", "kind"], ["#filter-status", "status"], ["#filter-since", "since"], ["#filter-until", "until"]]) {
    const v = $(id).value.trim();
    if (v) q.set(key, v);
  }
  return q.toString();
}

const settingsText = (p) => {
  if (!p) return "";
  const parts = [];
  if (p.draws) parts.push(`${p.draws} draws`);
  if (p.runs) parts.push(`${p.runs} runs`);
  if (p.seed !== undefined) parts.push(`seed ${p.seed}`);
  if (p.profile) parts.push(`profile ${p.profile}`);
  if (p.profiles) parts.push(`profiles ${p.profiles.join(", ")}`);
  return parts.join(", ");
};

export async function refreshHistory() {
  let runs;
  try { runs = await api("GET", "/api/runs?" + query()); } catch (e) { if (e.status !== 401) banner("Run history: " + e.message); return; }
  const body = $("#history-table tbody");
  body.replaceChildren();
  for (const r of runs) {
    const live = r.status === "queued" || r.status === "running";
    body.append(el("tr", {"data-run": r.id},
      el("td", {}, el("input", {type: "checkbox", value: r.id, "aria-label": `select run ${r.id} to compare`, onchange: updateCompareBtn})),
      el("td", {}, el("a", {href: "/runs/" + r.id, onclick: (e) => { e.preventDefault(); onNavigate("/runs/" + r.id); }}, r.id)),
      el("td", {}, r.kind), el("td", {}, r.scenario_name || ""),
      el("td", {class: "status-" + r.status}, r.status),
      el("td", {class: "muted"}, settingsText(r.params)),
      el("td", {class: "muted"}, new Date(r.created_at).toLocaleString()),
      el("td", {}, el("button", {type: "button", class: "small danger", "data-delete": r.id, disabled: live, "aria-label": `delete run ${r.id}`,
        title: live ? "cancel it first" : "", onclick: () => confirmDelete(r)}, "Delete"))));
  }
  $("#history-count").textContent = `${runs.length} run${runs.length === 1 ? "" : "s"}` + (runs.length === 100 ? " (the newest 100)" : "");
  updateCompareBtn();
}

function selectedRuns() { return $$("#history-table input:checked").map((c) => c.value); }
function updateCompareBtn() { $("#compare-btn").disabled = selectedRuns().length !== 2; }

// confirmDelete asks before deleting a run: the result is gone for good.
export function confirmDelete(run, after) {
  const d = $("#confirm");
  $("#confirm-text").textContent = `Delete run ${run.id} (${run.kind} of ${run.scenario_name || "an unsaved scenario"}, ${new Date(run.created_at).toLocaleString()})? Its result is removed for good; the scenario is kept.`;
  const ok = $("#confirm-ok");
  const go = async () => {
    d.close("delete");
    try {
      await api("DELETE", "/api/runs/" + run.id);
      banner("");
      await refreshHistory();
      if (after) after();
      else if (location.pathname === "/runs/" + run.id) onNavigate("/");
    } catch (e) { banner("Delete failed: " + e.message); }
  };
  ok.onclick = go;
  d.showModal();
  $("#confirm-cancel").focus();
}

export {state};
