import type { ChartData, KindDashboard, SnapshotPoint } from "./dashboardSchema";
import { formatCount, formatDuration, formatTime } from "./formatting";
import { html, type Html } from "./html";
import { lineChart } from "./lineChart";

/** A link to one of the API's own routes; the page's script adds the function key to it. */
export function apiLink(base: string, path: string, text: string): Html {
  return html`<a data-api href="${base}${path}">${text}</a>`;
}

/** A kind's part of the page: its latest run, what changed last, its charts and its exports. */
export function kindSection(kind: KindDashboard, base: string, now: number): Html {
  const id = `kind-${kind.kind}`;
  return html`<section class="kind" id="${id}" aria-labelledby="${id}-title">
    <h2 id="${id}-title">${kind.kind}</h2>
    <p>${kind.description}</p>
    <div class="cards">${latestRun(kind, base, now)} ${lastChange(kind, base)}</div>
    <h3>Over time</h3>
    ${charts(kind, id)}
    <h3>Exports</h3>
    ${
      kind.exports.length === 0
        ? html`<p class="empty">This kind has no export.</p>`
        : html`<ul class="links">
            ${kind.exports.map((link) => html`<li>${apiLink(base, link.path, link.label)}</li>`)}
          </ul>`
    }
  </section>`;
}

function latestRun(kind: KindDashboard, base: string, now: number): Html {
  const run = kind.latestRun;
  if (run === null) {
    return html`<article class="card run" aria-label="${kind.kind}: latest run">
      <h3>Latest run</h3>
      <p class="empty">No ${kind.kind} sync has run yet.</p>
      <p>
        The timer syncs on the NCRONTAB schedule <code>${kind.schedule}</code>;
        <code>POST /api/sync/${kind.kind}</code> (admin key) starts one now.
      </p>
    </article>`;
  }
  const finished = run.finishedAt === null ? undefined : Date.parse(run.finishedAt);
  const took =
    finished === undefined
      ? `${formatDuration(now - Date.parse(run.startedAt))} so far`
      : formatDuration(finished - Date.parse(run.startedAt));
  return html`<article class="card run" aria-label="${kind.kind}: latest run">
    <h3>Latest run</h3>
    <dl>
      <dt>Status</dt>
      <dd class="status status-${run.status}" data-status="${run.status}">${run.status}</dd>
      <dt>Started</dt>
      <dd>${formatTime(run.startedAt)}</dd>
      <dt>${finished === undefined ? "Running for" : "Took"}</dt>
      <dd>${took}</dd>
      ${
        run.resumeAfter === undefined
          ? ""
          : html`<dt>Resumes after</dt>
              <dd>${formatTime(run.resumeAfter)}</dd>`
      }
      ${
        run.error === undefined
          ? ""
          : html`<dt>Error</dt>
              <dd class="error">${run.error}</dd>`
      }
      <dt>Snapshot</dt>
      <dd>${apiLink(base, `snapshots/${run.id}`, run.id)}</dd>
    </dl>
  </article>`;
}

function lastChange(kind: KindDashboard, base: string): Html {
  const title = html`<h3>What changed last</h3>`;
  const label = `${kind.kind}: what changed last`;
  const summary = kind.lastChange;
  if (summary === null) {
    const only = kind.snapshots[0];
    return html`<article class="card change" aria-label="${label}">
      ${title}
      <p class="empty">
        ${
          only === undefined
            ? "Nothing to compare yet: there is no succeeded snapshot."
            : html`Only one snapshot so far (${formatTime(only.startedAt)}): the next sync shows what changed.`
        }
      </p>
    </article>`;
  }
  const pair = `snapshots/${summary.from}/diff/${summary.to}`;
  const ranked = Object.entries(summary.fields).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const tally = (["added", "removed", "changed", "unchanged"] as const).map(
    (name) => html`<li data-tally="${name}"><strong>${formatCount(summary[name])}</strong> ${name}</li>`,
  );
  const artifacts = Object.entries(summary.artifacts ?? {});
  return html`<article class="card change" aria-label="${label}">
    ${title}
    <p>
      From ${formatTime(snapshotStart(kind.snapshots, summary.from))} to
      ${formatTime(snapshotStart(kind.snapshots, summary.to))}
    </p>
    <ul class="tally">
      ${tally}
    </ul>
    ${
      ranked.length === 0
        ? html`<p class="muted">No property of an item changed.</p>`
        : html`<h4>Changed properties, most often first</h4>
            <ol class="fields">
              ${ranked.map(([field, count]) => html`<li data-field="${field}"><code>${field}</code>: <span>${formatCount(count)}</span> item${count === 1 ? "" : "s"}</li>`)}
            </ol>`
    }
    ${
      artifacts.length === 0
        ? ""
        : html`<h4>Inside the items</h4>
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">array</th>
                    <th scope="col">added</th>
                    <th scope="col">removed</th>
                    <th scope="col">changed</th>
                  </tr>
                </thead>
                <tbody>
                  ${artifacts.map(
                    ([name, counts]) =>
                      html`<tr data-artifact="${name}">
                        <th scope="row">${name}</th>
                        <td>${formatCount(counts.added)}</td>
                        <td>${formatCount(counts.removed)}</td>
                        <td>${formatCount(counts.changed)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
    <ul class="links">
      <li>${apiLink(base, pair, "Full diff (JSON)")}</li>
      <li>${apiLink(base, `${pair}?format=ndjson`, "as NDJSON")}</li>
      <li>${apiLink(base, `${pair}/summary`, "summary (JSON)")}</li>
    </ul>
  </article>`;
}

function snapshotStart(snapshots: readonly SnapshotPoint[], id: string): string {
  return snapshots.find((snapshot) => snapshot.id === id)?.startedAt ?? "";
}

function charts(kind: KindDashboard, id: string): Html {
  if (kind.snapshots.length === 0) {
    return html`<p class="empty">No succeeded ${kind.kind} snapshot yet: the charts start with the first.</p>`;
  }
  if (kind.charts.length === 0) return html`<p class="empty">This kind declares no chart.</p>`;
  return html`<div class="charts">
    ${kind.charts.map((chart, index) => figure(chart, kind.snapshots, `${id}-chart-${index}`))}
  </div>`;
}

function figure(chart: ChartData, snapshots: readonly SnapshotPoint[], id: string): Html {
  const latest = snapshots.at(-1)!;
  const legend = chart.series.map((series, index) => {
    const value = latest.counts[series.count];
    return html`<li data-legend="${series.count}">
      <svg aria-hidden="true" viewBox="0 0 18 10"><line class="series-${index % 8}" x1="0" y1="5" x2="18" y2="5" /></svg
      >${series.label}: <strong>${value === undefined ? "not counted" : formatCount(value)}</strong>
    </li>`;
  });
  const rows = [...snapshots].reverse().map(
    (snapshot) =>
      html`<tr>
        <th scope="row">${formatTime(snapshot.startedAt)}</th>
        ${chart.series.map((series) => {
          const value = snapshot.counts[series.count];
          return value === undefined
            ? html`<td data-count="${series.count}"><abbr title="not counted in this snapshot">–</abbr></td>`
            : html`<td data-count="${series.count}">${formatCount(value)}</td>`;
        })}
      </tr>`,
  );
  return html`<figure aria-labelledby="${id}-caption">
    <figcaption id="${id}-caption">
      <h4>${chart.title}</h4>
      ${chart.description === undefined ? "" : html`<p>${chart.description}</p>`}
    </figcaption>
    ${lineChart(chart, snapshots, id)}
    <ul class="legend" aria-label="latest values">
      ${legend}
    </ul>
    <details>
      <summary>Numbers, newest first</summary>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">snapshot</th>
              ${chart.series.map((series) => html`<th scope="col">${series.label}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </div>
    </details>
  </figure>`;
}
