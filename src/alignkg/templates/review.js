// alignkg review page: one draft's text with its proposed spans highlighted, and each proposed row
// with accept / edit / reject, driven by the keyboard. Every value from the draft is put on the
// page with textContent; nothing is ever parsed as HTML and nothing is fetched from elsewhere.
"use strict";

const S = {
  name: null, data: null, token: "", order: [], rows: {}, decisions: {}, values: {}, links: {},
  current: 0, editing: null, shortcuts: 0, typed: 0, decided: 0, saving: false, lastSave: null,
  drafts: [], chosen: 0,
};
const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function setStatus(message) { $("status").textContent = message; }

// ------------------------------------------------------------------ loading

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
  const body = await response.json();
  if (!body.ok) throw new Error(body.error || `request failed (${response.status})`);
  return body;
}

async function init() {
  const match = location.pathname.match(/^\/draft\/([^/]+)$/);
  try {
    if (match) await loadDraft(decodeURIComponent(match[1]));
    else await loadChooser();
  } catch (error) {
    showResult("Cannot open the draft", String(error.message || error), true);
    setStatus("Not loaded.");
  }
  window.review.ready = true;
}

async function loadChooser() {
  const body = await getJSON("/api/drafts");
  S.drafts = body.drafts;
  $("chooser").hidden = false;
  $("drafts-folder").textContent = body.folder;
  const list = $("drafts");
  list.replaceChildren();
  for (const draft of body.drafts) {
    const item = el("li");
    const link = el("a", null, draft.title || draft.name);
    link.setAttribute("href", "/draft/" + encodeURIComponent(draft.name));
    item.append(link, el("span", "hint",
      ` ${draft.name} · ${draft.issued || "undated"} · ${draft.entities} entities, ` +
      `${draft.statements} statements${draft.reviewed ? " · reviewed before" : ""}`));
    list.append(item);
  }
  $("no-drafts").hidden = body.drafts.length > 0;
  markChosen();
  setStatus(`${body.drafts.length} draft(s).`);
}

function markChosen() {
  [...$("drafts").children].forEach((item, i) => item.classList.toggle("current", i === S.chosen));
}

async function loadDraft(name) {
  const body = await getJSON("/api/drafts/" + encodeURIComponent(name));
  S.name = name;
  S.token = body.token;
  setup(body.review);
  setStatus("Ready: j / k move, a accept, r reject, e edit, s save.");
}

function setup(review) {
  S.data = review;
  S.decisions = Object.assign({}, review.decisions);
  S.links = Object.assign({}, review.links);
  S.values = {};
  S.order = [];
  S.rows = {};
  for (const table of ["source", "entities", "statements"]) {
    review.rows[table].forEach((row) => { S.order.push(row._key); S.rows[row._key] = row; });
  }
  $("review").hidden = false;
  $("save").disabled = false;
  const title = review.rows.source[0].title || review.draft;
  $("heading").textContent = title;
  document.title = "Review: " + title;
  $("subtitle").textContent = `draft ${review.draft} · source ${review.source_id} · ` +
    `${S.order.length} proposed rows`;
  const notes = $("notes");
  notes.replaceChildren(...review.notes.map((note) => el("li", null, note)));
  renderText();
  const pending = S.order.findIndex((key) => !S.decisions[key]);
  S.current = pending >= 0 ? pending : 0;
  render();
}

// ------------------------------------------------------------------ the text and its spans

function spanOf(row) {
  if (row.start === "" || row.end === "" || row.start === undefined) return null;
  const start = Number(row.start), end = Number(row.end);
  return Number.isInteger(start) && Number.isInteger(end) && end > start ? [start, end] : null;
}

function renderText() {
  const chars = Array.from(S.data.text); // code points: the offsets Python wrote
  const spans = [];
  for (const key of S.order) {
    const span = spanOf(S.rows[key]);
    if (span) spans.push([Math.min(span[0], chars.length), Math.min(span[1], chars.length), key]);
  }
  const cuts = new Set([0, chars.length]);
  for (const [start, end] of spans) { cuts.add(start); cuts.add(end); }
  const points = [...cuts].sort((a, b) => a - b);
  const box = $("text");
  box.replaceChildren();
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const piece = chars.slice(from, to).join("");
    const keys = spans.filter(([s, e]) => s <= from && e >= to).map((span) => span[2]);
    if (!keys.length) { box.append(document.createTextNode(piece)); continue; }
    const seg = el("span", "seg" + (keys.length > 2 ? " d3" : keys.length > 1 ? " d2" : ""), piece);
    seg.dataset.keys = keys.join(" ");
    seg.addEventListener("click", () => select(S.order.indexOf(keys[0])));
    box.append(seg);
  }
}

function markCurrentSpan(scroll) {
  const key = S.order[S.current];
  let first = null;
  for (const seg of $("text").querySelectorAll(".seg")) {
    const on = seg.dataset.keys.split(" ").includes(key);
    seg.classList.toggle("current", on);
    if (on && !first) first = seg;
  }
  if (first && scroll) first.scrollIntoView({ block: "center", behavior: "instant" });
}

// ------------------------------------------------------------------ rows

const tableOf = (key) => key.split(":")[0];
function value(key, column) {
  const edited = S.values[key];
  return edited && column in edited ? edited[column] : (S.rows[key][column] || "");
}
function entityKey(id) { return S.order.find((k) => tableOf(k) === "entities" && S.rows[k].id === id); }
function labelOf(id) {
  if (S.links[id]) return labelOf(S.links[id]);
  const key = entityKey(id);
  const label = key ? value(key, "label_en") || value(key, "label_zh") : S.data.labels[id];
  return label ? `${label} (${id})` : id;
}
function stateText(key) {
  const decision = S.decisions[key];
  if (decision === "link") return "linked to " + S.links[S.rows[key].id];
  if (decision === "accept") return S.values[key] ? "accepted, edited" : "accepted";
  if (decision === "reject") return "rejected";
  if (key === "source:0") return "pending: merged with accepted rows";
  return "pending";
}

function describe(key) {
  const row = S.rows[key], table = tableOf(key);
  if (table === "source") {
    return [`${value(key, "title")}`, `issued ${value(key, "issued") || "not stated"} · ` +
      `publisher ${row.publisher || "not stated"} · ${value(key, "description")}`];
  }
  if (table === "entities") {
    const labels = [value(key, "label_en") || "(no English label yet)", value(key, "label_zh")].filter(Boolean);
    return [`${labels.join(" / ")}`, `${row.id} · ${row.class}` +
      (value(key, "description") ? ` · ${value(key, "description")}` : "")];
  }
  const object = row.object ? labelOf(row.object) : `"${value(key, "value")}"` +
    (row.datatype ? ` (${row.datatype})` : "");
  return [`${labelOf(row.subject)} — ${row.predicate} → ${object}`,
    `evidence: ${value(key, "evidence")}` + (value(key, "locator") ? ` · ${value(key, "locator")}` : "")];
}

function warnings(key) {
  if (tableOf(key) !== "statements") return [];
  const row = S.rows[key], found = [];
  for (const id of [row.subject, row.object]) {
    const other = id && entityKey(id);
    if (other && S.decisions[other] !== "accept" && S.decisions[other] !== "link") {
      found.push(`left out unless the entity ${id} is accepted`);
    }
  }
  return found;
}

function render() {
  const list = $("rows");
  list.replaceChildren(...S.order.map((key, i) => renderRow(key, i === S.current)));
  showCounts();
  markCurrentSpan(false);
}

function showCounts() {
  const count = (d) => S.order.filter((k) => S.decisions[k] === d).length;
  const pending = S.order.filter((k) => !S.decisions[k]).length;
  $("counts").textContent = `accepted ${count("accept")} · rejected ${count("reject")} · ` +
    `linked ${count("link")} · pending ${pending} · ${S.shortcuts} shortcut keys, ` +
    `${S.typed} characters typed`;
}

function renderRow(key, current) {
  const row = S.rows[key], table = tableOf(key);
  const item = el("li", (S.decisions[key] || "pending") + (current ? " current" : ""));
  item.dataset.key = key;
  const line = el("div", "line");
  const [main, sub] = describe(key);
  const kind = { source: "source", entities: "entity", statements: "statement" }[table];
  line.append(el("span", "kind", kind), el("span", "main", main), el("span", "state", stateText(key)));
  if (row.confidence) line.append(el("span", "conf", `rules: ${proposed(key)}`));
  item.append(line, el("div", "sub", sub));
  if (row.quote) item.append(el("div", "sub quote", `“${row.quote}”`));
  if (row.rule) item.append(el("div", "sub", `rule: ${row.rule}`));
  for (const warning of warnings(key)) item.append(el("div", "warn", warning));
  const buttons = el("div", "buttons");
  for (const [label, action] of [["Accept (a)", "a"], ["Edit (e)", "e"], ["Reject (r)", "r"]]) {
    const button = el("button", null, label);
    button.type = "button";
    button.dataset.action = action;
    button.addEventListener("click", () => { select(S.order.indexOf(key)); command(action); });
    buttons.append(button);
  }
  item.append(buttons);
  item.addEventListener("click", (event) => {
    if (!(event.target instanceof HTMLButtonElement || event.target instanceof HTMLInputElement ||
          event.target instanceof HTMLTextAreaElement)) select(S.order.indexOf(key));
  });
  if (current && table === "entities" && S.data.choices[row.id]) item.append(renderChoices(key));
  if (current && S.editing === key) item.append(renderEditor(key));
  else if (current && table === "statements") item.append(renderEvidence(key));
  return item;
}

function proposed(key) {
  const before = S.data.proposed[key];
  return before !== undefined ? before : S.rows[key].confidence;
}

function renderChoices(key) {
  const id = S.rows[key].id, offer = S.data.choices[id];
  const box = el("fieldset", "choices");
  box.append(el("legend", null, `“${offer.surface}” may be an entity already in data/:`));
  const options = [["", `0: a new entity, ${id}`]].concat(offer.candidates.map((c, i) =>
    [c.id, `${i + 1}: the existing ${c.id}, ${c.label} (match ${c.score})`]));
  options.forEach(([target, text], i) => {
    const label = el("label");
    const radio = el("input");
    radio.type = "radio";
    radio.name = "link-" + key;
    radio.value = String(i);
    radio.checked = target ? S.links[id] === target : S.decisions[key] === "accept";
    radio.addEventListener("change", () => chooseLink(key, i));
    label.append(radio, document.createTextNode(" " + text));
    box.append(label);
  });
  return box;
}

function limitFor(text) {
  const chinese = /[\u3400-\u9fff]/.test(text);
  return chinese ? [S.data.limits.quote_chars, "characters"] : [S.data.limits.quote_words, "words"];
}
const TOKEN = /[\u3400-\u9fff\uf900-\ufaff]|(?:(?![\u3400-\u9fff\uf900-\ufaff])[\p{L}\p{N}])+/gu;
function copiedRun(text) {
  const mine = (text.toLowerCase().match(TOKEN) || []), theirs = (S.data.text.toLowerCase().match(TOKEN) || []);
  let best = 0, previous = new Array(theirs.length + 1).fill(0);
  for (const word of mine) {
    const current = new Array(theirs.length + 1).fill(0);
    for (let j = 1; j <= theirs.length; j++) {
      if (theirs[j - 1] === word) { current[j] = previous[j - 1] + 1; if (current[j] > best) best = current[j]; }
    }
    previous = current;
  }
  return best;
}
function copyWarning(input, hint) {
  const run = copiedRun(input.value), [limit, unit] = limitFor(input.value);
  hint.textContent = run > limit ? `repeats ${run} ${unit} of the text word for word: paraphrase it ` +
    `(a quote is at most ${limit} ${unit})` : "";
}

function field(key, column, multiline) {
  const label = el("label", null, column + " ");
  const input = el(multiline ? "textarea" : "input");
  if (!multiline) input.type = "text";
  input.value = value(key, column);
  input.dataset.column = column;
  label.append(input);
  if (["label_en", "label_zh", "description", "evidence"].includes(column)) {
    const hint = el("div", "too-long");
    input.addEventListener("input", () => copyWarning(input, hint));
    label.append(hint);
  }
  return label;
}

function renderEditor(key) {
  const box = el("fieldset", "editor");
  box.append(el("legend", null, "Edit: Enter keeps the changes and accepts the row, Esc cancels"));
  for (const column of S.data.editable[tableOf(key)]) {
    box.append(field(key, column, column === "description" || column === "evidence"));
  }
  return box;
}

function renderEvidence(key) {
  const box = el("fieldset", "evidence");
  box.append(el("legend", null, "Evidence paraphrase (p): in your own words; Enter or Esc returns to the keys"));
  const label = field(key, "evidence", true);
  const input = label.querySelector("textarea");
  input.id = "evidence";
  input.addEventListener("input", () => setValue(key, "evidence", input.value));
  box.append(label);
  return box;
}

// ------------------------------------------------------------------ decisions

function setValue(key, column, text) {
  const original = S.rows[key][column] || "";
  const edits = Object.assign({}, S.values[key]);
  if (text === original) delete edits[column]; else edits[column] = text;
  if (Object.keys(edits).length) S.values[key] = edits; else delete S.values[key];
}

function select(index) {
  if (index < 0 || index >= S.order.length) return;
  S.current = index;
  S.editing = null;
  render();
  const item = $("rows").children[index];
  if (item) item.scrollIntoView({ block: "nearest", behavior: "instant" });
  markCurrentSpan(true);
}

function advance() {
  for (let step = 1; step <= S.order.length; step++) {
    const index = (S.current + step) % S.order.length;
    if (!S.decisions[S.order[index]]) { select(index); return true; }
  }
  select(S.current);
  return false;
}

function decide(key, decision, why) {
  const row = S.rows[key];
  if (decision !== "link" && tableOf(key) === "entities") delete S.links[row.id];
  S.decisions[key] = decision;
  S.decided++;
  const done = `${why}: ${stateText(key)} — ${describe(key)[0]}`;
  setStatus(advance() ? done : done + ". Every row has a decision: press s to save.");
}

function chooseLink(key, choice) {
  const id = S.rows[key].id, offer = S.data.choices[id];
  if (!offer || choice > offer.candidates.length) return;
  if (choice === 0) { command("a"); return; }
  S.links[id] = offer.candidates[choice - 1].id;
  decide(key, "link", String(choice));
}

function command(action) {
  const key = S.order[S.current], table = tableOf(key);
  if (action === "a") {
    if (table === "entities" && !value(key, "label_en")) {
      S.editing = key;
      render();
      focusEditor();
      setStatus("This entity needs an English label (label_en) before it can be accepted: write one, then Enter.");
      return;
    }
    decide(key, "accept", "a");
  } else if (action === "r") {
    decide(key, "reject", "r");
  } else if (action === "e") {
    S.editing = key;
    render();
    focusEditor();
    setStatus("Editing: Enter keeps the changes and accepts the row, Esc cancels.");
  } else if (action === "u") {
    delete S.decisions[key];
    delete S.values[key];
    if (table === "entities") delete S.links[S.rows[key].id];
    render();
    setStatus("u: back to pending");
  }
}

function focusEditor() {
  const first = $("rows").querySelector(".editor input, .editor textarea");
  if (first) first.focus();
}

function finishTyping(input) {
  const key = S.order[S.current];
  if (input.closest(".editor")) {
    for (const field of $("rows").querySelectorAll(".editor [data-column]")) {
      setValue(key, field.dataset.column, field.value);
    }
    S.editing = null;
    if (tableOf(key) === "entities" && !value(key, "label_en")) {
      render();
      setStatus("Still no English label: the entity stays pending.");
      return;
    }
    decide(key, "accept", "Enter");
  } else {
    input.blur();
    render();
    setStatus("Evidence kept; a accepts the row.");
  }
}

function cancelTyping(input) {
  if (input.closest(".editor")) {
    S.editing = null;
    render();
    setStatus("Edit cancelled.");
  } else {
    input.blur();
    render();
  }
}

// ------------------------------------------------------------------ saving

function showResult(heading, text, error) {
  $("result").hidden = false;
  $("result").classList.toggle("error", Boolean(error));
  $("result-heading").textContent = heading;
  $("result-text").textContent = text;
}

async function save() {
  if (S.saving || !S.data) return;
  S.saving = true;
  $("save").disabled = true;
  setStatus("Saving: checking that the merged data builds…");
  const submission = {
    fingerprint: S.data.fingerprint, decisions: S.decisions, values: S.values, links: S.links,
  };
  let body;
  try {
    const response = await fetch("/api/drafts/" + encodeURIComponent(S.name) + "/save", {
      method: "POST", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-Alignkg-Token": S.token },
      body: JSON.stringify(submission),
    });
    body = await response.json();
  } catch (error) {
    body = { ok: false, error: "the review server did not answer: " + String(error.message || error) };
  }
  S.saving = false;
  $("save").disabled = false;
  S.lastSave = body;
  if (!body.ok) {
    showResult("Not saved: nothing was written", body.error, true);
    setStatus("Not saved: see the errors below; fix them and save again.");
    return;
  }
  const r = body.report;
  const lines = [
    `Merged ${r.entities_added} entities and ${r.statements_added} statements of ${r.source_id}` +
      (r.entities_replaced || r.statements_replaced ? ` (replacing ${r.entities_replaced} entities and ` +
      `${r.statements_replaced} statements of an earlier accept)` : ""),
    ...r.skipped.map((s) => "left out: " + s),
    ...r.files.map((f) => "wrote " + f),
  ];
  const current = S.current;
  setup(body.review);
  select(Math.min(current, S.order.length - 1));
  showResult("Saved", lines.join("\n"), false);
  setStatus("Saved. Next: alignkg build");
}

// ------------------------------------------------------------------ keys

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  const typing = target instanceof HTMLTextAreaElement ||
    (target instanceof HTMLInputElement && target.type === "text");
  if (typing) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); S.shortcuts++; finishTyping(target); }
    else if (event.key === "Escape") { event.preventDefault(); S.shortcuts++; cancelTyping(target); }
    else if (event.key.length === 1 || event.key === "Backspace") S.typed++;
    return;
  }
  if (!S.data) {
    if (!S.drafts.length) return;
    const moves = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 };
    if (event.key in moves) {
      S.chosen = Math.max(0, Math.min(S.drafts.length - 1, S.chosen + moves[event.key]));
      markChosen();
    } else if (event.key === "Enter") {
      location.assign("/draft/" + encodeURIComponent(S.drafts[S.chosen].name));
    } else return;
    event.preventDefault();
    return;
  }
  const key = event.key;
  const row = S.rows[S.order[S.current]];
  if (key === "j" || key === "ArrowDown") select(S.current + 1);
  else if (key === "k" || key === "ArrowUp") select(S.current - 1);
  else if (["a", "r", "e", "u"].includes(key)) command(key);
  else if (key === "s") save();
  else if (key === "p" && tableOf(S.order[S.current]) === "statements") $("evidence").focus();
  else if (/^[0-9]$/.test(key) && tableOf(S.order[S.current]) === "entities" && S.data.choices[row.id]) {
    chooseLink(S.order[S.current], Number(key));
  } else if (key === "?") $("keys-help").hidden = !$("keys-help").hidden;
  else return;
  event.preventDefault();
  S.shortcuts++;
  showCounts();
}

window.review = {
  ready: false,
  state: S,
  keys: () => ({ shortcuts: S.shortcuts, typed: S.typed, decided: S.decided }),
};
document.addEventListener("keydown", onKey);
document.addEventListener("DOMContentLoaded", () => {
  $("save").addEventListener("click", save);
  init();
});
