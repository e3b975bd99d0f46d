"""The report page's inline stylesheet and script (no external assets): a page that works
without JavaScript, and a small script for the finding filters and jump links."""

CSS = """
:root{--ink:#1d232b;--muted:#5b6470;--line:#d8dde3;--paper:#fff;--wash:#f4f6f8;
--high:#b3261e;--medium:#b86e00;--low:#4a6b8a;--claim:rgba(250,215,80,.38);
--agreed:rgba(90,180,110,.30);--finding:rgba(240,110,70,.42)}
*{box-sizing:border-box}[hidden]{display:none!important}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
background:var(--wash);overflow-wrap:break-word}
.ident{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
.url{overflow-wrap:anywhere}.nowrap{white-space:nowrap}
.scroll-x{overflow-x:auto;max-width:100%}
code{font-size:.92em;background:var(--wash);padding:0 3px;border-radius:3px;overflow-wrap:anywhere}
header.top{background:#1d232b;color:#fff;padding:18px 32px}header.top h1{margin:0;font-size:24px}
header.top nav{display:flex;flex-wrap:wrap;gap:4px 16px;margin-top:4px}
header.top nav a{color:#cfe3ff;font-size:14px}
main{max-width:1240px;margin:0 auto;padding:8px 24px 48px}
section.block{background:var(--paper);border:1px solid var(--line);border-radius:6px;padding:16px 24px;
margin:18px 0}
h2{font-size:21px;margin:4px 0 8px}h3{font-size:17px;margin:18px 0 6px}
.muted,.meta{color:var(--muted);font-size:14px}
.counts{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 12px;padding:0;list-style:none}
.counts li{background:var(--wash);border:1px solid var(--line);border-radius:6px;padding:6px 12px}
.counts b{font-size:20px;margin-right:4px}
.warning{background:#fdecea;border:1px solid var(--high);color:#6d1712;padding:8px 12px;border-radius:6px}
.badge{display:inline-block;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;
padding:1px 8px;border-radius:10px;border:1px solid var(--line);background:var(--wash);margin-right:4px}
.sev-high{background:var(--high);color:#fff;border-color:var(--high)}
.sev-medium{background:var(--medium);color:#fff;border-color:var(--medium)}
.sev-low{background:var(--low);color:#fff;border-color:var(--low)}
form.filters{display:flex;flex-wrap:wrap;gap:18px;align-items:center;background:var(--wash);
border:1px solid var(--line);border-radius:6px;padding:8px 14px;font-size:14px}
form.filters fieldset{border:0;margin:0;padding:0}
form.filters legend{font-weight:600;float:left;margin-right:8px}
#shown-count{font-weight:600}
article.finding{border:1px solid var(--line);border-left:6px solid var(--low);border-radius:6px;
padding:12px 16px;margin:12px 0}
article.finding.high{border-left-color:var(--high)}article.finding.medium{border-left-color:var(--medium)}
article.finding:target{box-shadow:0 0 0 3px #7aa7ff}
.finding .explanation{font-size:17px;font-weight:600;margin:6px 0 10px}
.finding .also{margin:-4px 0 10px;color:#444;font-size:14px}
.sides{display:grid;grid-template-columns:repeat(var(--sides),minmax(0,1fr));gap:12px}
.side{background:var(--wash);border-radius:6px;padding:10px 12px}
.side h4{margin:0 0 8px;font-size:15px}.side h4 span{color:var(--muted);font-weight:400}
.evidence{margin:0 0 10px;padding:0 0 8px;border-bottom:1px dashed var(--line)}.evidence:last-child{border:0}
blockquote{margin:0 0 4px;padding-left:10px;border-left:3px solid var(--finding);font-family:Georgia,serif}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:var(--wash);position:sticky;top:0}
tr.fact-group th{background:#e9edf2;font-weight:600}
table.matrix{min-width:calc(16rem + var(--columns,5) * 6.5rem)}
table.matrix th.fact{width:38%;min-width:14rem}
table.matrix th.source{font-size:13px;min-width:6rem}table.matrix th.source .meta{white-space:nowrap}
table.matrix .fact{position:sticky;left:0;background:var(--paper);z-index:1}
table.matrix thead th.fact{background:var(--wash);z-index:2}
td.cell{text-align:center}
td.asserts{background:#dff0e2}td.denies{background:#f9d9d5}td.alleges{background:#fff0c9}
td.quotes{background:#e2ebf8}td.mixed{background:#efe4f6}td.silent{color:#9aa3ad}
td.reports-a-claim{background:#eef4ea}td.reports-a-denial{background:#fbeeec;font-style:italic}
.hint{background:#fff8e1;border:1px solid #e8d08a;border-radius:6px;padding:6px 10px;font-size:14px}
.doc-body{display:grid;grid-template-columns:minmax(0,80ch) minmax(180px,1fr);gap:28px}
.doc-body aside{font-size:14px;color:var(--muted);position:sticky;top:8px;align-self:start}
.doc-text{white-space:pre-wrap;font-family:Georgia,serif;font-size:16px;line-height:1.7}
mark{background:transparent;color:inherit;border-radius:2px;
text-decoration:underline dotted rgba(170,140,30,.5);text-underline-offset:3px}
mark.agreed{text-decoration:underline solid rgba(60,150,80,.55)}
mark.in-finding{background:var(--finding);border-bottom:2px solid var(--high);text-decoration:none}
#texts:has(#show-claims:checked) mark{background:var(--claim)}
#texts:has(#show-claims:checked) mark.agreed{background:var(--agreed)}
#texts:has(#show-claims:checked) mark.in-finding{background:var(--finding)}
label.toggle{white-space:nowrap;color:var(--ink)}
details summary{cursor:pointer;margin:8px 0}
mark:target{outline:3px solid #2f6fe0}
a.backref{text-decoration:none;font:700 11px system-ui,sans-serif;vertical-align:super;color:var(--high);
padding:0 2px}
a.backref::after{content:"\\21A9" attr(data-n)}
.legend mark{padding:0 6px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{font-weight:600}dd{margin:0}
@media (max-width:800px){.sides,.doc-body{grid-template-columns:1fr}}
@media (max-width:640px){
header.top{padding:12px 16px}header.top h1{font-size:20px}
main{padding:4px 8px 32px}section.block{padding:12px}
table.matrix{min-width:calc(10rem + var(--columns,5) * 6.5rem)}
table.matrix th.fact{width:10rem;min-width:10rem}table.matrix td.fact{font-size:13px}
dl{grid-template-columns:1fr}dd{margin:0 0 6px}
table.sources,table.sources tbody,table.sources tr,table.sources td{display:block;width:auto}
table.sources thead{display:none}
table.sources tr{border:1px solid var(--line);border-radius:6px;margin:0 0 10px}
table.sources td{border:0;border-top:1px solid var(--line)}table.sources td:first-child{border-top:0}
table.sources td::before{content:attr(data-label);display:block;font-weight:600;font-size:12px;
color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
}
@media print{form.filters,header.top nav{display:none}}
"""

JS = """
(function () {
  var form = document.getElementById("filters");
  if (!form) { return; }
  var findings = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  var count = document.getElementById("shown-count");
  function checked(name) {
    return Array.prototype.map.call(form.querySelectorAll("input[name='" + name + "']:checked"),
                                    function (box) { return box.value; });
  }
  function apply() {
    var severities = checked("severity"), types = checked("type"), doc = form.elements.doc.value;
    var shown = 0;
    findings.forEach(function (f) {
      var match = severities.indexOf(f.dataset.severity) >= 0 && types.indexOf(f.dataset.type) >= 0 &&
        (!doc || f.dataset.docs.split(" ").indexOf(doc) >= 0);
      f.hidden = !match;
      if (match) { shown += 1; }
    });
    Array.prototype.forEach.call(document.querySelectorAll(".filterable"), function (group) {
      if (group.querySelector("article.finding")) {
        group.hidden = !group.querySelector("article.finding:not([hidden])");
      }
    });
    count.textContent = "Showing " + shown + " of " + findings.length + " findings";
    document.body.setAttribute("data-filters", "ready");
  }
  form.hidden = false;
  form.addEventListener("change", apply);
  apply();
})();
"""
