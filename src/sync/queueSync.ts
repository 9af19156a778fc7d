import { LeaseTakenError } from "../store/lease";
import { ManifestStore, type SnapshotRecord } from "../store/manifestStore";
import { UNFINISHED } from "../store/snapshot";
import type { KindSync, SyncOptions } from "./contract";
import { findContinuable, kindLease, releaseLease, startSnapshot } from "./kindRuns";
import { sweepAbandoned } from "./sweep";

/** What a request for a run got: a queued snapshot, or the id of the run already queued, paused or in progress. */
export type QueueOutcome = { queued: SnapshotRecord } | { alreadyRunning: string | undefined };

/**
 * Requests a run without doing it: creates a `queued` manifest, which the next run of the kind (the frequent resume
 * timer) starts. The HTTP trigger cannot keep working after it answers, so this is how an on-demand sync starts.
 */
export async function queueSync(
  source: Pick<KindSync, "kind" | "countNames" | "rowsOf" | "resumable">,
  options: SyncOptions,
): Promise<QueueOutcome> {
  const manifests = new ManifestStore(options.tables.snapshots, options.tenantId);
  const log = options.log ?? (() => undefined);
  const lease = kindLease(source.kind, options);
  try {
    await lease.acquire();
  } catch (error) {
    if (!(error instanceof LeaseTakenError)) throw error;
    for await (const record of manifests.list({ kind: source.kind, status: UNFINISHED })) {
      return { alreadyRunning: record.id };
    }
    return { alreadyRunning: undefined };
  }
  try {
    const now = options.now?.() ?? new Date();
    await sweepAbandoned(manifests, options.tables.rows, options.tenantId, source, options.stallMs, now, log);
    const running = await findContinuable(manifests, source);
    if (running !== undefined) return { alreadyRunning: running.id };
    return { queued: await startSnapshot(source, manifests, now, { status: "queued" }) };
  } finally {
    await releaseLease(lease, log);
  }
}
