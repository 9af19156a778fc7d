import type { Dashboard, KindDashboard } from "./dashboardSchema";
import { formatCount, formatTime } from "./formatting";
import { Html, html } from "./html";
import { apiLink, kindSection } from "./kindSection";
import { PAGE_SCRIPT, PAGE_STYLE } from "./pageAssets";

/**
 * The page's own stylesheet and script, verbatim (their hashes are what the CSP allows), built outside the `html`
 * templates, whose text a formatter may re-indent.
 */
const STYLE = new Html(`<style>${PAGE_STYLE}</style>`);
const SCRIPT = new Html(`<script>${PAGE_SCRIPT}</script>`);

/**
 * The dashboard as one HTML document: the tenant at a glance, then a section per kind. `base` is the API's route
 * prefix as the request reached it (`/api/`), so links work whatever the prefix.
 */
export function dashboardPage(data: Dashboard, base: string): string {
  const now = Date.parse(data.generatedAt);
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>Tenant inventory dashboard</title>
        <link rel="icon" href="data:," />
        ${STYLE}
      </head>
      <body>
        <header>
          <h1>Tenant inventory</h1>
          <p class="muted">Tenant <code>${data.tenantId}</code>; as of ${formatTime(data.generatedAt)}</p>
          <nav aria-label="API">
            <ul>
              <li>${apiLink(base, "openapi.json", "OpenAPI document")}</li>
              <li>${apiLink(base, "dashboard/data", "This page's data (JSON)")}</li>
              <li>${apiLink(base, "snapshots", "Every snapshot (JSON)")}</li>
            </ul>
          </nav>
        </header>
        <main>${glance(data.kinds)} ${data.kinds.map((kind) => kindSection(kind, base, now))}</main>
        <footer>Counts come from the snapshots' manifests; times are UTC.</footer>
        ${SCRIPT}
      </body>
    </html> `;
  return page.text;
}

/** One line per kind: how its latest run went, and how many snapshots are kept. */
function glance(kinds: readonly KindDashboard[]): Html {
  const rows = kinds.map((kind) => {
    const run = kind.latestRun;
    const newest = kind.snapshots.at(-1);
    return html`<tr data-kind="${kind.kind}">
      <th scope="row"><a href="#kind-${kind.kind}">${kind.kind}</a></th>
      <td>
        ${run === null ? html`<span class="muted">no run yet</span>` : html`<span class="status status-${run.status}">${run.status}</span>`}
      </td>
      <td>${newest === undefined ? html`<span class="muted">none yet</span>` : formatTime(newest.startedAt)}</td>
      <td>${formatCount(kind.snapshots.length)}</td>
    </tr>`;
  });
  return html`<section class="glance" aria-labelledby="glance-title">
    <h2 id="glance-title">At a glance</h2>
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">kind</th>
            <th scope="col">latest run</th>
            <th scope="col">latest snapshot</th>
            <th scope="col">snapshots kept</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>
  </section>`;
}
