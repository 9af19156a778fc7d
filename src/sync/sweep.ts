import type { TableClient } from "@azure/data-tables";
import type { ManifestStore } from "../store/manifestStore";
import { readRows, snapshotFilter } from "../store/rowReader";
import { DEFAULT_WRITER_OPTIONS, RowWriter } from "../store/rowWriter";
import type { StoredRow } from "../store/rowCodec";
import type { SnapshotKind } from "../store/snapshot";
import { isQueued } from "./syncPosition";

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

/**
 * Marks abandoned `running` snapshots of a kind failed and removes their rows. The caller holds the kind's lease, so
 * no live run owns them: a started run of a non-resumable kind was left by a process that died, and a paused or
 * queued one is abandoned when it made no progress for `stallMs` (otherwise the caller continues it).
 */
export async function sweepAbandoned(
  manifests: ManifestStore,
  rows: TableClient,
  tenantId: string,
  kind: SnapshotKind,
  resumable: boolean,
  stallMs: number,
  now: Date,
  log: (message: string) => void,
): Promise<void> {
  for await (const record of manifests.list({ kind, status: "running" })) {
    const continuable = resumable || isQueued(record);
    const idleMs = now.getTime() - Date.parse(record.progressAt);
    if (continuable && idleMs < stallMs) continue;
    const error = continuable
      ? `abandoned: no progress since ${record.progressAt}`
      : "abandoned: its run ended without finishing";
    await manifests.update(record, { status: "failed", finishedAt: now.toISOString(), error, position: null });
    const removed = await deleteSnapshotRows(rows, tenantId, record.id);
    log(`Marked ${record.id} failed (${error}); removed ${removed} rows`);
  }
}
