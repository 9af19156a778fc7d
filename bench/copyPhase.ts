import type { TableClient } from "@azure/data-tables";
import type { StoredRow } from "../src/store/rowCodec";
import { readRows, snapshotFilter } from "../src/store/rowReader";
import { RowWriter, type WriterStats } from "../src/store/rowWriter";
import { newSnapshotId, parseSnapshotId } from "../src/store/snapshot";
import { loadAverage, withAzurite } from "./services";
import { ceilingBatches, rowsTable, writeConcurrently, type WriteRate } from "./storageCeiling";

export interface CopyMeasurement extends WriteRate {
  transactions: number;
}

/** Where a copy reads from and writes to: the snapshot the rows are in, and the new snapshot's id. */
export interface CopyTask {
  table: TableClient;
  tenantId: string;
  from: string;
  to: string;
}

/**
 * How a kind carries rows over from its previous snapshot. The default copies every row of the snapshot through the
 * store's reader and writer with its keys moved to the new snapshot; the catalog kind, which carries unchanged
 * workspaces over, puts its own copy here so that its figure is its code's.
 */
export type CarryOver = (task: CopyTask) => Promise<WriterStats>;

export const copyThroughStore: CarryOver = async ({ table, tenantId, from, to }) => {
  const writer = new RowWriter(table);
  const [oldPrefix, newPrefix] = [`${tenantId}|${from}|`, `${tenantId}|${to}|`];
  for await (const row of readRows(table, snapshotFilter(tenantId, from))) {
    const moved: StoredRow = {
      ...row,
      partitionKey: newPrefix + String(row.partitionKey).slice(oldPrefix.length),
      rowKey: String(row.rowKey),
    };
    // The service's own properties come back with every entity; they are not the row's.
    delete moved.etag;
    delete moved.timestamp;
    await writer.write([moved]);
  }
  await writer.flush();
  return writer.stats;
};

/**
 * Carry-over: `rows` (one snapshot, in the sync's layout) are loaded fast and untimed, then copied to a new snapshot
 * by `carryOver`, timed. Read and write share the one store, so the ceiling's write rate bounds it from above.
 */
export function measureCopy(
  rows: readonly StoredRow[],
  carryOver: CarryOver = copyThroughStore,
): Promise<CopyMeasurement> {
  return withAzurite(async (azurite) => {
    const table = await rowsTable(azurite);
    await writeConcurrently(table, ceilingBatches([...rows]), 16);
    const [tenantId, from] = rows[0]!.partitionKey.split("|");
    const to = newSnapshotId(parseSnapshotId(from!)?.kind ?? "copy", new Date());
    const load = loadAverage();
    const started = performance.now();
    const stats = await carryOver({ table, tenantId: tenantId!, from: from!, to });
    const wallMs = performance.now() - started;
    return {
      rows: stats.rows,
      wallMs,
      rowsPerSecond: stats.rows / (wallMs / 1000),
      load,
      transactions: stats.transactions,
    };
  });
}
