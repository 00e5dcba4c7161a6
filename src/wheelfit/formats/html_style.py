"""The inline stylesheet and filter script of the HTML report (constants, no logic).

Light and dark follow `prefers-color-scheme`; status badges carry a word and a symbol, so
colour is never the only signal. The script only shows and hides table rows by their
`data-*` attributes (no package data is ever placed in it); without it every row shows.
"""

from __future__ import annotations

CSS = """
:root{color-scheme:light dark;--bg:#fbfbfc;--fg:#1c1f24;--muted:#5b6270;--card:#fff;
--line:#d9dde3;--accent:#1f5fbf;--ok:#1d7a3a;--warn:#9a5b00;--bad:#b3261e;--bar:#7a8699;
--rec:#1f5fbf;--today:#6a3fb5;--okbg:#e6f4ea;--warnbg:#fff4e0;--badbg:#fdecea;--code:#f2f4f7}
@media (prefers-color-scheme:dark){:root{--bg:#14161a;--fg:#e7e9ee;--muted:#a3aab8;
--card:#1d2026;--line:#343944;--accent:#7fb0ff;--ok:#6fd08c;--warn:#f0b35a;--bad:#ff8a80;
--bar:#8791a3;--rec:#7fb0ff;--today:#b89cff;--okbg:#17301f;--warnbg:#33260f;--badbg:#3a1a18;
--code:#262a31}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:1.5rem;margin:0 0 2px}h2{font-size:1.2rem;margin:28px 0 10px}
h3{font-size:1rem;margin:18px 0 6px}
.sub{color:var(--muted);margin:0 0 16px}
.answer{display:grid;grid-template-columns:minmax(300px,5fr) 7fr;gap:16px;align-items:start}
@media (max-width:900px){.answer{grid-template-columns:1fr}}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.verdict{font-size:1.35rem;font-weight:650;margin:0 0 6px}
.verdict.none{color:var(--warn)}
.verdict-card{border-left:6px solid var(--rec)}
.verdict-card:has(.none){border-left-color:var(--warn)}
.card table{margin-top:12px}
.card p{margin:6px 0}.card ul{margin:6px 0;padding-left:20px}
.tiles{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0 0}
.tile{flex:1 1 110px;border:1px solid var(--line);border-radius:8px;padding:8px 10px;
background:var(--card)}
.tile b{display:block;font-size:1.5rem;line-height:1.1}.tile span{color:var(--muted);
font-size:.85rem}
figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
.chart{width:100%;height:auto;display:block}
.chart text{fill:var(--fg);font-size:14px}.chart .img{fill:var(--muted);font-size:11.5px}
.chart .bar{fill:var(--bar)}.chart .bar.rec{fill:var(--rec)}
.chart .bar.none{fill:none;stroke:var(--bad);stroke-dasharray:4 3}
.chart .whisker{stroke:var(--fg);stroke-width:1.5;fill:none}
.chart .hatch-bg{fill:var(--today)}.chart .hatch{stroke:var(--card);stroke-width:2}
.note{color:var(--muted);font-size:.85rem}
table{border-collapse:collapse;width:100%;background:var(--card);font-size:.92rem}
caption{text-align:left;font-weight:600;padding:4px 0 6px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
thead th{background:var(--code);position:sticky;top:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.b{display:inline-block;border-radius:999px;padding:0 8px;font-size:.85rem;white-space:nowrap;
border:1px solid transparent}
.b.ok{color:var(--ok);background:var(--okbg)}.b.warn{color:var(--warn);background:var(--warnbg)}
.b.bad{color:var(--bad);background:var(--badbg);border-color:var(--bad)}
.b.muted{color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;margin:0 0 8px}
.filters fieldset{border:0;margin:0;padding:0;display:flex;gap:4px 12px;flex-wrap:wrap}
.filters legend{float:left;margin-right:8px;font-weight:600}
.filters output{color:var(--muted);margin-left:auto}
pre{background:var(--code);border-radius:6px;padding:8px 10px;overflow-x:auto;margin:4px 0;
white-space:pre-wrap;word-break:break-word}
code{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.meter{display:inline-block;height:10px;background:var(--bad);border-radius:2px;
vertical-align:middle;margin-right:6px}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}
a{color:var(--accent)}
footer{color:var(--muted);font-size:.85rem;margin-top:32px}
.service{border-top:2px solid var(--line);margin-top:36px;padding-top:8px}
"""

SCRIPT = """
document.querySelectorAll("form.filters").forEach(function (form) {
  var table = document.getElementById(form.getAttribute("data-table"));
  if (!table) { return; }
  var rows = table.querySelectorAll("tbody tr");
  var out = form.querySelector("output");
  function apply() {
    var view = form.elements.namedItem("view").value;
    var select = form.elements.namedItem("target");
    var target = select ? select.value : "any";
    var shown = 0;
    rows.forEach(function (row) {
      var on = (row.getAttribute("data-" + view) || "").split(" ").filter(Boolean);
      var show = view === "all" || (target === "any" ? on.length > 0 : on.indexOf(target) >= 0);
      row.hidden = !show;
      if (show) { shown += 1; }
    });
    if (out) { out.textContent = shown + " of " + rows.length + " packages shown"; }
  }
  form.addEventListener("change", apply);
  apply();
});
"""
