import { createHash } from "node:crypto";

/**
 * The page's stylesheet and script, inlined so that the page needs no other request (in Azure each would need the
 * function key too), and allowed by their hashes in its Content-Security-Policy, which allows nothing else: no
 * other origin, no other script, no inline style attribute.
 */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa; --accent: #0969da;
  --ok: #1a7f37; --bad: #cf222e; --wait: #9a6700; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 16px; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.35rem; margin: 0 0 2px; }
h3 { font-size: 1.05rem; margin: 0 0 8px; }
h4 { font-size: 0.95rem; margin: 0; }
p { margin: 0 0 8px; }
a { color: var(--accent); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
nav ul, .links { list-style: none; padding: 0; margin: 8px 0 12px; display: flex; flex-wrap: wrap; gap: 6px 18px; }
.glance { margin: 16px 0; }
.kind { padding: 20px 0 8px; border-bottom: 1px solid var(--line); }
.kind > p { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); gap: 12px; margin: 12px 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.status { font-weight: 600; }
.status-succeeded { color: var(--ok); }
.status-failed { color: var(--bad); }
.status-running, .status-queued, .status-paused { color: var(--wait); }
.error { color: var(--bad); }
.tally { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; padding: 0; margin: 6px 0 10px; }
.tally strong { font-size: 1.2rem; }
ol.fields { margin: 4px 0 8px; padding-left: 1.6em; }
.empty { color: var(--muted); font-style: italic; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 480px), 1fr)); gap: 16px; margin: 8px 0 16px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; min-width: 0; }
figcaption p { color: var(--muted); font-size: 0.9rem; }
svg.chart { display: block; width: 100%; height: auto; margin: 6px 0; }
svg.chart text { font-size: 12px; fill: var(--muted); }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart path { fill: none; stroke-width: 2; }
.legend { list-style: none; padding: 0; margin: 0 0 6px; display: flex; flex-wrap: wrap; gap: 2px 16px; font-size: 0.9rem; }
.legend svg { width: 18px; height: 10px; vertical-align: middle; margin-right: 4px; }
.legend line { stroke-width: 3; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px 3px 0; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { color: var(--muted); font-weight: 600; }
details summary { cursor: pointer; color: var(--accent); }
footer { padding: 16px; color: var(--muted); font-size: 0.9rem; }
.series-0 { stroke: #0969da; fill: #0969da; } .series-1 { stroke: #cf222e; fill: #cf222e; }
.series-2 { stroke: #1a7f37; fill: #1a7f37; } .series-3 { stroke: #8250df; fill: #8250df; }
.series-4 { stroke: #bc4c00; fill: #bc4c00; } .series-5 { stroke: #1b7c83; fill: #1b7c83; }
.series-6 { stroke: #bf3989; fill: #bf3989; } .series-7 { stroke: #57606a; fill: #57606a; }
@media (max-width: 600px) { h1 { font-size: 1.3rem; } h2 { font-size: 1.15rem; } header, main { padding: 0 10px; } }
`;

/**
 * In Azure the page is opened as `.../dashboard?code=<function key>`: the script passes that key on to the page's
 * own links, so the key never has to be written into the page by the server.
 */
export const PAGE_SCRIPT = `
(function () {
  var code = new URLSearchParams(window.location.search).get("code");
  if (!code) return;
  document.querySelectorAll("a[data-api]").forEach(function (link) {
    var url = new URL(link.getAttribute("href"), window.location.href);
    url.searchParams.set("code", code);
    link.setAttribute("href", url.pathname + url.search);
  });
})();
`;

const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** Everything the page may load or run: its own inline style and script, and nothing from anywhere. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src ${hash(PAGE_STYLE)}`,
  `script-src ${hash(PAGE_SCRIPT)}`,
  // The page's icon is an empty data: URL, so the browser asks for no /favicon.ico.
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
