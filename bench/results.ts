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
  naive: WriteRate;
  memory: MemoryGrowth[];
  http: HttpMeasurement;
  dashboard: DashboardMeasurement;
  startup: StartupMeasurement;
  targets: Target[];
  /** Wall time of the whole benchmark. */
  benchSeconds: number;
}

/** The targets, each as a measured ratio against a baseline of the same run. */
export function evaluateTargets(results: Omit<BenchResults, "targets">): Target[] {
  const { users, workspaces, naive, memory, http } = results;
  const target = (name: string, value: number, goal: string, met: boolean): Target => ({ name, value, goal, met });
  const atMost = (name: string, value: number, limit: number) => target(name, value, `≤ ${limit}`, value <= limit);
  const atLeast = (name: string, value: number, limit: number) => target(name, value, `≥ ${limit}`, value >= limit);
  const http1 = http.http.find((figures) => figures.clients === 1);
  const direct1 = http.direct.find((figures) => figures.clients === 1);
  return [
    atLeast("users sync rows/s ÷ storage ceiling", users.sync.rowsPerSecond / users.ceiling.rowsPerSecond, 0.85),
    atLeast(
      "workspaces sync rows/s ÷ storage ceiling",
      workspaces.sync.rowsPerSecond / workspaces.ceiling.rowsPerSecond,
      0.85,
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
    ...memory.flatMap((growth) => [
      atMost(`peak RSS (MB), ${growth.users.toLocaleString("en-US")} users, ${growth.heap}`, growth.peakRssMb, 200),
      atMost(`peak RSS 2N ÷ N users, ${growth.heap}`, growth.ratio, 1.15),
    ]),
    atMost("HTTP page p50 ÷ direct TableClient p50, 1 client", (http1?.p50Ms ?? NaN) / (direct1?.p50Ms ?? NaN), 1.5),
    ...dashboardTargets(results.dashboard),
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

function retries(kind: KindMeasurement): number {
  return kind.runs.reduce((sum, run) => sum + run.calls.retries, 0);
}
