import type { TableClient, TransactionAction } from "@azure/data-tables";
import type { StoredRow } from "../src/store/rowCodec";
import { partitionKey } from "../src/store/rowKeys";
import { getInventoryTables } from "../src/store/tables";
import type { Azurite } from "../dev/local/azurite";
import { azuriteCpuMs, loadAverage, withAzurite } from "./services";

export interface WriteRate {
  rows: number;
  wallMs: number;
  rowsPerSecond: number;
  /** The machine's 1-minute load average when the run started: other work on it slows every figure. */
  load: number;
}

export interface CeilingTry extends WriteRate {
  concurrency: number;
  /** The layout written: bits of the partition number, and the rows of a partition on average. */
  partitionBits: number;
  rowsPerPartition: number;
  transactions: number;
  /** Azurite's CPU time for the writes: the storage work itself, to compare with the sync's. */
  azuriteCpuMs: number | undefined;
}

/** The entity group transaction limits (API-FACTS.md), with room for the multipart envelope as RowWriter keeps. */
const MAX_OPERATIONS = 100;
const MAX_BATCH_CHARS = 1_000_000;

/**
 * One try of the storage ceiling: rows written by the least code that can write them, full 100-operation
 * transactions taken from the partitions in turn, `concurrency` in flight, all prepared before the clock starts, into
 * an empty Azurite. Nothing the sync does at that layout can beat it. `afterWrite` runs on the filled store before it
 * goes (the reads of that layout). With `profileDir`, that Azurite writes a CPU profile there.
 */
export async function measureCeiling(
  batches: TransactionAction[][],
  layout: { partitionBits: number },
  concurrency: number,
  afterWrite?: (table: TableClient) => Promise<void>,
  profileDir?: string,
): Promise<CeilingTry> {
  const rows = batches.reduce((sum, batch) => sum + batch.length, 0);
  return withAzurite(async (azurite) => {
    const table = await rowsTable(azurite);
    const before = azuriteCpuMs();
    const rate = await timed(rows, () => writeConcurrently(table, batches, concurrency));
    const after = azuriteCpuMs();
    const storageCpuMs = before === undefined || after === undefined ? undefined : after - before;
    await afterWrite?.(table);
    const { partitionBits } = layout;
    const rowsPerPartition = rows / 2 ** partitionBits;
    return {
      ...rate,
      concurrency,
      partitionBits,
      rowsPerPartition,
      transactions: batches.length,
      azuriteCpuMs: storageCpuMs,
    };
  }, profileDir);
}

/**
 * The same rows in another partition layout: the partition is the top `bits` of the hash that starts every row key
 * (rowKeys.ts), so re-keying is exact, child rows included.
 */
export function relayout(rows: readonly StoredRow[], bits: number): StoredRow[] {
  return rows.map((row) => {
    const [tenantId, snapshotId, rowSet] = row.partitionKey.split("|");
    const bucket = Number.parseInt(row.rowKey.slice(0, 8), 16) >>> (32 - bits);
    return { ...row, partitionKey: partitionKey(tenantId!, snapshotId!, rowSet!, bucket) };
  });
}

/**
 * The naive baseline: one upsertEntity per row, each awaited before the next, as the usual recipe does. Azurite slows
 * as a table fills, so `sample` is written after `prefill` (half the run's rows, loaded fast and not timed): the
 * middle of a naive full run, whose per-row cost is about its average.
 */
export function measureNaive(prefill: TransactionAction[][], sample: StoredRow[]): Promise<WriteRate> {
  return withAzurite(async (azurite) => {
    const table = await rowsTable(azurite);
    await writeConcurrently(table, prefill, 8);
    return timed(sample.length, async () => {
      for (const row of sample) await table.upsertEntity(row, "Replace");
    });
  });
}

export async function rowsTable(azurite: Azurite): Promise<TableClient> {
  const { rows } = await getInventoryTables({ connectionString: azurite.connectionString, tableEndpoint: undefined });
  // The app creates its tables once per storage account and process; a fresh Azurite that got the port of an
  // earlier one in this process looks like the same account, so the table is made here (409 when it exists is fine).
  await rows.createTable();
  return rows;
}

async function timed(rows: number, work: () => Promise<void>): Promise<WriteRate> {
  const load = loadAverage();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  return { rows, wallMs, rowsPerSecond: rows / (wallMs / 1000), load };
}

export async function writeConcurrently(table: TableClient, batches: TransactionAction[][], concurrency: number) {
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await table.submitTransaction(batches[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Full batches per partition, taken from the partitions in turn so that batches in flight hit different ones. */
export function ceilingBatches(rows: StoredRow[]): TransactionAction[][] {
  const byPartition = new Map<string, TransactionAction[][]>();
  const chars = new Map<TransactionAction[], number>();
  for (const row of rows) {
    const batches = byPartition.get(row.partitionKey) ?? [];
    byPartition.set(row.partitionKey, batches);
    const size = JSON.stringify(row).length;
    let batch = batches.at(-1);
    if (batch === undefined || batch.length >= MAX_OPERATIONS || chars.get(batch)! + size > MAX_BATCH_CHARS) {
      batch = [];
      batches.push(batch);
      chars.set(batch, 0);
    }
    batch.push(["upsert", row, "Replace"]);
    chars.set(batch, chars.get(batch)! + size);
  }
  const lists = [...byPartition.values()];
  const total = lists.reduce((sum, list) => sum + list.length, 0);
  const ordered: TransactionAction[][] = [];
  for (let round = 0; ordered.length < total; round++) {
    for (const list of lists) if (round < list.length) ordered.push(list[round]!);
  }
  return ordered;
}
