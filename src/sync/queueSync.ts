import { LeaseTakenError } from "../store/lease";
import { ManifestStore, type SnapshotRecord } from "../store/manifestStore";
import type { KindSync } from "./kindSync";
import { findContinuable, kindLease, releaseLease, startSnapshot } from "./kindRuns";
import type { SyncOptions } from "./runSync";
import { sweepAbandoned } from "./sweep";
import { QUEUED } from "./syncPosition";

/** Why queueSync did not queue: a run of the kind is queued, paused or in progress. */
export class SyncAlreadyRunningError extends Error {
  override readonly name = "SyncAlreadyRunningError";
  constructor(readonly snapshotId: string | undefined) {
    super(`a sync of this kind is already running${snapshotId === undefined ? "" : ` (snapshot ${snapshotId})`}`);
  }
}

/**
 * Requests a run without doing it: creates a `running` manifest marked queued, which the next run of the kind (the
 * frequent resume timer) picks up. The HTTP trigger cannot keep working after it answers, so this is how an
 * on-demand sync starts. Throws SyncAlreadyRunningError when a run of the kind is queued, paused or in progress.
 */
export async function queueSync<T>(source: KindSync<T>, options: SyncOptions): Promise<SnapshotRecord> {
  const manifests = new ManifestStore(options.tables.snapshots, options.tenantId);
  const lease = kindLease(source, options);
  try {
    await lease.acquire();
  } catch (error) {
    if (!(error instanceof LeaseTakenError)) throw error;
    for await (const record of manifests.list({ kind: source.kind, status: "running" })) {
      throw new SyncAlreadyRunningError(record.id);
    }
    throw new SyncAlreadyRunningError(undefined);
  }
  try {
    const now = options.now?.() ?? new Date();
    await sweepAbandoned(
      manifests,
      options.tables.rows,
      options.tenantId,
      source.kind,
      source.resumable,
      options.stallMs,
      now,
      options.log ?? (() => undefined),
    );
    const running = await findContinuable(manifests, source);
    if (running !== undefined) throw new SyncAlreadyRunningError(running.id);
    const record = await startSnapshot(source, manifests, now);
    return await manifests.update(record, { position: QUEUED });
  } finally {
    await releaseLease(lease, options.log ?? (() => undefined));
  }
}
