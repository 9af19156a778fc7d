import { join } from "node:path";
import type { Azurite } from "../dev/local/azurite";
import type { SimulatedTenant } from "../dev/simulator/simulatedTenant";
import { ManifestStore } from "../src/store/manifestStore";
import { getInventoryTables } from "../src/store/tables";
import type { BenchKind } from "./benchKinds";
import { lastJsonLine, runNode } from "./childProcess";
import { azuriteCpuMs, loadAverage, ownCpuMs, productSettings } from "./services";
import type { SyncChildReport } from "./syncChild";

export interface SyncMeasurement {
  kind: string;
  status: string;
  snapshotId: string;
  partitionBits: number;
  counts: Record<string, number>;
  /** Items (users or workspaces) and the table rows they became (artifacts and overflow rows included). */
  items: number;
  rows: number;
  /** Entity group transactions: rows / transactions is how full the batches were (at most 100). */
  transactions: number;
  /** The sync's own duration (runSync), which excludes starting Node and importing the app. */
  wallMs: number;
  /** Spawn to exit of the sync process. */
  processMs: number;
  rowsPerSecond: number;
  /** Upstream calls: first attempts, the least that can list everything, and retries on top. */
  calls: { made: number; minimum: number; retries: number };
  peakRssMb: number;
  /** CPU time of each process while the sync ran, to show who was the bottleneck on this 2-core machine. */
  cpuMs: { sync: number; azurite: number | undefined; tenant: number };
  /** The machine's 1-minute load average when the run started. */
  load: number;
}

export interface SyncRunOptions {
  minimumCalls: number;
  /** `node` flags of the sync process (a heap limit, a profiler). */
  nodeArgs?: readonly string[];
  /** Settings on top of the tenant's and the store's (a smaller POWERBI_GROUPS_TOP). */
  settings?: Record<string, string>;
}

/** Runs one sync of `bench.name` in a child process against `tenant` and `azurite`, and measures it. */
export async function measureSync(
  bench: Pick<BenchKind, "name" | "routes">,
  tenant: SimulatedTenant,
  azurite: Azurite,
  options: SyncRunOptions,
): Promise<SyncMeasurement> {
  const { name: kind, routes } = bench;
  const { minimumCalls, nodeArgs = [], settings = {} } = options;
  const servedCalls = () => routes.reduce((sum, route) => sum + tenant.calls.count(route), 0);
  const servedBefore = servedCalls();
  const [azuriteBefore, tenantBefore, load] = [azuriteCpuMs(), ownCpuMs(), loadAverage()];
  const env = { ...productSettings(tenant, azurite), ...settings };
  const run = await runNode(join(__dirname, "syncChild.js"), [kind], env, nodeArgs);
  const azuriteAfter = azuriteCpuMs();
  const report = lastJsonLine<SyncChildReport>(run, `the ${kind} sync`);
  const { outcome } = report;
  if (outcome.status !== "succeeded") throw new Error(`the ${kind} sync ${outcome.status}: ${outcome.error ?? ""}`);
  const served = servedCalls() - servedBefore;
  const { retries } = outcome.upstream;
  // The simulator counts what reached it; the client counts retries. Both must agree on the first attempts.
  if (served !== outcome.upstream.requests) {
    throw new Error(
      `the tenant served ${served} ${routes.join(" and ")} calls but the client sent ${outcome.upstream.requests}`,
    );
  }
  const rows = outcome.writes?.rows ?? 0;
  return {
    kind,
    status: outcome.status,
    snapshotId: outcome.snapshotId,
    partitionBits: await partitionBitsOf(tenant, azurite, outcome.snapshotId),
    counts: outcome.counts,
    items: outcome.counts[kind] ?? 0,
    rows,
    transactions: outcome.writes?.transactions ?? 0,
    wallMs: outcome.durationMs,
    processMs: run.wallMs,
    rowsPerSecond: rows / (outcome.durationMs / 1000),
    calls: { made: outcome.upstream.requests - retries, minimum: minimumCalls, retries },
    peakRssMb: report.maxRssKb / 1024,
    cpuMs: {
      sync: report.cpuMs,
      azurite: azuriteBefore === undefined || azuriteAfter === undefined ? undefined : azuriteAfter - azuriteBefore,
      tenant: ownCpuMs() - tenantBefore,
    },
    load,
  };
}

export async function partitionBitsOf(tenant: SimulatedTenant, azurite: Azurite, snapshotId: string): Promise<number> {
  const tables = await getInventoryTables({ connectionString: azurite.connectionString, tableEndpoint: undefined });
  const record = await new ManifestStore(tables.snapshots, tenant.tenantId).get(snapshotId);
  if (record === undefined) throw new Error(`no manifest for ${snapshotId}`);
  return record.partitionBits;
}
