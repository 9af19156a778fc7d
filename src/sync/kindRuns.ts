import { Lease } from "../store/lease";
import type { ManifestStore, SnapshotRecord } from "../store/manifestStore";
import { partitionBitsFor } from "../store/rowKeys";
import { newSnapshotId } from "../store/snapshot";
import type { KindSync } from "./kindSync";
import type { SyncOptions } from "./runSync";
import { safeMessage } from "./safeMessage";
import { isQueued } from "./syncPosition";

/* What runSync and queueSync share: the kind's lease, finding a run to carry on, and starting a snapshot. */

/** Renewed between pages; a run that dies frees its kind this long after its last renewal. */
export const LEASE_MS = 10 * 60_000;

/** Counted beside the kind's own counts. */
export const INVALID = "invalid";

/** The lease that keeps runs of one kind from overlapping, on the run's own clock. */
export function kindLease<T>(source: KindSync<T>, options: SyncOptions): Lease {
  const now = options.now ?? (() => new Date());
  return new Lease(options.tables.snapshots, options.tenantId, `sync-${source.kind}`, LEASE_MS, () => now().getTime());
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

/** The running snapshot a lease holder should carry on: a paused one of a resumable kind, or a queued one. */
export async function findContinuable<T>(
  manifests: ManifestStore,
  source: KindSync<T>,
): Promise<SnapshotRecord | undefined> {
  for await (const record of manifests.list({ kind: source.kind, status: "running" })) {
    if (source.resumable || isQueued(record)) return record;
  }
  return undefined;
}

/** Creates the manifest of a new `running` snapshot, with its partition layout and every count at zero. */
export async function startSnapshot<T>(
  source: KindSync<T>,
  manifests: ManifestStore,
  startedAt: Date,
): Promise<SnapshotRecord> {
  // The previous snapshot's size picks the partition count; a first run assumes a large tenant.
  const previous = await manifests.latestSucceeded(source.kind);
  const expectedRows =
    previous === undefined ? 100_000 : Object.values(previous.counts).reduce((sum, count) => sum + count, 0);
  const counts = Object.fromEntries([...source.countNames, INVALID].map((name) => [name, 0]));
  const snapshot = {
    id: newSnapshotId(source.kind, startedAt),
    kind: source.kind,
    status: "running" as const,
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    counts,
  };
  return manifests.create(snapshot, partitionBitsFor(expectedRows));
}
