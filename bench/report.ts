import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { carryFloorMs, commandRatio, syncRatio, type BenchResults } from "./results";

const int = (value: number) => Math.round(value).toLocaleString("en-US");
const fixed = (value: number, digits = 2) => value.toFixed(digits);
const mb = (bytes: number) => `${fixed(bytes / 1024 / 1024, 1)} MB`;

/** The results as a plain-text table for the terminal. */
export function formatResults(results: BenchResults): string {
  const { naive, memory, http, startup, sizes } = results;
  const lines: string[][] = [];
  const section = (title: string) => lines.push([], [`== ${title}`]);
  const row = (...cells: string[]) => lines.push(cells);
  const kinds = [
    ["users", results.users] as const,
    ["workspaces", results.workspaces] as const,
    ...Object.entries(results.more).map(([kind, measured]) => [kind, measured] as const),
  ];
  const seconds = (ms: number | undefined) => (ms === undefined ? "n/a" : fixed(ms / 1000, 1));

  const sizeText = `${int(sizes.users)} users, ${int(sizes.workspaces)} workspaces`;
  section(
    `Sync, fastest of ${results.users.runs.length} runs, against the best try of the storage ceiling (${sizeText})`,
  );
  row(
    "kind",
    "items",
    "rows",
    "s",
    "rows/s",
    "ceiling rows/s",
    "÷ ceiling",
    "whole command",
    "÷ ceiling",
    "transactions",
    "calls/min",
    "retries",
  );
  for (const [kind, measured] of kinds) {
    const { sync: s, ceiling: c, command } = measured;
    const ceiling = `${int(c.rowsPerSecond)} (~${int(c.rowsPerPartition)}/partition, ×${c.concurrency})`;
    const whole = `${seconds(command.wallMs)} s (sync ${seconds(command.durationMs)} s)`;
    row(
      kind,
      int(s.items),
      int(s.rows),
      seconds(s.wallMs),
      int(s.rowsPerSecond),
      ceiling,
      fixed(syncRatio(measured)),
      whole,
      fixed(commandRatio(measured)),
      `${int(s.transactions)} (ceiling ${int(c.transactions)})`,
      `${s.calls.made}/${s.calls.minimum}`,
      String(s.calls.retries),
    );
  }
  section("The storage ceiling's sweep, in the order it ran; reads at each layout (product's reader, 1 client)");
  row(
    "kind",
    "rows/partition",
    "bits",
    "in flight",
    "rows/s",
    "s",
    "load",
    "Azurite CPU",
    "transactions",
    "page p50/p99 ms",
    "export s",
  );
  for (const [kind, measured] of kinds) {
    for (const t of measured.tries) {
      const reads =
        t.reads === undefined
          ? ["", ""]
          : [`${fixed(t.reads.p50Ms, 1)} / ${fixed(t.reads.p99Ms, 1)}`, seconds(t.reads.exportMs)];
      const own = t.partitionBits === measured.sync.partitionBits ? " (product)" : "";
      row(
        kind,
        `${int(t.rowsPerPartition)}${own}`,
        String(t.partitionBits),
        String(t.concurrency),
        int(t.rowsPerSecond),
        seconds(t.wallMs),
        fixed(t.load),
        seconds(t.azuriteCpuMs),
        int(t.transactions),
        ...reads,
      );
    }
  }
  section("Every sync run in order: CPU seconds per process (2 cores; Azurite is one Node thread plus GC threads)");
  row("kind", "run", "rows/s", "s", "load", "sync CPU", "Azurite CPU", "tenant CPU", "peak RSS");
  for (const [kind, measured] of kinds) {
    measured.runs.forEach((run, index) => {
      const { cpuMs } = run;
      const rss = `${fixed(run.peakRssMb, 0)} MB`;
      const cpu = [seconds(cpuMs.sync), seconds(cpuMs.azurite), seconds(cpuMs.tenant)];
      row(kind, `sync ${index + 1}`, int(run.rowsPerSecond), seconds(run.wallMs), fixed(run.load), ...cpu, rss);
    });
    const { upstream, commands, smallHeapCommand } = measured;
    const first = `first page after ${seconds(upstream.firstPageMs)} s`;
    row(kind, "upstream only", "", seconds(upstream.ms), "", `${upstream.pages} pages, ${first}`);
    for (const command of [...commands, smallHeapCommand]) {
      const own = `its sync ${seconds(command.durationMs)} s`;
      row(kind, "whole command", "", seconds(command.wallMs), fixed(command.load), `${command.command}: ${own}`);
    }
  }
  section("Naive baseline: one upsertEntity per row, sequential, into a store already holding half the rows");
  const speedup = `users sync is ×${fixed(results.users.sync.rowsPerSecond / naive.rowsPerSecond, 1)}`;
  const ceilingSpeedup = `the ceiling ×${fixed(results.users.ceiling.rowsPerSecond / naive.rowsPerSecond, 1)}`;
  row(`${int(naive.rows)} rows`, `${int(naive.rowsPerSecond)} rows/s`, speedup, ceilingSpeedup);
  section("Carry-over: every workspaces row read back and written under a new snapshot (store reader and writer)");
  const copy = results.carryOver;
  const copyRatio = fixed(copy.rowsPerSecond / results.workspaces.ceiling.rowsPerSecond);
  row(
    `${int(copy.rows)} rows`,
    `${seconds(copy.wallMs)} s`,
    `${int(copy.rowsPerSecond)} rows/s`,
    `÷ ceiling ${copyRatio}`,
    `${int(copy.transactions)} transactions`,
  );
  section("Memory: peak RSS of the users sync process");
  row("V8 heap", "N users", "peak RSS", "2N users", "peak RSS", "2N ÷ N");
  for (const m of memory) {
    const [base, twice] = [`${fixed(m.peakRssMb, 0)} MB`, `${fixed(m.doubledPeakRssMb, 0)} MB`];
    row(m.heap, int(m.users), base, int(m.doubledUsers), twice, fixed(m.ratio));
  }
  section("Memory: peak RSS of the workspaces sync process, every expansion");
  row("V8 heap", "$top", "workspaces", "peak RSS");
  for (const m of results.workspacesMemory) row(m.heap, int(m.top), int(m.workspaces), `${fixed(m.peakRssMb, 0)} MB`);
  section(`HTTP GET /api/snapshots/latest/users?top=${http.top} at random pages (${int(http.pagesSampled)} starts)`);
  row("path", "clients", "requests", "req/s", "p50 ms", "p99 ms", "failures");
  for (const [path, list] of [
    ["HTTP (autocannon)", http.http] as const,
    ["TableClient direct", http.direct] as const,
  ]) {
    for (const f of list) {
      const latency = [fixed(f.p50Ms, 1), fixed(f.p99Ms, 1)];
      row(path, String(f.clients), int(f.requests), int(f.requestsPerSecond), ...latency, String(f.failures));
    }
  }
  const { dashboard } = results;
  const snapshots = Object.entries(dashboard.snapshotsPerKind).map(([kind, n]) => `${n} ${kind}`);
  section(`Dashboard: ${snapshots.join(", ")} snapshots; medians of ${dashboard.rounds} loads each, in turns`);
  row("GET", "ms", "bytes", "storage requests");
  const perKind = Object.entries(dashboard.storageRequests.perKind).map(([kind, n]) => `${kind} ${n}`);
  row("/api/dashboard, first (computes the summaries)", fixed(dashboard.firstLoadMs, 1));
  const requests = `${dashboard.storageRequests.total} (${perKind.join(", ")})`;
  row("/api/dashboard", fixed(dashboard.pageMs, 1), int(dashboard.pageBytes), requests);
  row("/api/snapshots?kind=users", fixed(dashboard.snapshotsListMs, 1));
  catalogSection(results, section, row);
  section("Start-up: import of dist/src/index.js in a fresh process (median of 7), what deploys, a no-op start");
  const { deployed, bundled, noOpStart } = startup;
  row("", "import ms", "size", "files");
  const deployedSize = `${mb(deployed.bytes)} (app ${mb(deployed.appBytes)})`;
  row(`deployed (${deployed.packages} packages)`, fixed(deployed.importMs, 0), deployedSize, int(deployed.files));
  row("esbuild bundle (not shipped)", fixed(bundled.importMs, 0), mb(bundled.bytes), int(bundled.files));
  row(
    "npm run sync -- --help, nothing to build",
    `${int(noOpStart.syncHelpMs)} ms`,
    `of which the build check ${int(noOpStart.buildCheckMs)} ms`,
  );
  const load = `load average ${fixed(results.load.atStart)} at start, ${fixed(results.load.atEnd)} at end`;
  section(`Targets (${load}; ${fixed(results.benchSeconds, 0)} s)`);
  for (const t of results.targets) row(t.met ? "met" : "MISSED", t.name, fixed(t.value), t.goal);
  return render(lines);
}

/** The catalog at the scanner's limits: both runs, the budget-bound minimum, the ceiling, lineage. */
function catalogSection(
  results: BenchResults,
  section: (title: string) => void,
  row: (...cells: string[]) => void,
): void {
  const { catalog } = results;
  const { window, full, incremental, bound, ceiling } = catalog;
  const seconds = (ms: number) => fixed(ms / 1000, 1);
  section(
    `Catalog: ${int(catalog.workspaces)} workspaces listed (a tenant of ${int(catalog.tenantWorkspaces)}), ` +
      `CATALOG_SCAN=${catalog.scan}, --max-old-space-size=${catalog.heapMb}; scanner windows of ` +
      `${seconds(window.ms)} s (an hour ÷ ${fixed(window.factor, 0)}), ${window.getInfo} getInfo and scanResult a ` +
      `window, scans take ${seconds(window.scanDelayMs)} s`,
  );
  row(
    "run",
    "invocations",
    "wall s",
    "worked s",
    "rows",
    "rows/s",
    "transactions",
    "list+getInfo+scanResult made / minimum",
    "refused",
    "status polls",
    "peak RSS",
    "Azurite CPU s",
    "load",
  );
  for (const [name, run] of [
    ["full scan", full],
    [`incremental (${int(incremental.changed)} changed)`, incremental],
    [`full scan of ${int(catalog.largestWorkspaces)}, 500 getInfo an hour`, catalog.largest],
  ] as const) {
    const { made, minimum, refused } = run.calls;
    row(
      name,
      String(run.invocations.length),
      seconds(run.wallMs),
      seconds(run.activeMs),
      int(run.rows),
      int(run.rows / (run.activeMs / 1000)),
      int(run.transactions),
      `${made.list}+${made.getInfo}+${made.scanResult} / ${minimum.list}+${minimum.getInfo}+${minimum.scanResult}`,
      `getInfo ${refused.getInfo}, scanResult ${refused.scanResult}`,
      int(run.calls.scanStatus),
      `${fixed(run.peakRssMb, 0)} MB`,
      seconds(run.azuriteCpuMs),
      fixed(run.load),
    );
  }
  row(
    "budget-bound minimum",
    `${bound.windows} windows`,
    seconds(bound.ms),
    `to the last window ${seconds(bound.untilLastWindowMs)} s (started ${seconds(bound.offsetMs)} s into one)`,
    `+ a scan ${seconds(bound.scanDelayMs)} s`,
    `+ ${int(bound.tailRows)} rows at the ceiling ${seconds(bound.tailMs)} s`,
    `wall ÷ bound ${fixed(full.wallMs / bound.ms)}`,
  );
  const incrementalRate = incremental.rows / (incremental.activeMs / 1000);
  row(
    "storage ceiling, the incremental snapshot's rows",
    "",
    seconds(ceiling.wallMs),
    "",
    int(ceiling.rows),
    int(ceiling.rowsPerSecond),
    `${int(ceiling.transactions)} (~${int(ceiling.rowsPerPartition)}/partition, ×${ceiling.concurrency})`,
    `incremental rows/s ÷ ceiling ${fixed(incrementalRate / ceiling.rowsPerSecond)}`,
    "",
    "",
    "",
    seconds(ceiling.azuriteCpuMs ?? NaN),
    fixed(ceiling.load),
  );
  const { carriedRead } = catalog;
  row(
    "fastest read of the carried row sets",
    "",
    seconds(carriedRead.wallMs),
    "",
    int(carriedRead.rows),
    int(carriedRead.rows / (carriedRead.wallMs / 1000)),
    `${carriedRead.partitionsPerQuery} partitions a query (of ${carriedRead.tries.map((read) => read.partitionsPerQuery).join(", ")})`,
    `incremental ÷ (this read + the ceiling) ${fixed(incremental.wallMs / carryFloorMs(catalog))}`,
    "",
    "",
    "",
    seconds(carriedRead.azuriteCpuMs),
    "",
  );
  row(
    `lineage downstream, ${int(catalog.lineageWorkspaces)} workspaces' snapshot`,
    "nodes (simulator)",
    "edges",
    "storage requests",
    "per node",
    "ms",
    "ms per node",
  );
  for (const figures of catalog.lineage) {
    row(
      figures.root,
      `${int(figures.nodes)} (${int(figures.expectedNodes)})`,
      int(figures.edges),
      int(figures.storageRequests),
      fixed(figures.requestsPerNode, 3),
      fixed(figures.ms, 1),
      fixed(figures.msPerNode, 3),
    );
  }
}

/** Columns padded to the widest cell of their section; section titles stand alone. */
function render(lines: string[][]): string {
  const out: string[] = [];
  let block: string[][] = [];
  const flush = () => {
    const widths: number[] = [];
    for (const cells of block) cells.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
    for (const cells of block)
      out.push(
        cells
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      );
    block = [];
  };
  for (const cells of lines) {
    if (cells.length > 1) {
      block.push(cells);
      continue;
    }
    flush();
    out.push(cells[0] ?? "");
  }
  flush();
  return out.join("\n");
}

/**
 * Writes `<date>.json` always, and `latest.json` when asked: only full default-size runs belong in the committed one.
 * Returns the paths written.
 */
export function writeResults(results: BenchResults, outDir: string, latest: boolean): string[] {
  mkdirSync(outDir, { recursive: true });
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const paths = [join(outDir, `${results.date.replace(/:/g, "-").replace(/\.\d+Z$/, "Z")}.json`)];
  if (latest) paths.push(join(outDir, "latest.json"));
  for (const path of paths) writeFileSync(path, text);
  return paths;
}
