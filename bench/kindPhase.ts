import { join } from "node:path";
import type { TableClient } from "@azure/data-tables";
import type { Config } from "../src/config/config";
import type { Azurite } from "../dev/local/azurite";
import type { SimulatedTenant } from "../dev/simulator/simulatedTenant";
import type { StoredRow } from "../src/store/rowCodec";
import { newSnapshotId } from "../src/store/snapshot";
import type { BenchKind } from "./benchKinds";
import { lastJsonLine, runNode } from "./childProcess";
import { measureCommand, type CommandMeasurement } from "./commandPhase";
import { measureReads, type ReadFigures } from "./readPhase";
import { cpuProfileArgs, withAzurite } from "./services";
import { ceilingBatches, measureCeiling, relayout, type CeilingTry } from "./storageCeiling";
import { measureSync, type SyncMeasurement } from "./syncPhase";
import type { UpstreamReport } from "./upstreamChild";

/** A ceiling try, with the reads of its layout when they were measured (once per layout). */
export interface SweepTry extends CeilingTry {
  reads?: ReadFigures;
}

export interface KindMeasurement {
  /** The fastest sync run, which the ratios use; every run is in `runs`. */
  sync: SyncMeasurement;
  runs: SyncMeasurement[];
  /** The fastest try of the sweep (the storage ceiling); every try is in `tries`, in the order they ran. */
  ceiling: SweepTry;
  tries: SweepTry[];
  /** The fastest whole `npm run sync -- <kind>` as a person runs it (Node's own heap); every run is in `commands`. */
  command: CommandMeasurement;
  commands: CommandMeasurement[];
  /** The whole command under the heap limit of a 512 MB instance: it must work, and what the limit costs. */
  smallHeapCommand: CommandMeasurement;
  /** Listing the kind from upstream without writing: the other floor a sync's time is made of. */
  upstream: UpstreamReport;
}

export interface KindPhase {
  bench: BenchKind;
  tenant: SimulatedTenant;
  config: Config;
  seed: number;
  /** Items the tenant lists. */
  count: number;
  minimumCalls: number;
  /** Rows per partition the sweep tries, and transactions in flight. */
  layouts: readonly number[];
  concurrencies: readonly number[];
  syncRuns: number;
  readSamples: number;
  /** The heap limit of the small instance's whole-command run. */
  commandHeapMb: number;
  cpuProfDir: string | undefined;
  /** Runs against the first sync's store before it goes, while its snapshot is there (the HTTP measurement). */
  afterFirstSync?: (azurite: Azurite, sync: SyncMeasurement) => Promise<void>;
  log: (message: string) => void;
}

/**
 * Sync runs and the storage ceiling's sweep take turns, each on an empty Azurite, and the best of each side is
 * compared: other work on the machine only ever slows a run down, and taking turns lets both sides meet the same
 * spells of it. The sweep tries every layout at the middle concurrency, reading each layout back (pages and an
 * export), then the best layout at the other concurrencies. Returns the rows too, for the naive baseline.
 */
export async function measureKind(phase: KindPhase): Promise<{ measured: KindMeasurement; rows: StoredRow[] }> {
  const { bench, tenant, log } = phase;
  const kind = bench.name;
  const runs: SyncMeasurement[] = [];
  // Every sync process and its Azurite, and every ceiling try's Azurite, profiled into folders named for them.
  const profiles = (what: string) => (phase.cpuProfDir === undefined ? undefined : join(phase.cpuProfDir, what));
  const sync = async () => {
    log(`sync ${kind} (${phase.count} items), run ${runs.length + 1} of ${phase.syncRuns}`);
    const index = runs.length;
    const profiled = `${kind}-sync-${index + 1}`;
    runs.push(
      await withAzurite(
        async (azurite) => {
          const measured = await measureSync(bench, tenant, azurite, {
            minimumCalls: phase.minimumCalls,
            nodeArgs: cpuProfileArgs(profiles(join(profiled, "sync"))),
          });
          if (index === 0) await phase.afterFirstSync?.(azurite, measured);
          return measured;
        },
        profiles(join(profiled, "azurite")),
      ),
    );
  };
  await sync();
  // Built once the sync has told the partition layout, under a snapshot id of the same length.
  const layout = { tenantId: tenant.tenantId, snapshotId: newSnapshotId(kind, new Date()), ...bits(runs[0]!) };
  const rows = phase.bench.rows(phase.config, phase.seed, phase.count, layout);
  if (rows.length !== runs[0]!.rows) log(`warning: ${rows.length} ceiling rows, the sync wrote ${runs[0]!.rows}`);

  // The product's own layout is always among them, so the sync is also compared with the ceiling at its layout.
  const targets = phase.layouts.map((target) => bitsFor(rows.length, target));
  const layouts = [...new Set([...targets, runs[0]!.partitionBits])].sort((a, b) => b - a);
  const middle = [...phase.concurrencies].sort((a, b) => a - b)[Math.floor((phase.concurrencies.length - 1) / 2)]!;
  const planned = layouts.length + phase.concurrencies.length - 1;
  // The remaining sync runs, spread evenly among the tries.
  const syncBefore = new Set(
    Array.from({ length: phase.syncRuns - 1 }, (_, k) => Math.round(((k + 1) * planned) / phase.syncRuns)),
  );
  const commands: CommandMeasurement[] = [];
  const command = async () => {
    log(`the whole command: npm run sync -- ${kind}, run ${commands.length + 1} of 2`);
    commands.push(await withAzurite((azurite) => measureCommand(kind, tenant, azurite)));
  };
  const tries: SweepTry[] = [];
  const attempt = async (partitionBits: number, concurrency: number, read: boolean) => {
    if (syncBefore.has(tries.length)) await sync();
    // Like the syncs, the command meets the sweep's spells of load: once in its middle, once after it.
    if (tries.length === Math.floor(planned / 2)) await command();
    const range = { ...layout, partitionBits, rowSet: bench.itemRowSet };
    const laidOut = relayout(rows, partitionBits);
    const per = Math.round(laidOut.length / 2 ** partitionBits);
    log(`storage ceiling: ${laidOut.length} ${kind} rows, ~${per} a partition, ${concurrency} in flight`);
    let reads: ReadFigures | undefined;
    // A try that reads its layout back profiles the reads too.
    const profileDir = profiles(`${kind}-ceiling-${per}-a-partition-${concurrency}-in-flight`);
    const afterWrite = async (table: TableClient) => {
      if (read) reads = await measureReads(table, range, laidOut, phase.readSamples);
    };
    const measured = await measureCeiling(
      ceilingBatches(laidOut),
      { partitionBits },
      concurrency,
      afterWrite,
      profileDir,
    );
    tries.push(reads === undefined ? measured : { ...measured, reads });
  };
  for (const partitionBits of layouts) await attempt(partitionBits, middle, true);
  const bestLayout = fastest(tries, (run) => run.rowsPerSecond).partitionBits;
  for (const concurrency of phase.concurrencies) {
    if (concurrency !== middle) await attempt(bestLayout, concurrency, false);
  }
  while (runs.length < phase.syncRuns) await sync();
  await command();
  log(`the whole command: npm run sync -- ${kind}, --max-old-space-size=${phase.commandHeapMb}`);
  const smallHeapCommand = await withAzurite((azurite) => measureCommand(kind, tenant, azurite, phase.commandHeapMb));
  log(`upstream only: listing ${kind} without writing`);
  const listed = await runNode(join(__dirname, "upstreamChild.js"), [kind], { ...tenant.settings() });
  const upstream = lastJsonLine<UpstreamReport>(listed, `listing ${kind}`);
  const measured = {
    sync: fastest(runs, (run) => run.rowsPerSecond),
    runs,
    ceiling: fastest(tries, (run) => run.rowsPerSecond),
    tries,
    command: fastest(commands, (run) => 1 / run.wallMs),
    commands,
    smallHeapCommand,
    upstream,
  };
  return { measured, rows: relayout(rows, runs[0]!.partitionBits) };
}

/** The layout with the power of two of partitions nearest `rowsPerPartition` (within the key layout's 3..12 bits). */
export function bitsFor(rows: number, rowsPerPartition: number): number {
  return Math.min(12, Math.max(3, Math.round(Math.log2(Math.max(1, rows / rowsPerPartition)))));
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
