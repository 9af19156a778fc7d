import type { TableClient } from "@azure/data-tables";
import { readRows, snapshotFilter } from "./rowReader";
import { DEFAULT_WRITER_OPTIONS, RowWriter } from "./rowWriter";
import type { StoredRow } from "./rowCodec";

/** Removes every row of a snapshot (or those matching `where`, an OData condition), in batched deletes. */
export async function deleteSnapshotRows(
  rows: TableClient,
  tenantId: string,
  snapshotId: string,
  where?: string,
): Promise<number> {
  const writer = new RowWriter(rows, { ...DEFAULT_WRITER_OPTIONS, operation: "delete" });
  const range = snapshotFilter(tenantId, snapshotId);
  const keys = readRows(rows, where === undefined ? range : `${range} and (${where})`, ["PartitionKey", "RowKey"]);
  for await (const row of keys) await writer.write([row as StoredRow]);
  await writer.flush();
  return writer.stats.rows;
}
