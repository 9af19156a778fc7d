import type { CatalogMeasurement } from "./catalogPhase";
import type { CopyMeasurement } from "./copyPhase";
import type { DashboardMeasurement } from "./dashboardPhase";
import type { HttpMeasurement } from "./httpPhase";
import type { KindMeasurement } from "./kindPhase";
import type { StartupMeasurement } from "./startup";
import type { WriteRate } from "./storageCeiling";

export interface MemoryGrowth {
  /** Which V8 heap sizing the sync processes ran with. */
  heap: string;
  users: number;
  peakRssMb: number;
  doubledUsers: number;
  doubledPeakRssMb: number;
  ratio: number;
}

/** Peak RSS of one workspaces sync (every expansion) at a heap sizing and page size. */
export interface WorkspacesMemory {
  heap: string;
  top: number;
  workspaces: number;
  peakRssMb: number;
}

export interface Target {
  name: string;
  value: number;
  /** e.g. "≥ 0.85" */
  goal: string;
  met: boolean;
}

/** Everything one run measured; `bench/results/latest.json` holds one of these. */
export interface BenchResults {
  date: string;
  machine: { cpus: number; node: string; platform: string };
  sizes: { users: number; workspaces: number; seed: number; naiveRows: number; httpSeconds: number };
  /** 1-minute load averages: on a shared 2-core machine, anything above ~2 means others competed for the CPU. */
  load: { atStart: number; atEnd: number };
  users: KindMeasurement;
  workspaces: KindMeasurement;
  /** Kinds the benchmark learnt of from BENCH_KINDS beyond users and workspaces (the catalog, when it is there). */
  more: Record<string, KindMeasurement>;
  naive: WriteRate;
  /** Every workspaces row read back and written under a new snapshot: carry-over, as the catalog kind does it. */
  carryOver: CopyMeasurement;
  /** Users syncs at N and 2N: with Node's defaults, then with the 512 MB instance's heap limit. */
  memory: MemoryGrowth[];
  workspacesMemory: WorkspacesMemory[];
  http: HttpMeasurement;
  dashboard: DashboardMeasurement;
  /** The catalog at the scanner's limits: a full scan under the budget, an incremental run, lineage, memory. */
  catalog: CatalogMeasurement;
  startup: StartupMeasurement;
  targets: Target[];
  /** Wall time of the whole benchmark. */
  benchSeconds: number;
}

/** Peak RSS a sync may reach under the 512 MB instance's heap limit (the host and the OS need the rest). */
export const SMALL_INSTANCE_RSS_MB = 300;

/** Peak RSS of a catalog sync under a 256 MB heap (the figure for a 512 MB instance). */
export const CATALOG_RSS_MB = 400;

/** The targets, each as a measured ratio against a baseline of the same run (or a bound). */
export function evaluateTargets(results: Omit<BenchResults, "targets">): Target[] {
  const { users, workspaces, naive, memory, workspacesMemory, http, startup } = results;
  const target = (name: string, value: number, goal: string, met: boolean): Target => ({ name, value, goal, met });
  const atMost = (name: string, value: number, limit: number) => target(name, value, `≤ ${limit}`, value <= limit);
  const atLeast = (name: string, value: number, limit: number) => target(name, value, `≥ ${limit}`, value >= limit);
  const http1 = http.http.find((figures) => figures.clients === 1);
  const direct1 = http.direct.find((figures) => figures.clients === 1);
  const [defaults, capped] = memory;
  return [
    atLeast("users: npm run sync, whole command, rows/s ÷ best storage ceiling", commandRatio(users), 0.85),
    atLeast("users sync (its own durationMs) rows/s ÷ best storage ceiling", syncRatio(users), 0.85),
    atLeast("workspaces sync (its own durationMs) rows/s ÷ best storage ceiling", syncRatio(workspaces), 0.85),
    ...Object.entries(results.more).map(([kind, measured]) =>
      atLeast(`${kind} sync (its own durationMs) rows/s ÷ best storage ceiling`, syncRatio(measured), 0.85),
    ),
    atLeast("users sync rows/s ÷ naive baseline", users.sync.rowsPerSecond / naive.rowsPerSecond, 8),
    ...(["users", "workspaces"] as const).map((kind) =>
      target(
        `${kind} upstream calls ÷ minimum, every run (retries apart: ${retries(results[kind])})`,
        Math.max(...results[kind].runs.map((run) => run.calls.made / run.calls.minimum)),
        "= 1",
        results[kind].runs.every((run) => run.calls.made === run.calls.minimum),
      ),
    ),
    ...(defaults === undefined ? [] : [atMost(`peak RSS 2N ÷ N users, ${defaults.heap}`, defaults.ratio, 1.15)]),
    ...(capped === undefined
      ? []
      : [
          atMost(
            `peak RSS (MB), ${count(capped.users)} users, ${capped.heap}`,
            capped.peakRssMb,
            SMALL_INSTANCE_RSS_MB,
          ),
          atMost(
            `peak RSS (MB), ${count(capped.doubledUsers)} users, ${capped.heap}`,
            capped.doubledPeakRssMb,
            SMALL_INSTANCE_RSS_MB,
          ),
          atMost(`peak RSS 2N ÷ N users, ${capped.heap}`, capped.ratio, 1.15),
        ]),
    ...workspacesMemory
      .filter((run) => run.heap !== workspacesMemory[0]?.heap)
      .map((run) =>
        atMost(
          `peak RSS (MB), ${count(run.workspaces)} workspaces, $top ${count(run.top)}, ${run.heap}`,
          run.peakRssMb,
          SMALL_INSTANCE_RSS_MB,
        ),
      ),
    ...(["users", "workspaces"] as const).map((kind) =>
      atMost(`${kind}: page p50 at the product's layout ÷ the sweep's best page p50`, readRatio(results[kind]), 1.5),
    ),
    atMost("HTTP page p50 ÷ direct TableClient p50, 1 client", (http1?.p50Ms ?? NaN) / (direct1?.p50Ms ?? NaN), 1.5),
    atMost("npm run sync -- --help with nothing to build (ms)", startup.noOpStart.syncHelpMs, 2_000),
    ...dashboardTargets(results.dashboard),
    ...catalogTargets(results.catalog),
  ];
}

/** The catalog's (issue 11, "Measured"): exact calls, the budget-bound minimum, incremental, lineage, memory. */
function catalogTargets(catalog: CatalogMeasurement): Target[] {
  const { full, incremental, largest, bound, window, lineage } = catalog;
  const calls = (name: string, runs: CatalogMeasurement["full"][]): Target => {
    const names = ["list", "getInfo", "scanResult"] as const;
    const sum = (calls: Record<(typeof names)[number], number>) =>
      names.reduce((total, call) => total + calls[call], 0);
    const shape = runs.map(({ calls: { minimum } }) => names.map((call) => minimum[call]).join(" + ")).join("; ");
    const refused = runs.reduce((total, run) => total + run.calls.refused.getInfo + run.calls.refused.scanResult, 0);
    return {
      name: `${name}: list, getInfo and scanResult calls ÷ minimum (${shape}; refused at the budget apart: ${refused})`,
      value: Math.max(...runs.map((run) => sum(run.calls.made) / sum(run.calls.minimum))),
      goal: "= 1",
      met: runs.every(({ calls: { made, minimum } }) => names.every((call) => made[call] === minimum[call])),
    };
  };
  const [hub, other] = lineage;
  const perNode = (hub?.msPerNode ?? NaN) / (other?.msPerNode ?? NaN);
  const budget = `${window.getInfo} getInfo a ${window.ms / 1000} s window`;
  const sizes = `${count(catalog.workspaces)} (under the budget) and ${count(catalog.largestWorkspaces)} workspaces`;
  return [
    calls(`catalog full scans of ${sizes}`, [full, largest]),
    calls(`catalog incremental run after ${count(incremental.changed)} changed`, [incremental]),
    {
      name: `catalog full scan under ${budget}: wall ÷ budget-bound minimum (${bound.windows} windows; ${full.invocations.length} invocations)`,
      value: full.wallMs / bound.ms,
      goal: "≤ 1.1",
      met: full.wallMs <= 1.1 * bound.ms,
    },
    {
      name: `catalog incremental run after 2 % changed: wall ÷ the full scan's, same budget`,
      value: incremental.wallMs / full.wallMs,
      goal: "≤ 0.15",
      met: incremental.wallMs <= 0.15 * full.wallMs,
    },
    {
      name: `catalog incremental run: wall ÷ storage floor (the carried rows read at the fastest, ${count(catalog.carriedRead.rows)}, and its ${count(incremental.rows)} rows written at the ceiling)`,
      value: incremental.wallMs / carryFloorMs(catalog),
      goal: "≤ 1.25",
      met: incremental.wallMs <= 1.25 * carryFloorMs(catalog),
    },
    {
      name: `catalog lineage downstream of the hub (${count(hub?.nodes ?? 0)} nodes): storage requests per node`,
      value: hub?.requestsPerNode ?? NaN,
      goal: "≤ 1.1",
      met: (hub?.requestsPerNode ?? NaN) <= 1.1,
    },
    {
      name: `catalog lineage ms per node, hub ÷ a ${count(other?.nodes ?? 0)}-node answer (the same, either way)`,
      value: perNode,
      goal: "1/1.5 to 1.5",
      met: perNode <= 1.5 && perNode >= 1 / 1.5,
    },
    {
      name: `peak RSS (MB), catalog full scan of ${count(catalog.largestWorkspaces)} workspaces with schema, --max-old-space-size=${catalog.heapMb}`,
      value: largest.peakRssMb,
      goal: `≤ ${CATALOG_RSS_MB}`,
      met: largest.peakRssMb <= CATALOG_RSS_MB,
    },
  ];
}

/** The dashboard's: at most 2 storage requests per kind for the page's data, and a load within 3× a snapshot list. */
function dashboardTargets(dashboard: DashboardMeasurement): Target[] {
  const kinds = Object.keys(dashboard.snapshotsPerKind).length;
  const { total } = dashboard.storageRequests;
  const snapshots = Math.min(...Object.values(dashboard.snapshotsPerKind));
  const ratio = dashboard.pageMs / dashboard.snapshotsListMs;
  return [
    {
      name: `dashboard storage requests per kind, one load (${total} for ${kinds} kinds)`,
      value: total / kinds,
      goal: "≤ 2",
      met: total <= 2 * kinds,
    },
    {
      name: `dashboard load ÷ GET /snapshots?kind=users, medians, ${snapshots} snapshots of each kind`,
      value: ratio,
      goal: "≤ 3",
      met: ratio <= 3,
    },
  ];
}

const count = (value: number) => value.toLocaleString("en-US");

/** The storage work no carry-over can avoid: reading what it carries, and writing the snapshot at the ceiling. */
export function carryFloorMs(catalog: CatalogMeasurement): number {
  return catalog.carriedRead.wallMs + catalog.ceiling.wallMs;
}

/** Rows a second of the whole `npm run sync` (spawn to exit), against the best ceiling try. */
export function commandRatio(kind: KindMeasurement): number {
  return kind.sync.rows / (kind.command.wallMs / 1000) / kind.ceiling.rowsPerSecond;
}

/** Rows a second of the fastest sync run (its own durationMs), against the best ceiling try. */
export function syncRatio(kind: KindMeasurement): number {
  return kind.sync.rowsPerSecond / kind.ceiling.rowsPerSecond;
}

/** The page p50 at the layout the product chose (the sync's) against the best page p50 the sweep read. */
export function readRatio(kind: KindMeasurement): number {
  const read = kind.tries.filter((attempt) => attempt.reads !== undefined);
  const own = read.find((attempt) => attempt.partitionBits === kind.sync.partitionBits)?.reads?.p50Ms ?? NaN;
  return own / Math.min(...read.map((attempt) => attempt.reads!.p50Ms));
}

function retries(kind: KindMeasurement): number {
  return kind.runs.reduce((sum, run) => sum + run.calls.retries, 0);
}
