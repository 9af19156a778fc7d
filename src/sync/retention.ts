import type { TableClient } from "@azure/data-tables";
import type { ManifestStore, SnapshotRecord } from "../store/manifestStore";
import { UNFINISHED } from "../store/snapshot";
import { deleteSnapshotRows } from "../store/deleteRows";

/**
 * How long an expired snapshot stays retired (refused with 409, its rows intact) before its rows go. A read that
 * began before the snapshot was retired finishes well within it, so it never sees half-deleted rows.
 */
export const RETIRE_GRACE_MS = 60 * 60_000;

const RETIRED = "expired by retention";

/**
 * Deletes the finished snapshots of a kind that started more than `retentionDays` ago, except the newest succeeded
 * one, in two steps: a succeeded snapshot is first retired (marked failed, so no new read is served), and its rows
 * and manifest go on a pass at least RETIRE_GRACE_MS later. Unfinished snapshots (queued, running, paused) are
 * never touched. Another pass racing this one (ETag conflict, already deleted) is not an error: the next pass sees
 * the result. Returns the ids removed.
 */
export async function applyRetention(
  manifests: ManifestStore,
  rows: TableClient,
  tenantId: string,
  kind: string,
  retentionDays: number,
  now: Date = new Date(),
  log: (message: string) => void = () => undefined,
): Promise<string[]> {
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  let newestSucceeded = true;
  const expired: SnapshotRecord[] = [];
  for await (const record of manifests.list({ kind })) {
    if (UNFINISHED.includes(record.status)) continue;
    if (record.status === "succeeded" && newestSucceeded) {
      newestSucceeded = false;
      continue;
    }
    if (Date.parse(record.startedAt) < cutoff) expired.push(record);
  }
  const removed: string[] = [];
  for (const record of expired) {
    try {
      if (record.status === "succeeded") {
        await manifests.update(record, { status: "failed", error: RETIRED, retiredAt: now.toISOString() });
        log(`Retention retired ${record.id}; its rows go after ${RETIRE_GRACE_MS / 60_000} minutes`);
        continue;
      }
      if (record.retiredAt !== undefined && now.getTime() - Date.parse(record.retiredAt) < RETIRE_GRACE_MS) continue;
      await deleteSnapshotRows(rows, tenantId, record.id);
      await manifests.delete(record);
      removed.push(record.id);
      log(`Retention removed ${record.id}`);
    } catch (error) {
      if (!isRace(error)) throw error;
    }
  }
  return removed;
}

/** Another pass changed (412) or deleted (404) the manifest since it was listed. */
function isRace(error: unknown): boolean {
  const status = (error as { statusCode?: number } | null)?.statusCode;
  return status === 404 || status === 412;
}
