"""The inline CSS and JS of conformance.html (kept apart from the markup so each file stays readable).

The page must work from a CI artefact opened with ``file://``, offline: no external font, script or image,
and a Content-Security-Policy that forbids fetching anything. The JS only toggles ``hidden`` on rows that
were rendered server-side, so 531 rows x 10 families filter instantly.
"""

from __future__ import annotations

# Outcome colours: shared by the cells, the badges and the legend.
CSS = """
:root { --passed:#1f883d; --failed:#cf222e; --uncertain:#bf8700; --error:#8250df; --skipped:#8c959f;
  --not-run:#eaeef2; --fg:#1f2328; --muted:#59636e; --line:#d0d7de; --bg:#ffffff; --head:#f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Noto Sans",
  "Noto Naskh Arabic", Tahoma, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 16px 24px 8px; border-bottom: 1px solid var(--line); background: var(--head); }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 15px; margin: 12px 0 6px; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.run { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
.run dt { color: var(--muted); } .run dd { margin: 0; overflow-wrap: anywhere; }
.verdict-on { margin: 0 0 8px; padding: 6px 10px; border-left: 4px solid var(--muted); font-weight: 600; }
.totals { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table.counts { border-collapse: collapse; font-size: 12px; }
table.counts th, table.counts td { border: 1px solid var(--line); padding: 1px 7px; text-align: right; }
ul.chips { display: flex; flex-wrap: wrap; gap: 6px; list-style: none; margin: 0 0 6px; padding: 0; }
ul.chips .badge { font-size: 13px; padding: 2px 10px; }
table.counts th:first-child { text-align: left; } table.counts thead th { background: #fff; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px;
  vertical-align: middle; }
.o-passed { background: var(--passed); color: #fff; } .o-failed { background: var(--failed); color: #fff; }
.o-uncertain { background: var(--uncertain); color: #fff; } .o-error { background: var(--error); color: #fff; }
.o-skipped { background: var(--skipped); color: #fff; } .o-not-run { background: var(--not-run); color: #59636e; }
.warn { color: var(--failed); font-weight: 600; }
nav.filters { position: sticky; top: 0; z-index: 3; display: flex; flex-wrap: wrap; gap: 8px 16px;
  align-items: center; padding: 8px 24px; background: #fff; border-bottom: 1px solid var(--line); }
nav.filters label { color: var(--muted); } nav.filters select, nav.filters input { font: inherit; }
nav.filters input[type=search] { width: 22em; }
#f-count { font-weight: 600; }
ul.legend { display: flex; gap: 10px; list-style: none; margin: 0; padding: 0; color: var(--muted); }
.sw { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 4px;
  vertical-align: -1px; }
main { padding: 8px 24px 40px; }
#access-matrix { border-collapse: collapse; margin-top: 8px; font-size: 12px; }
#access-matrix td, #access-matrix th { border: 1px solid #ddd; padding: 2px 6px; text-align: left; }
#access-matrix td.a-allowed { background: #e8f5e9; } #access-matrix td.a-unclear { background: #fff8e1; }
table#matrix { border-collapse: separate; border-spacing: 0; width: 100%; }
#matrix thead th { position: sticky; top: var(--nav-height, 45px); z-index: 2; background: var(--head); font-size: 12px;
  border-bottom: 1px solid var(--line); padding: 4px; }
#matrix thead th.ep-col { text-align: left; }
#matrix th.ep-head { text-align: left; font-weight: normal; padding: 3px 8px 3px 4px;
  border-bottom: 1px solid #eef1f4; }
#matrix th.ep-head code { font-weight: 600; overflow-wrap: anywhere; }
#matrix th.ep-head small { display: block; color: var(--muted); overflow-wrap: anywhere; }
#matrix .t { margin-left: 6px; }
#matrix tr.group th { text-align: left; background: #fff; padding: 10px 4px 3px; font-size: 13px;
  border-bottom: 2px solid var(--line); }
#matrix td.cell { width: 68px; text-align: center; border: 2px solid #fff; border-radius: 4px; padding: 0;
  font-size: 12px; }
#matrix td.cell button { all: unset; cursor: pointer; display: block; width: 100%; padding: 3px 0;
  font-weight: 700; }
#matrix td.cell button:focus-visible { outline: 2px solid var(--fg); }
#matrix td.conf { font-size: 11.5px; color: var(--muted); padding: 0 6px; }
#matrix td.conf.c-low { color: var(--uncertain); font-weight: 600; }
#matrix tr.ep:hover th, #matrix tr.ep:hover td.conf { background: #f6f8fa; }
tr.details > td { padding: 8px 12px 14px 28px; background: #fbfbfc; border-bottom: 1px solid var(--line); }
section.check { margin: 0 0 12px; } section.check h3 { font-size: 14px; margin: 6px 0; }
section.check.flash { animation: flash 1.2s ease-out; }
@keyframes flash { from { background: #fff8c5; } to { background: transparent; } }
article.finding { border-left: 4px solid var(--failed); padding: 4px 12px; margin: 6px 0; background: #fff; }
article.finding.sev-warning { border-left-color: var(--uncertain); }
article.finding h4 { margin: 2px 0; font-size: 13.5px; } article.finding p { margin: 2px 0 6px; white-space: pre-wrap; }
article.finding dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
article.finding dt { color: var(--muted); } article.finding dd { margin: 0; min-width: 0; }
article.finding pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa;
  padding: 4px 6px; border-radius: 4px; }
p.target-error { border-left: 4px solid var(--error); padding: 4px 12px; background: #fff; margin: 6px 0; }
.nodeids { color: var(--muted); font-size: 12px; margin: 0; }
"""

JS = """
(function () {
  "use strict";
  function byId(id) { return document.getElementById(id); }
  var table = byId("matrix");
  var rows = Array.prototype.slice.call(table.querySelectorAll("tr.ep"));
  var groups = Array.prototype.slice.call(table.querySelectorAll("tr.group"));
  var controls = { area: byId("f-area"), outcome: byId("f-outcome"), confidence: byId("f-confidence"),
    q: byId("f-q") };
  var keys = Object.keys(controls);
  // The column headers stick just under the filter bar, whose height depends on the window width.
  function stickUnderNav() {
    var nav = document.querySelector("nav.filters");
    document.documentElement.style.setProperty("--nav-height", nav.offsetHeight + "px");
  }
  window.addEventListener("resize", stickUnderNav);
  stickUnderNav();

  function current() {
    var s = {};
    keys.forEach(function (k) { s[k] = controls[k].value.trim(); });
    s.needle = s.q.toLowerCase();
    return s;
  }
  function matches(row, s) {
    return (!s.area || row.dataset.area === s.area) &&
      (!s.outcome || row.dataset.outcome === s.outcome) &&
      (!s.confidence || row.dataset.confidence === s.confidence) &&
      (!s.needle || row.dataset.text.indexOf(s.needle) !== -1);
  }
  function apply(writeHash) {
    var s = current(), shown = 0, liveGroups = {};
    rows.forEach(function (row) {
      var ok = matches(row, s);
      row.hidden = !ok;
      var details = byId("d-" + row.dataset.id);
      if (details) { details.hidden = !ok || row.dataset.open !== "1"; }
      if (ok) { shown += 1; liveGroups[row.dataset.group] = true; }
    });
    groups.forEach(function (g) { g.hidden = !liveGroups[g.dataset.group]; });
    byId("f-count").textContent = shown + " of " + rows.length + " endpoints shown";
    if (writeHash) {
      var params = new URLSearchParams();
      keys.forEach(function (k) { if (s[k]) { params.set(k, s[k]); } });
      try { history.replaceState(null, "", "#" + params.toString()); } catch (e) { /* file:// may refuse */ }
    }
  }
  function setOpen(row, open) {
    var details = byId("d-" + row.dataset.id);
    if (!details) { return; }
    row.dataset.open = open ? "1" : "";
    details.hidden = !open || row.hidden;
    Array.prototype.forEach.call(row.querySelectorAll("button[data-family]"), function (b) {
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    keys.forEach(function (k) { controls[k].value = params.get(k) || ""; });
    var open = params.get("open");
    if (open) {
      var row = byId("ep-" + open);
      if (row) { setOpen(row, true); }
    }
  }
  table.addEventListener("click", function (ev) {
    var button = ev.target.closest("button[data-family]");
    if (!button) { return; }
    var row = button.closest("tr.ep");
    var family = button.dataset.family;
    if (row.dataset.open === "1" && row.dataset.family === family) {
      setOpen(row, false);
      row.dataset.family = "";
      return;
    }
    setOpen(row, true);
    row.dataset.family = family;
    var section = byId("d-" + row.dataset.id + "--" + family);
    if (section) {
      section.classList.remove("flash");
      void section.offsetWidth;  // restart the highlight animation
      section.classList.add("flash");
      section.scrollIntoView({ block: "nearest" });
    }
  });
  keys.forEach(function (k) {
    controls[k].addEventListener(k === "q" ? "input" : "change", function () { apply(true); });
  });
  window.addEventListener("hashchange", function () { readHash(); apply(false); });
  readHash();
  apply(false);
})();
"""
