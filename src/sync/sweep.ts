import type { TableClient } from "@azure/data-tables";
import { deleteSnapshotRows } from "../store/deleteRows";
import type { ManifestStore } from "../store/manifestStore";
import { UNFINISHED } from "../store/snapshot";
import type { KindSync } from "./contract";

/**
 * Marks abandoned unfinished snapshots of a kind failed and removes their rows. The caller holds the kind's lease,
 * so no live run owns them: a `running` snapshot of a kind that cannot resume was left by a process that died, and
 * a queued, paused or interrupted one is abandoned when it made no progress for `stallMs` (otherwise the caller
 * continues it).
 */
export async function sweepAbandoned(
  manifests: ManifestStore,
  rows: TableClient,
  tenantId: string,
  source: Pick<KindSync, "kind" | "resumable">,
  stallMs: number,
  now: Date,
  log: (message: string) => void,
): Promise<void> {
  for await (const record of manifests.list({ kind: source.kind, status: UNFINISHED })) {
    const continuable = record.status !== "running" || source.resumable;
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
