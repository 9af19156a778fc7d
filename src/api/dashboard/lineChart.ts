import type { ChartData, SnapshotPoint } from "./dashboardSchema";
import { formatCount, shortTime } from "./formatting";
import { html, type Html } from "./html";

const WIDTH = 480;
const HEIGHT = 200;
const LEFT = 56;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 30;
/** Series colours are classes of the stylesheet, so the page needs no inline style (its CSP allows none). */
const PALETTE_SIZE = 8;

/**
 * A line chart of a kind's counts as server-rendered SVG: one point per snapshot, evenly spaced oldest to newest,
 * a line per series broken where a snapshot lacks the count. `role="img"` with a title and a description that
 * says what the lines show; the numbers themselves are in the table beside it.
 */
export function lineChart(chart: ChartData, snapshots: readonly SnapshotPoint[], id: string): Html {
  const values = chart.series.map((series) => snapshots.map((snapshot) => snapshot.counts[series.count]));
  const present = values.flat().filter((value): value is number => value !== undefined);
  const { max, ticks } = scale(Math.max(0, ...present));
  const x = (index: number) =>
    snapshots.length === 1
      ? LEFT + (WIDTH - LEFT - RIGHT) / 2
      : LEFT + (index * (WIDTH - LEFT - RIGHT)) / (snapshots.length - 1);
  const y = (value: number) => TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / max);
  const grid = ticks.map(
    (tick) =>
      html`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(tick)}" y2="${y(tick)}" />
        <text class="tick" x="${LEFT - 6}" y="${y(tick) + 4}" text-anchor="end">${formatCount(tick)}</text>`,
  );
  const axis = axisLabels(snapshots).map(
    ({ text, at, anchor }) =>
      html`<text class="tick" x="${at === 0 ? LEFT : WIDTH - RIGHT}" y="${HEIGHT - 8}" text-anchor="${anchor}"
        >${text}</text
      >`,
  );
  const times = snapshots.map((snapshot) => shortTime(snapshot.startedAt));
  const lines = chart.series.map((series, index) => {
    const points = values[index]!;
    const path = segments(points)
      .map((segment) => segment.map((at, step) => `${step === 0 ? "M" : "L"}${round(x(at))} ${round(y(points[at]!))}`))
      .map((moves) => moves.join(" "))
      .join(" ");
    const dots = points.map((value, at) =>
      value === undefined
        ? ""
        : html`<circle cx="${round(x(at))}" cy="${round(y(value))}" r="3.5"
            ><title>${series.label}: ${formatCount(value)} (${times[at]} UTC)</title></circle
          >`,
    );
    return html`<g class="series series-${index % PALETTE_SIZE}" data-series="${series.count}"
      >${path === "" ? "" : html`<path d="${path}" />`}${dots}</g
    >`;
  });
  return html`<svg
    class="chart"
    viewBox="0 0 ${WIDTH} ${HEIGHT}"
    role="img"
    aria-labelledby="${id}-title ${id}-desc"
    data-points="${snapshots.length}"
  >
    <title id="${id}-title">${chart.title}</title>
    <desc id="${id}-desc">${describe(chart, values, snapshots)}</desc>
    ${grid}${axis}${lines}
  </svg>`;
}

/** The first and last snapshot's times under the x axis, to the second when they fall in the same minute. */
function axisLabels(snapshots: readonly SnapshotPoint[]): { text: string; at: 0 | 1; anchor: string }[] {
  const first = snapshots[0];
  const last = snapshots.at(-1);
  if (first === undefined || last === undefined) return [];
  if (snapshots.length === 1) return [{ text: shortTime(first.startedAt), at: 0, anchor: "start" }];
  const close = shortTime(first.startedAt) === shortTime(last.startedAt);
  return [
    { text: shortTime(first.startedAt, close), at: 0, anchor: "start" },
    { text: shortTime(last.startedAt, close), at: 1, anchor: "end" },
  ];
}

/** The text alternative: for each series, where it started and ended and its range, and where it has no count. */
function describe(
  chart: ChartData,
  values: readonly (number | undefined)[][],
  snapshots: readonly SnapshotPoint[],
): string {
  const parts = chart.series.map((series, index) => {
    const known = values[index]!.flatMap((value, at) => (value === undefined ? [] : [{ value, at }]));
    const firstKnown = known[0];
    const lastKnown = known.at(-1);
    if (firstKnown === undefined || lastKnown === undefined) return `${series.label}: not counted in these snapshots`;
    const sorted = known.map((point) => point.value).sort((a, b) => a - b);
    const missing = snapshots.length - known.length;
    return [
      `${series.label}: ${formatCount(firstKnown.value)} on ${shortTime(snapshots[firstKnown.at]!.startedAt)}`,
      known.length > 1 ? ` to ${formatCount(lastKnown.value)} on ${shortTime(snapshots[lastKnown.at]!.startedAt)}` : "",
      known.length > 2 ? ` (lowest ${formatCount(sorted[0]!)}, highest ${formatCount(sorted.at(-1)!)})` : "",
      missing > 0 ? `, not counted in ${missing} of them` : "",
    ].join("");
  });
  return `${chart.title} over ${snapshots.length} snapshot${snapshots.length === 1 ? "" : "s"} (UTC). ${parts.join("; ")}.`;
}

/** Runs of consecutive indices with a value: a line never bridges a snapshot that lacks the count. */
function segments(points: readonly (number | undefined)[]): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  points.forEach((value, index) => {
    if (value === undefined) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else {
      run.push(index);
    }
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

/** A y axis from zero to a round maximum at or above `highest`, in two to four round steps. */
function scale(highest: number): { max: number; ticks: number[] } {
  const raw = Math.max(1, highest) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, ([1, 2, 5, 10].find((m) => raw <= m * power) ?? 10) * power);
  const max = Math.max(step, Math.ceil(Math.max(1, highest) / step) * step);
  const ticks: number[] = [];
  for (let tick = 0; tick <= max + step / 2; tick += step) ticks.push(tick);
  return { max, ticks };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
