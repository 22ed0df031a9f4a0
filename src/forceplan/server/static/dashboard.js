// forceplan dashboard: plain JS against the team server's API (no build step).
"use strict";

const state = { token: sessionStorage.getItem("forceplan-token") || "", me: null, runs: [],
  selected: new Set(), timer: null, blobs: {}, signature: "" };
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: "Bearer " + state.token }, options.headers || {});
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) { signOut("Your token is not valid (unknown or revoked)."); }
  return response;
}

async function json(path, options) {
  const r = await api(path, options);
  const body = r.status === 204 ? null : await r.json();
  if (!r.ok) { const e = new Error(typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)); e.body = body; throw e; }
  return body;
}

function signOut(message) {
  sessionStorage.removeItem("forceplan-token");
  state.token = ""; state.me = null;
  $("#app").hidden = true; $("#signin-view").hidden = false; $("#signout").hidden = true;
  $("#whoami").textContent = "";
  $("#signin-error").textContent = message || "";
  if (state.timer) clearInterval(state.timer);
}

async function signIn(token) {
  state.token = token.trim();
  const r = await fetch("/api/me", { headers: { Authorization: "Bearer " + state.token } });
  if (!r.ok) { signOut("Sign-in failed: the token is not valid."); return; }
  state.me = await r.json();
  state.signature = "";
  sessionStorage.setItem("forceplan-token", state.token);
  $("#signin-view").hidden = true; $("#app").hidden = false; $("#signout").hidden = false;
  $("#whoami").textContent = `${state.me.name} (${state.me.role}) — ` +
    state.me.workspaces.map((w) => w.name).join(", ");
  $("#upload-form").hidden = state.me.role === "viewer";  // viewers read only
  const select = $("#upload-workspace");
  select.replaceChildren(...state.me.workspaces.map((w) => el("option", { value: w.id }, w.name)));
  await refresh();
  state.timer = setInterval(refreshRuns, 1000);
}

async function refresh() { await Promise.all([refreshScenarios(), refreshRuns()]); }

async function refreshScenarios() {
  const list = await json("/api/scenarios");
  const planner = state.me.role !== "viewer";
  $("#scenarios tbody").replaceChildren(...list.map((s) => el("tr", { "data-id": s.id },
    el("td", {}, s.id), el("td", {}, s.name + (s.notional ? " (NOTIONAL)" : "")),
    el("td", {}, s.filename), el("td", { title: s.content_hash }, s.content_hash.slice(0, 15)),
    el("td", {}, s.uploaded_by), el("td", {}, s.created_at || ""),
    el("td", {},
      planner ? el("button", { class: "plan", "data-id": s.id, onclick: () => startPlan(s.id) }, "Plan") : "",
      " ", el("button", { class: "download", onclick: () => download(`/api/scenarios/${s.id}/download`, s.filename) }, "Download"),
      " ", planner ? el("button", { class: "delete", onclick: () => deleteScenario(s.id) }, "Delete") : ""))));
}

function progressOf(run) {
  const p = run.progress || {};
  const fraction = run.status === "done" ? 1 : (p.fraction || 0);
  return el("span", {}, el("progress", { max: "1", value: String(fraction) }),
    " ", run.status === "running" ? (p.solver || p.phase || "") : "");
}

async function refreshRuns() {
  if (!state.token) return;
  let list;
  try { list = await json("/api/runs"); } catch (e) { return; }
  // re-draw only when something changed: a stable table keeps ticked boxes and clicks
  const signature = JSON.stringify(list.map((r) => [r.id, r.status, r.progress, r.plan_status]));
  if (signature === state.signature) return;
  state.signature = signature;
  state.runs = list;
  $("#runs tbody").replaceChildren(...list.map((r) => {
    const box = el("input", { type: "checkbox", class: "pick", "data-id": r.id });
    box.checked = state.selected.has(r.id);
    box.disabled = r.status !== "done";
    box.addEventListener("change", () => {
      if (box.checked) state.selected.add(r.id); else state.selected.delete(r.id);
      $("#compare-button").disabled = state.selected.size !== 2;
    });
    const shortfalls = (r.outputs && r.outputs.shortfalls) ? r.outputs.shortfalls.count : "";
    const actions = el("td", {});
    if (r.status === "done") actions.append(el("button", { class: "view", onclick: () => viewRun(r.id) }, "View"));
    if ((r.status === "interrupted" || r.status === "failed") && state.me.role !== "viewer")
      actions.append(el("button", { class: "rerun", onclick: () => rerun(r.id) }, "Re-run"));
    return el("tr", { "data-id": r.id, "data-status": r.status },
      el("td", {}, box), el("td", {}, r.id), el("td", {}, r.scenario_name),
      el("td", { class: "status status-" + r.status }, r.status), el("td", {}, progressOf(r)),
      el("td", {}, r.plan_status || ""), el("td", {}, shortfalls), el("td", {}, r.user_name),
      el("td", {}, r.finished_at || r.created_at || ""), actions);
  }));
  $("#compare-button").disabled = state.selected.size !== 2;
}

function problemsTable(report) {
  return el("table", {}, el("thead", {}, el("tr", {}, ...["severity", "where", "rule", "what is wrong", "how to fix it"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...report.problems.map((p) => el("tr", { class: "problem" },
      el("td", {}, p.severity), el("td", {}, p.where), el("td", {}, p.rule), el("td", {}, p.message), el("td", {}, p.fix)))));
}

async function upload(event) {
  event.preventDefault();
  const file = $("#upload-file").files[0];
  const box = $("#upload-report");
  if (!file) { box.replaceChildren(el("p", { class: "error" }, "Choose a file first.")); return; }
  const form = new FormData();
  form.append("file", file);
  form.append("workspace_id", $("#upload-workspace").value);
  box.replaceChildren(el("p", {}, `uploading ${file.name} ...`));
  const r = await api("/api/scenarios", { method: "POST", body: form });
  const body = await r.json();
  if (r.ok) {
    box.replaceChildren(el("p", { id: "upload-ok" }, `${file.name}: uploaded as scenario ${body.scenario.id} (${body.report.lines[body.report.lines.length - 1]})`));
    await refreshScenarios();
  } else {
    const report = body.report;
    box.replaceChildren(el("p", { class: "error", id: "upload-error" }, typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)),
      report ? problemsTable(report) : "");
  }
}

async function startPlan(scenarioId) {
  const run = await json("/api/runs", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ scenario_id: scenarioId }) });
  await refreshRuns();
  return run;
}

async function rerun(id) { await json(`/api/runs/${id}/rerun`, { method: "POST" }); await refreshRuns(); }

async function deleteScenario(id) {
  if (!confirm(`Delete scenario ${id}? Its runs stay.`)) return;
  await json(`/api/scenarios/${id}`, { method: "DELETE" });
  await refreshScenarios();
}

async function blobUrl(path, key) {
  const r = await api(path);
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  const blob = await r.blob();
  if (state.blobs[key]) URL.revokeObjectURL(state.blobs[key]);
  state.blobs[key] = URL.createObjectURL(blob);
  return state.blobs[key];
}

async function download(path, filename) {
  const url = await blobUrl(path, "download");
  const a = el("a", { href: url, download: filename });
  document.body.append(a); a.click(); a.remove();
}

async function viewRun(id) {
  const run = await json(`/api/runs/${id}`);
  $("#compare-view").hidden = true;
  $("#run-view").hidden = false;
  $("#run-title").textContent = `Run ${id}: ${run.scenario_name}` + (run.notional ? " (NOTIONAL)" : "");
  const obj = (run.outputs && run.outputs.objective) || {};
  $("#run-summary").textContent = `status ${run.plan_status}; ${run.message}; shortfalls ` +
    `${(run.outputs.shortfalls || {}).count ?? "?"}; total objective ${obj.total ?? "-"}; ` +
    `scenario ${run.scenario_hash}; forceplan ${run.forceplan_version}; by ${run.user_name}`;
  $("#run-zip").onclick = (e) => { e.preventDefault(); download(`/api/runs/${id}/folder.zip`, `run-${id}.zip`); };
  const t = await json(`/api/runs/${id}/tables/shortfalls`);
  $("#shortfalls thead").replaceChildren(el("tr", {}, ...t.columns.map((c) => el("th", {}, c))));
  $("#shortfalls tbody").replaceChildren(...(t.rows.length ? t.rows.map((row) => el("tr", { class: "shortfall" },
    ...t.columns.map((c) => el("td", {}, row[c] ?? "")))) : [el("tr", {}, el("td", { colspan: String(t.columns.length) }, "none"))]));
  $("#report-frame").src = await blobUrl(`/api/runs/${id}/report`, "report");
  // in view: browsers pause drawing in off-screen sandboxed frames, so the charts draw now
  $("#run-view").scrollIntoView();
}

async function compareSelected() {
  const [a, b] = Array.from(state.selected).sort((x, y) => x - y);
  const c = await json(`/api/compare?a=${a}&b=${b}`);
  $("#run-view").hidden = true;
  $("#compare-view").hidden = false;
  $("#compare-title").textContent = `Run ${a} (A) compared with run ${b} (B)`;
  $("#compare-lines").textContent = c.lines.join("\n");
  $("#compare-frame").src = await blobUrl(`/api/compare/report?a=${a}&b=${b}`, "compare");
  $("#compare-view").scrollIntoView();
}

$("#signin-form").addEventListener("submit", (e) => { e.preventDefault(); signIn($("#token").value); });
$("#signout").addEventListener("click", () => signOut(""));
$("#upload-form").addEventListener("submit", upload);
$("#compare-button").addEventListener("click", compareSelected);
if (state.token) signIn(state.token);
