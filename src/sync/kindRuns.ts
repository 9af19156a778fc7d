import { odata } from "@azure/data-tables";
import { deleteSnapshotRows } from "../store/deleteRows";
import { Lease } from "../store/lease";
import type { ManifestStore, SnapshotRecord } from "../store/manifestStore";
import { partitionBitsFor } from "../store/rowKeys";
import { newSnapshotId, UNFINISHED } from "../store/snapshot";
import { safeMessage } from "../common/safeMessage";
import { INVALID, type KindSync, type SyncOptions } from "./contract";

/* What runSync and queueSync share: the kind's lease, finding a run to carry on, starting and claiming a snapshot. */

/** A run that dies frees its kind this long after its last renewal. */
export const LEASE_MS = 10 * 60_000;

/**
 * Every row of a resumable kind carries the number of the checkpoint it belongs to, so a resumed run can drop what
 * was written after the last one (by a process that died, or lost its lease, mid-way).
 */
export const CHECKPOINT_COLUMN = "pg";

/** The lease that keeps runs of one kind from overlapping, on the run's own clock. */
export function kindLease(kind: string, options: SyncOptions): Lease {
  const now = options.now ?? (() => new Date());
  return new Lease(options.tables.snapshots, options.tenantId, `sync-${kind}`, LEASE_MS, () => now().getTime());
}

/**
 * Best effort: the run's outcome (or its own error) is what the caller needs, not a storage error on the way out,
 * and a lease that stays behind expires by itself.
 */
export async function releaseLease(lease: Lease, log: (message: string) => void): Promise<void> {
  try {
    await lease.release();
  } catch (error) {
    log(`Could not release the ${lease.name} lease; it expires by itself: ${safeMessage(error)}`);
  }
}

/**
 * The unfinished snapshot a lease holder should carry on: a queued one, a paused one, or one whose run died
 * (resumable kinds only: sweepAbandoned has failed the others).
 */
export async function findContinuable(
  manifests: ManifestStore,
  source: Pick<KindSync, "kind" | "resumable">,
): Promise<SnapshotRecord | undefined> {
  for await (const record of manifests.list({ kind: source.kind, status: UNFINISHED })) {
    if (record.status !== "running" || source.resumable) return record;
  }
  return undefined;
}

/** A new snapshot's manifest, with its partition layout and every count at zero, queued or owned by `epoch`. */
export async function startSnapshot(
  source: Pick<KindSync, "kind" | "countNames" | "rowsOf">,
  manifests: ManifestStore,
  startedAt: Date,
  owner: { status: "queued" } | { status: "running"; epoch: number },
): Promise<SnapshotRecord> {
  // The previous snapshot's size picks the partition count; a first run assumes a large tenant.
  const previous = await manifests.latestSucceeded(source.kind);
  const expectedRows = previous === undefined ? 100_000 : source.rowsOf(previous.counts);
  const record = await manifests.create(
    {
      id: newSnapshotId(source.kind, startedAt),
      kind: source.kind,
      status: owner.status,
      startedAt: startedAt.toISOString(),
      finishedAt: null,
      counts: zeroCounts(source),
    },
    partitionBitsFor(expectedRows),
  );
  return owner.status === "running" ? manifests.update(record, { epoch: owner.epoch }) : record;
}

export function zeroCounts(source: Pick<KindSync, "countNames">): Record<string, number> {
  return Object.fromEntries([...source.countNames, INVALID].map((name) => [name, 0]));
}

/**
 * Makes the holder of `epoch` the owner of an unfinished snapshot: from then on a run that owned it before fails
 * on its next manifest write (the ETag changed) and stops. A queued snapshot starts now; a paused one of a kind that
 * cannot resume starts again from nothing; a resumable one drops the rows written after its last checkpoint.
 * Undefined when the snapshot was finished meanwhile (by a run that lost its lease at the last moment).
 */
export async function claimSnapshot(
  manifests: ManifestStore,
  rows: SyncOptions["tables"]["rows"],
  source: Pick<KindSync, "countNames" | "resumable">,
  found: SnapshotRecord,
  epoch: number,
  now: Date,
  log: (message: string) => void,
): Promise<SnapshotRecord | undefined> {
  let record: SnapshotRecord | undefined = found;
  for (let attempt = 0; record !== undefined && UNFINISHED.includes(record.status); attempt++) {
    const restart = record.status === "queued" || !source.resumable;
    try {
      record = await manifests.update(record, {
        status: "running",
        epoch,
        resumeAfter: undefined,
        ...(record.status === "queued" ? { startedAt: now.toISOString(), progressAt: now.toISOString() } : {}),
        ...(restart ? { position: null, checkpoints: 0, counts: zeroCounts(source) } : {}),
      });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 412 || attempt >= 2) throw error;
      record = await manifests.get(record.id);
      continue;
    }
    // Rows a dead or displaced owner wrote after the last checkpoint (or at all, on a restart) go first.
    // `pg` is CHECKPOINT_COLUMN; odata`` would quote an interpolated name as a string.
    const where = restart ? undefined : odata`pg gt ${record.checkpoints}`;
    const dropped = await deleteSnapshotRows(rows, manifests.tenantId, record.id, where);
    if (dropped > 0) log(`Dropped ${dropped} rows written after the last checkpoint of ${record.id}`);
    return record;
  }
  return undefined;
}
