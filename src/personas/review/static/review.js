/* personas review: the page. Everything is drawn from /api/state with textContent
   (never innerHTML), so nothing in the data can run as markup. */
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token");
const KINDS = [["goals", "goal", "Goals"], ["motivations", "motivation", "Motivations"], ["pains", "pain", "Pain points"]];
const ACTION_TEXT = {
  rename_theme: "Rename theme", merge_themes: "Merge themes", split_theme: "Split theme",
  hide_theme: "Hide theme", move_theme: "Move theme", reject_quote: "Reject quote",
  rename_persona: "Rename persona", approve_persona: "Approve persona", note: "Note",
};
let STATE = null;
let DRAFT = null; // the edit being prepared in the dialog
let previewTimer = null;
let polling = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

async function api(method, path, body) {
  const headers = { "X-Personas-Review": "1" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (TOKEN) headers.Authorization = "Bearer " + TOKEN;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.detail || response.statusText);
  return data;
}

const pct = (x) => (x === null || x === undefined ? "—" : Math.round(100 * x) + "%");
const themeRef = (t) => ({ id: t.theme_id, kind: t.kind, label: t.label, keywords: (t.keywords || []).slice(0, 8) });
const personaRef = (p) => ({ id: p.persona_id, respondents: p.coverage.respondents, name: p.name });
const themeById = (id) => STATE.themes.find((t) => t.theme_id === id);

function toast(text) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(box.timer);
  box.timer = setTimeout(() => { box.hidden = true; }, 3500);
}

/* ---- pending edits, by what they touch ---- */
function pendingFor(kind, id) {
  return STATE.edits.filter((e) => e.status === "pending" && (
    (kind === "theme" && ((e.theme && e.theme.id === id) || (e.other && e.other.id === id))) ||
    (kind === "persona" && e.persona && e.persona.id === id) ||
    (kind === "quote" && e.quote && e.quote.statement_id === id) ||
    (e.action === "note" && e.target === kind + ":" + id)));
}

function describe(e) {
  switch (e.action) {
    case "rename_theme": return `“${e.theme.label}” → “${e.label}”`;
    case "merge_themes": return `“${e.other.label}” into “${e.theme.label}”`;
    case "split_theme": return `“${e.phrase}” out of “${e.theme.label}” as “${e.label}”`;
    case "hide_theme": return `hide “${e.theme.label}”`;
    case "move_theme": return `“${e.theme.label}” → ${e.kind}`;
    case "reject_quote": return `“${e.quote.text.slice(0, 60)}${e.quote.text.length > 60 ? "…" : ""}”`;
    case "rename_persona": return `${e.persona.id} → “${e.name}”`;
    case "approve_persona": return `${e.persona.id} ${e.persona.name}`;
    case "note": return `${e.target}: ${e.text}`;
    default: return e.action;
  }
}

function pendingTags(list) {
  return list.map((e) => el("span", { class: "pending-tag", title: "saved; applies at the next rebuild" }, `#${e.id} ${ACTION_TEXT[e.action]}: ${describe(e)}`));
}

/* ---- drawing ---- */
function draw() {
  document.getElementById("where").textContent =
    `${STATE.out_dir} · input ${STATE.input_dir} · edits in ${STATE.config} · reviewer ${STATE.reviewer}`;
  drawNav();
  drawEdits();
  drawWarnings();
  const box = document.getElementById("personas");
  box.replaceChildren(...STATE.personas.map(drawPersona));
  drawThemes();
  drawJob(STATE.job);
}

function drawNav() {
  document.getElementById("nav").replaceChildren(...STATE.personas.map((p) =>
    el("li", {}, el("a", { href: "#" + p.persona_id },
      p.name, p.approval ? el("span", { class: "approved" }, " ✓") : null,
      el("span", { class: "sub" }, `${p.label} · ${pct(p.coverage.share)}`)))));
}

function drawEdits() {
  const edits = STATE.edits.slice().reverse();
  const pending = STATE.edits.filter((e) => e.status === "pending").length;
  document.getElementById("edit-count").textContent = STATE.edits.length ? `${STATE.edits.length} (${pending} pending)` : "";
  const list = document.getElementById("edits");
  if (!edits.length) {
    list.replaceChildren(el("li", { class: "muted" }, "No edits yet. Use the buttons beside a persona, theme or quote."));
    return;
  }
  list.replaceChildren(...edits.map((e) => el("li", { "data-id": e.id, "data-status": e.status, "data-action": e.action },
    el("div", { class: "head" },
      el("span", { class: "what" }, `#${e.id} ${ACTION_TEXT[e.action]}`),
      el("span", { class: "chip " + e.status, title: e.outcome }, e.status),
      el("button", { class: "danger", title: "Revoke this edit (the history keeps it)", "data-revoke": e.id, onclick: () => revoke(e.id) }, "×")),
    el("div", {}, describe(e)),
    e.status === "stale" ? el("div", { class: "error" }, e.outcome) : null,
    el("div", { class: "meta" }, `${e.who} · ${e.when.replace("T", " ").replace("Z", " UTC")}${e.why ? " · " + e.why : ""}`))));
}

function drawWarnings() {
  const box = document.getElementById("warnings-box");
  box.hidden = !STATE.warnings.length;
  document.getElementById("warnings").replaceChildren(...STATE.warnings.map((w) => el("li", {}, w)));
}

function drawPersona(p) {
  const ref = personaRef(p);
  const c = p.coverage;
  const facts = p.demographics.concat(p.behaviour).filter((f) => f.value !== "unknown").slice(0, 8);
  return el("section", { class: "card persona", id: p.persona_id, "data-persona": p.persona_id },
    el("div", { class: "p-head" },
      el("div", { class: "titles" },
        el("h2", { class: "p-name" }, p.name),
        el("div", { class: "label" }, p.label),
        p.approval ? el("div", { class: "approved" }, `✓ Approved by ${p.approval.by} on ${p.approval.at.slice(0, 10)}`) : null),
      el("div", { class: "buttons" },
        el("button", { "data-act": "rename_persona", "data-persona": p.persona_id, onclick: () => open_("rename_persona", { persona: ref }, p) }, "Rename"),
        p.approval ? null : el("button", { "data-act": "approve_persona", "data-persona": p.persona_id, onclick: () => open_("approve_persona", { persona: ref }, p) }, "Approve"),
        el("button", { "data-act": "note", "data-target": "persona:" + p.persona_id, onclick: () => open_("note", { target: "persona:" + p.persona_id }, p) }, "Note"))),
    pendingTags(pendingFor("persona", p.persona_id)),
    el("p", { class: "summary" }, p.summary),
    el("div", { class: "figures" },
      figure(c.respondents.toLocaleString(), "respondents"), figure(pct(c.share), "of all people"),
      figure(c.identified_respondents.toLocaleString(), "identified"), figure(c.statements.toLocaleString(), "statements"),
      figure(c.stability === null ? "—" : c.stability.toFixed(2), "stability")),
    el("div", { class: "facts" }, facts.map((f) => el("div", {}, el("span", { class: "k" }, f.name + ": "), f.value))),
    el("div", { class: "kinds" }, KINDS.map(([field, kind, title]) => p[field].length ? el("div", { class: "kind " + kind },
      el("h3", {}, title), p[field].map((claim) => drawClaim(claim, p))) : null)));
}

function figure(n, t) {
  return el("div", { class: "figure" }, el("div", { class: "n" }, n), el("div", { class: "t" }, t));
}

function themeTools(t, owner) {
  const ref = themeRef(t);
  const b = (action, text, extra) => el("button", { "data-act": action, "data-theme": t.theme_id, onclick: () => open_(action, { theme: ref, ...extra }, owner || t) }, text);
  return el("div", { class: "tools" },
    b("rename_theme", "Rename"), b("merge_themes", "Merge…"), b("split_theme", "Split…"),
    b("move_theme", "Move…"), b("hide_theme", "Hide"),
    el("button", { "data-act": "note", "data-target": "theme:" + t.theme_id, onclick: () => open_("note", { target: "theme:" + t.theme_id }, t) }, "Note"));
}

function drawClaim(claim, p) {
  const theme = themeById(claim.theme_id) || claim;
  const lift = claim.lift === null ? "only here" : "×" + claim.lift.toFixed(1);
  return el("div", { class: "claim", "data-claim": claim.theme_id },
    el("div", { class: "claim-head" },
      el("span", { class: "name" }, claim.label),
      el("span", { class: "chip " + claim.kind }, claim.theme_id),
      el("span", { class: "nums" }, `${pct(claim.share)} of them vs ${pct(claim.share_rest)} of others (${lift}) · ${claim.respondents} people · ${claim.evidence_ids.length} statements`)),
    el("div", { class: "kw" }, "keywords: " + claim.keywords.join(", ")),
    themeTools(theme, p),
    pendingTags(pendingFor("theme", claim.theme_id)),
    el("ul", { class: "quotes" }, claim.quotes.map((q) => {
      const rejected = pendingFor("quote", q.statement_id).some((e) => e.action === "reject_quote");
      return el("li", { class: rejected ? "rejected" : "" },
        el("blockquote", {}, "“" + q.text + "”", el("span", { class: "src" }, `${q.source}, ${q.locator}${q.anonymous ? " · anonymous, attributed by similarity" : ""} · ${q.statement_id}`)),
        rejected ? el("span", { class: "chip pending" }, "rejected") :
          el("button", { class: "danger", "data-act": "reject_quote", "data-statement": q.statement_id, onclick: () => open_("reject_quote", { quote: { statement_id: q.statement_id, text: q.text } }, q) }, "Reject quote"));
    })));
}

function drawThemes() {
  const box = document.getElementById("themes");
  box.replaceChildren(...KINDS.map(([, kind, title]) => {
    const themes = STATE.themes.filter((t) => t.kind === kind);
    if (!themes.length) return null;
    return el("div", {}, el("h3", { class: "kind-title" }, title),
      el("table", { class: "themes" },
        el("thead", {}, el("tr", {}, ["Theme", "Label", "Statements", "Keywords", ""].map((h) => el("th", {}, h)))),
        el("tbody", {}, themes.map((t) => el("tr", { "data-theme-row": t.theme_id },
          el("td", {}, el("span", { class: "chip " + kind }, t.theme_id)),
          el("td", {}, el("strong", {}, t.label), el("div", {}, pendingTags(pendingFor("theme", t.theme_id)))),
          el("td", {}, t.size),
          el("td", { class: "muted" }, t.keywords.slice(0, 6).join(", ")),
          el("td", { class: "tools-cell" }, themeTools(t)))))));
  }));
}

/* ---- the edit dialog ---- */
function field(label, input) {
  return el("label", { class: "field" }, label, input);
}

function fieldsFor(action, subject) {
  switch (action) {
    case "rename_theme":
      return [field("New label", el("input", { id: "f-label", type: "text", maxlength: 80, value: subject.label, autocomplete: "off" }))];
    case "merge_themes": {
      const others = STATE.themes.filter((t) => t.kind === DRAFT.theme.kind && t.theme_id !== DRAFT.theme.id);
      return [field("Merge this theme with", el("select", { id: "f-other" }, el("option", { value: "" }, "— choose a " + DRAFT.theme.kind + " theme —"),
        others.map((t) => el("option", { value: t.theme_id }, `${t.theme_id} · ${t.label} (${t.size})`)))),
      el("p", { class: "hint" }, "The chosen theme joins this one: both themes' statements, this theme's name.")];
    }
    case "split_theme":
      return [field("Statements that contain", el("input", { id: "f-phrase", type: "text", maxlength: 80, autocomplete: "off", placeholder: "a word or phrase" })),
        field("become a new theme named", el("input", { id: "f-label", type: "text", maxlength: 80, autocomplete: "off" }))];
    case "move_theme":
      return [field("Move to", el("select", { id: "f-kind" }, ["pain", "motivation", "goal"].filter((k) => k !== DRAFT.theme.kind).map((k) => el("option", { value: k }, k))))];
    case "rename_persona":
      return [field("New name", el("input", { id: "f-name", type: "text", maxlength: 60, value: subject.name, autocomplete: "off" }))];
    case "note":
      return [field("Note", el("textarea", { id: "f-text", maxlength: 2000 }))];
    default:
      return [];
  }
}

function targetText(action, subject) {
  if (action.endsWith("_theme") || action === "merge_themes") return `Theme ${DRAFT.theme.id} · ${DRAFT.theme.kind} · “${DRAFT.theme.label}”`;
  if (action === "reject_quote") return `“${subject.text}”`;
  if (action.endsWith("_persona")) return `Persona ${subject.persona_id} · ${subject.name} · ${subject.label}`;
  return DRAFT.target;
}

function open_(action, base, subject) {
  DRAFT = { action, ...base };
  document.getElementById("dialog-title").textContent = ACTION_TEXT[action];
  document.getElementById("dialog-target").textContent = targetText(action, subject);
  document.getElementById("fields").replaceChildren(...fieldsFor(action, subject));
  document.getElementById("f-why").value = "";
  document.getElementById("dialog").showModal();
  for (const input of document.querySelectorAll("#fields input, #fields select, #fields textarea")) {
    input.addEventListener("input", schedulePreview);
    input.addEventListener("change", schedulePreview);
  }
  schedulePreview();
}

function currentEdit() {
  const edit = { ...DRAFT, why: document.getElementById("f-why").value.trim() };
  const value = (id) => { const node = document.getElementById(id); return node ? node.value.trim() : undefined; };
  if (DRAFT.action === "rename_theme" || DRAFT.action === "split_theme") edit.label = value("f-label");
  if (DRAFT.action === "split_theme") edit.phrase = value("f-phrase");
  if (DRAFT.action === "move_theme") edit.kind = value("f-kind");
  if (DRAFT.action === "rename_persona") edit.name = value("f-name");
  if (DRAFT.action === "note") edit.text = value("f-text");
  if (DRAFT.action === "merge_themes") {
    const other = themeById(value("f-other"));
    edit.other = other ? themeRef(other) : null;
  }
  return edit;
}

function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, 200);
}

async function preview() {
  const list = document.getElementById("preview");
  const error = document.getElementById("dialog-error");
  const save = document.getElementById("save");
  try {
    const result = await api("POST", "api/preview", currentEdit());
    list.replaceChildren(...result.changes.map((c) => el("li", {}, c)));
    error.hidden = true;
    save.disabled = false;
  } catch (err) {
    list.replaceChildren(el("li", { class: "muted" }, "Nothing yet: complete the fields above."));
    error.textContent = err.message;
    error.hidden = false;
    save.disabled = true;
  }
}

async function saveEdit() {
  const error = document.getElementById("dialog-error");
  try {
    const saved = await api("POST", "api/edits", currentEdit());
    document.getElementById("dialog").close();
    toast(`Saved edit #${saved.edit.id}: ${saved.changes[0]}`);
    await refresh();
  } catch (err) {
    error.textContent = err.message;
    error.hidden = false;
  }
}

async function revoke(id) {
  try {
    await api("DELETE", "api/edits/" + id);
    toast(`Revoked edit #${id} (kept in the history)`);
    await refresh();
  } catch (err) { toast(err.message); }
}

/* ---- rebuild / re-render ---- */
const STAGE_TEXT = {
  discover: "Finding files", ingest: "Reading exports", identity: "Joining people", prepare: "Cleaning, redacting, splitting",
  embed: "Embedding statements", classify: "Telling pains from motivations", themes: "Discovering themes",
  segment: "Segmenting people", stability: "Checking the segments", review: "Applying reviewed edits",
  stats: "Computing statistics", synthesize: "Writing personas", quality: "Measuring quality",
  render: "Rendering documents", bundle: "Saving the assignment model",
};

function drawJob(job) {
  const box = document.getElementById("job");
  const text = document.getElementById("job-text");
  document.getElementById("job-fill").style.width = Math.round(100 * (job.progress || 0)) + "%";
  document.getElementById("rebuild").disabled = job.running;
  document.getElementById("render").disabled = job.running;
  if (job.running) {
    box.dataset.state = "running";
    text.textContent = `${job.kind === "render" ? "Re-rendering" : "Rebuilding"}: ${STAGE_TEXT[job.stage] || "starting"}…`;
  } else if (job.result && !job.result.ok) {
    box.dataset.state = "error";
    text.textContent = "Failed: " + job.result.error;
  } else if (job.result) {
    box.dataset.state = "done";
    const r = job.result.review;
    const stale = r && r.stale ? `, ${r.stale} stale edit(s)` : "";
    text.textContent = job.kind === "render" ? `Re-rendered ${job.result.files} files in ${job.seconds}s` :
      `${job.result.reused ? "Reused" : "Rebuilt"} ${job.result.personas} personas in ${job.seconds}s${stale}`;
  } else {
    box.dataset.state = "idle";
    text.textContent = "Edits apply when you rebuild";
  }
}

async function startJob(path) {
  try {
    drawJob(await api("POST", path));
    poll();
  } catch (err) { toast(err.message); }
}

function poll() {
  clearTimeout(polling);
  polling = setTimeout(async () => {
    const job = await api("GET", "api/job");
    drawJob(job);
    if (job.running) poll();
    else await refresh();
  }, 700);
}

async function refresh() {
  STATE = await api("GET", "api/state");
  draw();
  if (STATE.job.running) poll();
}

document.getElementById("cancel").addEventListener("click", () => document.getElementById("dialog").close());
document.getElementById("save").addEventListener("click", saveEdit);
document.getElementById("form").addEventListener("submit", (e) => { e.preventDefault(); saveEdit(); });
document.getElementById("rebuild").addEventListener("click", () => startJob("api/rebuild"));
document.getElementById("render").addEventListener("click", () => startJob("api/render"));
refresh().catch((err) => { document.getElementById("where").textContent = "Cannot load the build: " + err.message; });
