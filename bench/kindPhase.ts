import type { TransactionAction } from "@azure/data-tables";
import type { Config } from "../src/config/config";
import type { Azurite } from "../dev/local/azurite";
import type { SimulatedTenant } from "../dev/simulator/simulatedTenant";
import type { StoredRow } from "../src/store/rowCodec";
import { newSnapshotId } from "../src/store/snapshot";
import { join } from "node:path";
import { benchRows } from "./benchRows";
import { lastJsonLine, runNode } from "./childProcess";
import { withAzurite } from "./services";
import { ceilingBatches, measureCeiling, type CeilingTry } from "./storageCeiling";
import { measureSync, type SyncMeasurement } from "./syncPhase";
import type { UpstreamReport } from "./upstreamChild";

export interface KindMeasurement {
  /** The fastest sync run, which the ratio uses; every run is in `runs`. */
  sync: SyncMeasurement;
  runs: SyncMeasurement[];
  /** The fastest ceiling try; every try is in `tries`. */
  ceiling: CeilingTry;
  tries: CeilingTry[];
  /** Listing the kind from upstream without writing: the other floor a sync's time is made of. */
  upstream: UpstreamReport;
}

export interface KindPhase {
  kind: string;
  tenant: SimulatedTenant;
  config: Config;
  seed: number;
  /** Items the tenant lists (users or workspaces). */
  count: number;
  minimumCalls: number;
  concurrencies: readonly number[];
  cpuProfDir: string | undefined;
  /** Runs against the first sync's store before it goes, while its snapshot is there (the HTTP measurement). */
  afterFirstSync?: (azurite: Azurite, sync: SyncMeasurement) => Promise<void>;
  log: (message: string) => void;
}

/**
 * Syncs and ceiling tries take turns (sync, ceiling at the first concurrency, sync, ceiling at the next, ...), each on
 * an empty Azurite, and the best of each side is compared: other work on the machine only ever slows a run down,
 * and taking turns lets both sides meet the same spells of it. Returns the ceiling's rows too, for the naive baseline.
 */
export async function measureKind(phase: KindPhase): Promise<{ measured: KindMeasurement; rows: StoredRow[] }> {
  const { kind, tenant, concurrencies, log } = phase;
  const runs: SyncMeasurement[] = [];
  const tries: CeilingTry[] = [];
  let rows: StoredRow[] | undefined;
  let batches: TransactionAction[][] | undefined;
  for (const [index, concurrency] of concurrencies.entries()) {
    log(`sync ${kind} (${phase.count} items), run ${index + 1} of ${concurrencies.length}`);
    runs.push(
      await withAzurite(async (azurite) => {
        const profile = phase.cpuProfDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", phase.cpuProfDir];
        const sync = await measureSync(kind, tenant, azurite, phase.minimumCalls, profile);
        if (index === 0) await phase.afterFirstSync?.(azurite, sync);
        return sync;
      }),
    );
    if (rows === undefined) {
      // Built once the sync has told the partition layout, under a snapshot id of the same length.
      const layout = { tenantId: tenant.tenantId, snapshotId: newSnapshotId(kind, new Date()), ...bits(runs[0]!) };
      rows = benchRows(phase.config, kind, phase.seed, phase.count, layout);
      batches = ceilingBatches(rows);
      if (rows.length !== runs[0]!.rows) log(`warning: ${rows.length} ceiling rows, the sync wrote ${runs[0]!.rows}`);
    }
    log(`storage ceiling: ${rows.length} ${kind} rows, ${concurrency} transactions in flight`);
    tries.push(await measureCeiling(batches!, concurrency));
  }
  log(`upstream only: listing ${kind} without writing`);
  const listed = await runNode(join(__dirname, "upstreamChild.js"), [kind], { ...tenant.settings() });
  const upstream = lastJsonLine<UpstreamReport>(listed, `listing ${kind}`);
  const sync = fastest(runs, (run) => run.rowsPerSecond);
  const ceiling = fastest(tries, (run) => run.rowsPerSecond);
  return { measured: { sync, runs, ceiling, tries, upstream }, rows: rows ?? [] };
}

function bits(sync: SyncMeasurement): { partitionBits: number } {
  return { partitionBits: sync.partitionBits };
}

export function fastest<T>(list: readonly T[], rate: (item: T) => number): T {
  const best = list.reduce<T | undefined>(
    (top, item) => (top === undefined || rate(item) > rate(top) ? item : top),
    undefined,
  );
  if (best === undefined) throw new Error("nothing was measured");
  return best;
}
