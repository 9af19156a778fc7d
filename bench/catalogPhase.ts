import { join } from "node:path";
import type { Azurite } from "../dev/local/azurite";
import type { SimulatedTenant } from "../dev/simulator/simulatedTenant";
import { SCAN_CHUNK, SCAN_OPTIONS } from "../src/sources/powerbi/scanner";
import { CARRIED_ROW_SETS } from "../src/kinds/catalog/catalogRows";
import type { StoredRow } from "../src/store/rowCodec";
import { partitionRows, partitionsOf } from "../src/store/rowCopy";
import { readRows, snapshotFilter } from "../src/store/rowReader";
import type { CatalogChildReport, CatalogInvocation } from "./catalogChild";
import { measureLineage, type LineageFigures } from "./catalogLineage";
import {
  callsSince,
  changedIndices,
  scannerCalls,
  SCANNER_ROUTES,
  tenantSizeListing,
  type ScannerCalls,
} from "./catalogTenant";
import { lastJsonLine, runNode } from "./childProcess";
import { azuriteCpuMs, loadAverage, productSettings, startBenchTenant, withAzurite } from "./services";
import { ceilingBatches, measureCeiling, rowsTable, type CeilingTry } from "./storageCeiling";
import { partitionBitsOf } from "./syncPhase";

const HOUR = 3_600_000;
/** The memory figure: a 512 MB Flex instance gives the worker this heap. */
export const CATALOG_HEAP_MB = 256;
/** Every scanner option: with schema and expressions, the biggest WorkspaceInfo the service gives. */
const SCAN = SCAN_OPTIONS.join(",");

export interface CatalogOptions {
  /** Workspaces a full scan lists and scans (the tenant is sized to list exactly these). */
  workspaces: number;
  /** getInfo and scanResult calls a window allows, and the window's length. */
  budget: number;
  windowSeconds: number;
  /** Workspaces of the smaller tenant whose snapshot the lineage is read from (see measureLineage). */
  lineageWorkspaces: number;
  /** Workspaces of the largest full scan, unthrottled: the memory figure. */
  largestWorkspaces: number;
  seed: number;
  /** Transactions in flight for the ceiling try of the catalog's rows. */
  ceilingConcurrency: number;
  log: (message: string) => void;
}

/** One catalog run, from its first invocation to the one that finished it, in a child process of its own. */
export interface CatalogRun {
  status: string;
  snapshotId: string;
  partitionBits: number;
  counts: Record<string, number>;
  /** From the first invocation's start to the last one's end, pauses included. */
  wallMs: number;
  /** The invocations' own durationMs added up: the time the product worked. */
  activeMs: number;
  /** Epoch ms of the first invocation's start. */
  startedAt: number;
  invocations: CatalogInvocation[];
  rows: number;
  transactions: number;
  calls: {
    /** Calls the service took (list = admin/workspaces/modified), against the fewest that can do the run. */
    made: { list: number; getInfo: number; scanResult: number };
    minimum: { list: number; getInfo: number; scanResult: number };
    /** Calls the service refused (429: the budget spent, or too many scans at once). */
    refused: { list: number; getInfo: number; scanResult: number; scanStatus: number };
    /** Status polls: not in the minimum, since a scan takes as long as it takes. */
    scanStatus: number;
    /** Retries the product's client made on top (transient failures; there are none here). */
    retries: number;
  };
  peakRssMb: number;
  cpuMs: number;
  /** Azurite's CPU time over the run: how much of the wall storage was busy (Azurite is one Node thread). */
  azuriteCpuMs: number;
  load: number;
}

/**
 * The fastest read storage allows of what a carry-over reads: the full scan's rows of the carried row sets, in range
 * queries of a few partitions, page after page with the next asked for at once, before the incremental run adds its
 * own rows to the table (so it reads a smaller table than the carry-over did). The fastest of CARRIED_READ_SPANS
 * counts; every try is in `tries`. With the ceiling's write of the incremental snapshot's rows, the storage work no
 * copy can avoid.
 */
export interface CarriedReadFloor extends CarriedRead {
  tries: CarriedRead[];
}

export interface CarriedRead {
  partitionsPerQuery: number;
  rows: number;
  wallMs: number;
  azuriteCpuMs: number;
}

/** Partitions a query of the floor's read tries: Azurite's cost of a query grows with the rows it spans. */
const CARRIED_READ_SPANS = [2, 16, 64] as const;

export interface CatalogMeasurement {
  /** Workspaces listed and scanned, out of the tenant's generated ones (personal and inactive are not listed). */
  workspaces: number;
  tenantWorkspaces: number;
  scan: string;
  heapMb: number;
  /** The scanner's budget windows, shortened from an hour by `factor`; the product's timers scaled alike. */
  window: { ms: number; factor: number; getInfo: number; scanResult: number; scanDelayMs: number };
  /** The full scan under the budget. */
  full: CatalogRun;
  /** The budget-bound minimum of the full scan (see budgetBound). */
  bound: BudgetBound;
  /** After `changed` of the workspaces changed (2 %), with the same budget (refilled: a new window's worth). */
  incremental: CatalogRun & { changed: number };
  /** The incremental run's snapshot written by the storage ceiling's loop: the same rows, at the same layout. */
  ceiling: CeilingTry;
  /** Reading the carried row sets of the full scan's snapshot at the fastest storage allows (see CarriedReadFloor). */
  carriedRead: CarriedReadFloor;
  /** The lineage, read from a full scan of a tenant listing `lineageWorkspaces`, in a store of its own. */
  lineageWorkspaces: number;
  lineage: LineageFigures[];
  /** A full scan of `largestWorkspaces` under the service's own budget (it never binds), in a store of its own. */
  largestWorkspaces: number;
  largest: CatalogRun;
}

/**
 * The catalog kind at the scanner's limits, in one tenant and one store: a full scan of `workspaces` under a budget
 * of `budget` getInfo (and scanResult) calls a window, the windows shortened to `windowSeconds`, paused at each
 * spent budget and resumed as the resume timer would (bench/catalogChild.ts, under the heap of a 512 MB instance);
 * then an incremental run after 2 % of the workspaces changed, and the storage ceiling for the rows it wrote. Then
 * the lineage of the hub data source, in a smaller tenant's snapshot (Azurite's queries slow down with the table),
 * and the largest full scan, whose peak RSS is the memory figure. Azurite reads a page in time that grows with the
 * whole table (about 0.5 µs a row it holds), so carrying a 20,000-workspace snapshot over (460,000 rows read and
 * written into the same table) takes it over ten minutes: the incremental pair is measured at a size it can carry.
 */
export async function measureCatalog(options: CatalogOptions): Promise<CatalogMeasurement> {
  const { workspaces, budget, windowSeconds, seed, log } = options;
  const tenantWorkspaces = tenantSizeListing(seed, workspaces);
  const windowMs = windowSeconds * 1000;
  const limits = { getInfo: budget, scanResult: budget };
  // The budget windows count from the tenant's start: the full scan starts right after, in its first window.
  const tenant = await startBenchTenant(10, tenantWorkspaces, seed, { windowMs, limits });
  const limited = await withTenant(tenant, () =>
    withAzurite(async (azurite) => {
      const chunks = Math.ceil(workspaces / SCAN_CHUNK);
      log(`catalog: full scan of ${workspaces} workspaces, ${budget} getInfo a window of ${windowSeconds} s`);
      const full = await measureRun(tenant, azurite, windowMs, { list: 1, getInfo: chunks, scanResult: chunks });
      log(`catalog: the fastest read of the full scan's carried row sets`);
      const carriedRead = await readCarried(tenant, azurite, full);
      const changed = changedIndices(seed, tenantWorkspaces);
      tenant.edit({ touchWorkspaces: changed });
      // The same budget: the incremental run starts with a window's worth, as the full scan did.
      tenant.scanner.resetBudgets();
      const changedChunks = Math.ceil(changed.length / SCAN_CHUNK);
      log(`catalog: incremental run after ${changed.length} workspaces changed`);
      const incremental = await measureRun(tenant, azurite, windowMs, {
        list: 2,
        getInfo: changedChunks,
        scanResult: changedChunks,
      });
      const rows = await snapshotRows(tenant, azurite, incremental.snapshotId);
      log(`catalog: storage ceiling for the ${rows.length} rows of the incremental snapshot`);
      const ceiling = await measureCeiling(
        ceilingBatches(rows),
        { partitionBits: incremental.partitionBits },
        options.ceilingConcurrency,
      );
      const window = {
        ms: windowMs,
        factor: HOUR / windowMs,
        ...limits,
        scanDelayMs: tenant.scanner.settings.scanDelayMs,
      };
      return {
        workspaces,
        tenantWorkspaces,
        scan: SCAN,
        heapMb: CATALOG_HEAP_MB,
        window,
        full,
        bound: budgetBound(full, tenant.scanner.startedAt, window, ceiling.rowsPerSecond),
        incremental: { ...incremental, changed: changed.length },
        ceiling,
        carriedRead,
      };
    }),
  );
  const { lineageWorkspaces } = options;
  log(`catalog lineage: a full scan of ${lineageWorkspaces} workspaces`);
  const small = await startBenchTenant(10, tenantSizeListing(seed, lineageWorkspaces), seed);
  const lineage = await withTenant(small, () =>
    withAzurite(async (azurite) => {
      const chunks = Math.ceil(lineageWorkspaces / SCAN_CHUNK);
      await measureRun(small, azurite, HOUR, { list: 1, getInfo: chunks, scanResult: chunks });
      return measureLineage(small, azurite, log);
    }),
  );
  const { largestWorkspaces } = options;
  log(`catalog: full scan of ${largestWorkspaces} workspaces, under the service's budget, for the memory figure`);
  const large = await startBenchTenant(10, tenantSizeListing(seed, largestWorkspaces), seed);
  const largest = await withTenant(large, () =>
    withAzurite((azurite) => {
      const chunks = Math.ceil(largestWorkspaces / SCAN_CHUNK);
      return measureRun(large, azurite, HOUR, { list: 1, getInfo: chunks, scanResult: chunks });
    }),
  );
  return { ...limited, lineageWorkspaces, lineage, largestWorkspaces, largest };
}

async function withTenant<T>(tenant: SimulatedTenant, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await tenant.close();
  }
}

/** One catalog run in a child (every invocation of it), its calls counted by the tenant. */
async function measureRun(
  tenant: SimulatedTenant,
  azurite: Azurite,
  windowMs: number,
  minimum: CatalogRun["calls"]["minimum"],
): Promise<CatalogRun> {
  const before = scannerCalls(tenant);
  const azuriteBefore = azuriteCpuMs() ?? NaN;
  const load = loadAverage();
  const env = { ...productSettings(tenant, azurite), CATALOG_SCAN: SCAN };
  const child = await runNode(join(__dirname, "catalogChild.js"), [String(windowMs)], env, [
    `--max-old-space-size=${CATALOG_HEAP_MB}`,
  ]);
  const azuriteMs = (azuriteCpuMs() ?? NaN) - azuriteBefore;
  const report = lastJsonLine<CatalogChildReport>(child, "the catalog run");
  const { outcome, invocations } = report;
  if (outcome.status !== "succeeded") throw new Error(`the catalog run ${outcome.status}: ${outcome.error ?? ""}`);
  const calls = callsSince(before, scannerCalls(tenant));
  const sum = (pick: (invocation: CatalogInvocation) => number) =>
    invocations.reduce((total, invocation) => total + pick(invocation), 0);
  checkCalls(
    calls,
    sum((invocation) => invocation.requests),
  );
  const refused = (route: (typeof SCANNER_ROUTES)[number]) => calls[route].all - calls[route].accepted;
  return {
    status: outcome.status,
    snapshotId: outcome.snapshotId,
    partitionBits: await partitionBitsOf(tenant, azurite, outcome.snapshotId),
    counts: outcome.counts,
    wallMs: report.finishedAt - report.startedAt,
    activeMs: sum((invocation) => invocation.durationMs),
    startedAt: report.startedAt,
    invocations,
    rows: sum((invocation) => invocation.rows),
    transactions: sum((invocation) => invocation.transactions),
    calls: {
      made: {
        list: calls["powerbi.modified"].accepted,
        getInfo: calls["powerbi.getInfo"].accepted,
        scanResult: calls["powerbi.scanResult"].accepted,
      },
      minimum,
      refused: {
        list: refused("powerbi.modified"),
        getInfo: refused("powerbi.getInfo"),
        scanResult: refused("powerbi.scanResult"),
        scanStatus: refused("powerbi.scanStatus"),
      },
      scanStatus: calls["powerbi.scanStatus"].accepted,
      retries: sum((invocation) => invocation.retries),
    },
    peakRssMb: report.maxRssKb / 1024,
    cpuMs: report.cpuMs,
    azuriteCpuMs: azuriteMs,
    load,
  };
}

async function readCarried(tenant: SimulatedTenant, azurite: Azurite, run: CatalogRun): Promise<CarriedReadFloor> {
  const table = await rowsTable(azurite);
  const place = { tenantId: tenant.tenantId, snapshotId: run.snapshotId, partitionBits: run.partitionBits };
  const tries: CarriedRead[] = [];
  for (const partitionsPerQuery of CARRIED_READ_SPANS) {
    const azuriteBefore = azuriteCpuMs() ?? NaN;
    const started = performance.now();
    let rows = 0;
    for (const rowSet of CARRIED_ROW_SETS) {
      for await (const row of partitionRows(table, partitionsOf(place, rowSet), 0, partitionsPerQuery)) {
        void row;
        rows++;
      }
    }
    const azuriteMs = (azuriteCpuMs() ?? NaN) - azuriteBefore;
    tries.push({ partitionsPerQuery, rows, wallMs: performance.now() - started, azuriteCpuMs: azuriteMs });
  }
  const fastest = tries.reduce((best, read) => (read.wallMs < best.wallMs ? read : best));
  return { ...fastest, tries };
}

/** The simulator counts what reached it; the product's client counts what it sent. Both must agree. */
function checkCalls(calls: ScannerCalls, sent: number): void {
  const served = SCANNER_ROUTES.reduce((total, route) => total + calls[route].all, 0);
  if (served !== sent) throw new Error(`the tenant served ${served} scanner calls but the product sent ${sent}`);
}

/** Every row of a snapshot as stored (the service's own properties dropped), for the ceiling to write again. */
async function snapshotRows(tenant: SimulatedTenant, azurite: Azurite, snapshotId: string): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  for await (const row of readRows(await rowsTable(azurite), snapshotFilter(tenant.tenantId, snapshotId))) {
    const { etag: _etag, timestamp: _timestamp, partitionKey, rowKey, ...rest } = row;
    rows.push({ ...rest, partitionKey: String(partitionKey), rowKey: String(rowKey) });
  }
  return rows;
}

export interface BudgetBound {
  ms: number;
  /** Windows the getInfo calls need (ceil(chunks / budget)), and where in its window the run started. */
  windows: number;
  offsetMs: number;
  /** Until the window of the last getInfo calls opens, from the run's start. */
  untilLastWindowMs: number;
  scanDelayMs: number;
  /** Rows no run can write before the last window opens, and their time at the storage ceiling. */
  tailRows: number;
  tailMs: number;
}

/**
 * The least time any client can take for the full scan under fixed budget windows (the simulator's, counted from the
 * tenant's start). The brief's ceil(N/100)/budget windows can be beaten by construction: a window's calls may all go
 * at its opening, so the last window needs none of its length. What no client can beat: the last getInfo calls wait
 * for the window that allows them, their scans take the scanner's delay, and what those scans return, with the data
 * sources (whose `usedBy` needs every scan), is written after that at the storage ceiling's rate at best. Those rows
 * are the ones the run's final invocation wrote, when it began in the last window (each earlier invocation collected
 * everything it submitted before pausing); otherwise the storage term is left out, which only lowers the bound.
 */
export function budgetBound(
  run: CatalogRun,
  origin: number,
  window: CatalogMeasurement["window"],
  ceilingRowsPerSecond: number,
): BudgetBound {
  const windows = Math.max(1, Math.ceil(run.calls.minimum.getInfo / window.getInfo));
  const startWindow = Math.floor((run.startedAt - origin) / window.ms);
  const offsetMs = run.startedAt - origin - startWindow * window.ms;
  const lastOpens = origin + (startWindow + windows - 1) * window.ms;
  const untilLastWindowMs = Math.max(0, lastOpens - run.startedAt);
  const final = run.invocations.at(-1);
  const tailRows =
    final !== undefined && final.startedAt >= lastOpens && run.calls.refused.scanResult === 0 ? final.rows : 0;
  const tailMs = (tailRows / ceilingRowsPerSecond) * 1000;
  return {
    ms: untilLastWindowMs + window.scanDelayMs + tailMs,
    windows,
    offsetMs,
    untilLastWindowMs,
    scanDelayMs: window.scanDelayMs,
    tailRows,
    tailMs,
  };
}
