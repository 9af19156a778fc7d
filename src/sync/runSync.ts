import { ManifestStore, type SnapshotRecord } from "../store/manifestStore";
import type { KindSync, SyncOptions, SyncResult } from "./contract";
import { claimSnapshot, findContinuable, kindLease, releaseLease, startSnapshot } from "./kindRuns";
import { OwnedRun, untouched } from "./ownedRun";
import { Ownership } from "./ownership";
import { sweepAbandoned } from "./sweep";

/**
 * Runs one invocation of a kind's sync, under the kind's lease so runs of a kind never overlap: it continues a
 * queued, paused or interrupted snapshot, or starts one, and takes it to succeeded, paused or failed. A paused
 * snapshot whose time has not come is left alone, without a single upstream call. Resolves undefined only with
 * `resumeOnly` when there is nothing to continue; throws LeaseTakenError when another run holds the kind, and
 * LeaseLostError when this one lost it midway (it then stops and touches nothing).
 */
export async function runSync<P>(source: KindSync<P>, options: SyncOptions): Promise<SyncResult | undefined> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const manifests = new ManifestStore(options.tables.snapshots, options.tenantId);
  const lease = kindLease(source.kind, options);
  await lease.acquire();
  const ownership = new Ownership(lease, options.signal, log, options.heartbeatMs, options.abort);
  try {
    const { rows } = options.tables;
    await sweepAbandoned(manifests, rows, options.tenantId, source, options.stallMs, now(), log);
    let record: SnapshotRecord | undefined;
    for (let found = await findContinuable(manifests, source); found !== undefined && record === undefined;) {
      if (found.status === "paused" && Date.parse(found.resumeAfter ?? "") > now().getTime()) {
        log(`${found.id} is paused until ${found.resumeAfter}`);
        return untouched(found);
      }
      if (found.status === "queued") log(`Starting requested snapshot ${found.id}`);
      record = await claimSnapshot(manifests, rows, source, found, lease.epoch, now(), log);
      if (record === undefined) found = await findContinuable(manifests, source);
    }
    if (record === undefined && options.resumeOnly === true) return undefined;
    const previous = await manifests.latestSucceeded(source.kind);
    record ??= await startSnapshot(source, manifests, now(), { status: "running", epoch: lease.epoch });
    const result = await new OwnedRun(source, record, manifests, ownership, options).execute(previous, started);
    return { ...result, durationMs: Date.now() - started };
  } finally {
    ownership.stop();
    await releaseLease(lease, log);
  }
}
