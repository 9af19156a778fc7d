import type { TableClient } from "@azure/data-tables";
import type { ManifestStore } from "../store/manifestStore";
import type { SnapshotKind } from "../store/snapshot";
import { deleteSnapshotRows } from "./sweep";

/**
 * Deletes finished snapshots that started more than `retentionDays` ago, except the newest succeeded one of each
 * kind. Running snapshots are never touched here. A snapshot is first marked failed, so it stops being served before
 * its rows go; if the process dies midway, the next pass finds it again.
 */
export async function applyRetention(
  manifests: ManifestStore,
  rows: TableClient,
  tenantId: string,
  retentionDays: number,
  now: Date,
  log: (message: string) => void = () => undefined,
): Promise<string[]> {
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  const newestSucceeded = new Set<SnapshotKind>();
  const expired = [];
  for await (const record of manifests.list()) {
    if (record.status === "succeeded" && !newestSucceeded.has(record.kind)) {
      newestSucceeded.add(record.kind);
      continue;
    }
    if (record.status !== "running" && Date.parse(record.startedAt) < cutoff) expired.push(record);
  }
  for (const record of expired) {
    const retired =
      record.status === "failed"
        ? record
        : await manifests.update(record, { status: "failed", error: "expired by retention" });
    await deleteSnapshotRows(rows, tenantId, record.id);
    await manifests.delete(retired);
    log(`Retention removed ${record.id}`);
  }
  return expired.map((record) => record.id);
}
