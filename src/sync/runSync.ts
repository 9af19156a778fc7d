import { odata } from "@azure/data-tables";
import type { Lease } from "../store/lease";
import { ManifestStore, type SnapshotRecord } from "../store/manifestStore";
import { idFromRowKey } from "../store/rowKeys";
import { readRows, rowSetFilter } from "../store/rowReader";
import { RowWriter, type WriterStats } from "../store/rowWriter";
import type { SnapshotKind, SnapshotStatus } from "../store/snapshot";
import type { InventoryTables } from "../store/tables";
import { UpstreamError } from "../upstream/upstreamError";
import type { KindSync, RowLayout } from "./kindSync";
import { prefetchOne } from "./prefetch";
import { safeMessage } from "./safeMessage";
import { deleteSnapshotRows, sweepAbandoned } from "./sweep";
import { isQueued, type Position } from "./syncPosition";
import { findContinuable, INVALID, kindLease, LEASE_MS, releaseLease, startSnapshot } from "./kindRuns";

export interface SyncOptions {
  tenantId: string;
  tables: InventoryTables;
  /** A paused run that made no progress for this long is abandoned. */
  stallMs: number;
  /** What one invalid upstream item does: fail the run, or be counted and skipped. */
  onInvalidItem: "fail" | "skip";
  /** Only continue a paused snapshot; never start one. For the frequent resume timer. */
  resumeOnly?: boolean;
  onProgress?: (progress: SyncProgress) => void;
  log?: (message: string) => void;
  /** The clock of manifests and of the lease, so a test that moves it also expires a dead run's lease. */
  now?: () => Date;
}

export interface SyncProgress {
  snapshotId: string;
  kind: SnapshotKind;
  pages: number;
  items: number;
  rows: number;
}

/** The one-line summary every run ends with (PRODUCT.md). */
export interface SyncResult {
  snapshotId: string;
  kind: SnapshotKind;
  /** `running` means paused by a long throttle; a later run continues it. */
  status: SnapshotStatus;
  counts: Record<string, number>;
  durationMs: number;
  /** Rows and entity group transactions this run wrote; the benchmark compares them with the least possible. */
  writes?: WriterStats;
  error?: string;
}

/** The lease is renewed between pages once this has passed, not after every page: a renewal waits behind writes. */
const RENEW_EVERY_MS = LEASE_MS / 10;

/**
 * Every row of a resumable kind carries the page that wrote it, so a resumed run can drop what a killed process
 * wrote past its last checkpoint (an item half written there would otherwise count as already stored). storedIds
 * filters on it by name.
 */
const PAGE_COLUMN = "pg";

/** One or more invalid upstream items with INVENTORY_INVALID_ITEMS=fail; `count` goes into the failed manifest. */
export class InvalidItemsError extends Error {
  override readonly name = "InvalidItemsError";
  constructor(
    readonly count: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs one sync of a kind into a snapshot, under a lease so runs of a kind never overlap. It writes every page,
 * checkpoints resumable kinds after each one, and turns the manifest `succeeded` only after every row is durable.
 * A long throttle pauses a resumable run; any other failure marks it `failed` and removes its rows.
 * Resolves undefined only with `resumeOnly` when nothing is paused.
 */
export async function runSync<T>(source: KindSync<T>, options: SyncOptions): Promise<SyncResult | undefined> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const manifests = new ManifestStore(options.tables.snapshots, options.tenantId);
  const lease = kindLease(source, options);
  await lease.acquire();
  try {
    const { rows } = options.tables;
    await sweepAbandoned(manifests, rows, options.tenantId, source.kind, source.resumable, options.stallMs, now(), log);
    let record = await findContinuable(manifests, source);
    if (record === undefined && options.resumeOnly === true) return undefined;
    if (record !== undefined && isQueued(record)) {
      log(`Starting requested snapshot ${record.id}`);
      record = await manifests.update(record, { position: null, progressAt: now().toISOString() });
    }
    const resumeAfter = (record?.position as Position | null | undefined)?.resumeAfter;
    const writer = new RowWriter(options.tables.rows);
    if (record !== undefined && resumeAfter !== undefined && Date.parse(resumeAfter) > now().getTime()) {
      log(`${record.id} is paused until ${resumeAfter} by Power BI's throttling`);
    } else {
      record ??= await startSnapshot(source, manifests, now());
      if (record.position !== null) log(`Resuming ${record.id} after page ${(record.position as Position).pages}`);
      try {
        record = await copyPages(source, record, manifests, lease, writer, options, now);
        record = await manifests.update(record, {
          status: "succeeded",
          finishedAt: now().toISOString(),
          position: null,
        });
        log(`Snapshot ${record.id} succeeded: ${JSON.stringify(record.counts)}`);
      } catch (error) {
        // Rows still in flight would land after the clean-up below and be orphaned.
        await writer.settle();
        record = await pauseOrFail(record, source.resumable, error, manifests, options, now());
      }
    }
    const { id, kind, status, counts, error } = record;
    return {
      snapshotId: id,
      kind,
      status,
      counts,
      durationMs: Date.now() - started,
      writes: { ...writer.stats },
      ...(error === undefined ? {} : { error }),
    };
  } finally {
    await releaseLease(lease, log);
  }
}

async function copyPages<T>(
  source: KindSync<T>,
  record: SnapshotRecord,
  manifests: ManifestStore,
  lease: Lease,
  writer: RowWriter,
  options: SyncOptions,
  now: () => Date,
): Promise<SnapshotRecord> {
  const layout: RowLayout = { tenantId: options.tenantId, snapshotId: record.id, partitionBits: record.partitionBits };
  const saved = record.position as Position | null;
  const position: Position = { next: saved?.next, pages: saved?.pages ?? 0 };
  const counts = { ...record.counts };
  // Power BI's $skip paging is not stable: an item seen on an earlier page (or invocation) is not written twice.
  const seen = source.resumable ? await storedIds(options, layout, source.kind, saved) : undefined;
  let items = 0;
  // Fetching page n+1 while page n is written keeps storage busy. Not for resumable kinds: their calls are budgeted
  // (Power BI: 50 an hour), and one fetched ahead of a run that stops at a checkpoint would be spent for nothing.
  const pages = source.pages(position.next);
  let renewedAt = now().getTime();
  for await (const page of source.resumable ? pages : prefetchOne(pages)) {
    if (page.invalid.length > 0) {
      counts[INVALID] = (counts[INVALID] ?? 0) + page.invalid.length;
      const first = page.invalid[0]!;
      const summary = `${page.invalid.length} invalid ${source.kind} item(s) on page ${position.pages + 1}; first${first.id === undefined ? "" : ` (id ${first.id})`}: ${first.reason}`;
      if (options.onInvalidItem === "fail") throw new InvalidItemsError(page.invalid.length, summary);
      options.log?.(`Skipped ${summary}`);
    }
    for (const item of page.items) {
      if (seen !== undefined) {
        const id = source.idOf(item);
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const { rows, counts: added } = source.toRows(item, layout);
      if (source.resumable) for (const row of rows) row[PAGE_COLUMN] = position.pages + 1;
      for (const [name, count] of Object.entries(added)) counts[name] = (counts[name] ?? 0) + count;
      await writer.write(rows);
      items++;
    }
    // Once every item the service counted is in, the next page could only be empty: skip that call.
    const complete = seen !== undefined && page.total !== undefined && seen.size >= page.total;
    position.next = complete ? undefined : page.next;
    position.pages++;
    if (source.resumable) {
      await writer.flush();
      record = await manifests.update(record, { counts, position: { ...position }, progressAt: now().toISOString() });
    }
    // Not after every page: the renewal waits in storage's queue behind the page's writes while the writer drains.
    if (now().getTime() - renewedAt >= RENEW_EVERY_MS) {
      await lease.renew();
      renewedAt = now().getTime();
    }
    options.onProgress?.({
      snapshotId: record.id,
      kind: source.kind,
      pages: position.pages,
      items,
      rows: writer.stats.rows,
    });
    if (complete) break;
  }
  await writer.flush();
  return manifests.update(record, { counts, progressAt: now().toISOString() });
}

/**
 * Ids stored by earlier invocations of a resumed snapshot, once rows written past its last checkpoint (by a process
 * that died mid-page) are gone: an id counts as stored only if the whole item is.
 */
async function storedIds(
  options: SyncOptions,
  layout: RowLayout,
  kind: SnapshotKind,
  saved: Position | null,
): Promise<Set<string>> {
  const ids = new Set<string>();
  if (saved === null) return ids;
  const dropped = await deleteSnapshotRows(
    options.tables.rows,
    layout.tenantId,
    layout.snapshotId,
    odata`pg gt ${saved.pages}`,
  );
  if (dropped > 0) options.log?.(`Dropped ${dropped} rows written past the last checkpoint of ${layout.snapshotId}`);
  const filter = rowSetFilter(layout.tenantId, layout.snapshotId, kind);
  for await (const row of readRows(options.tables.rows, filter, ["RowKey"])) ids.add(idFromRowKey(String(row.rowKey)));
  return ids;
}

/**
 * A long throttle pauses a resumable run at its last checkpoint, noting when the service lets us call again; any
 * other failure marks the snapshot failed and removes its rows. If storage itself is down, nothing can be recorded:
 * the error says so, and the next run marks the snapshot abandoned.
 */
async function pauseOrFail(
  record: SnapshotRecord,
  resumable: boolean,
  error: unknown,
  manifests: ManifestStore,
  options: SyncOptions,
  now: Date,
): Promise<SnapshotRecord> {
  const log = options.log ?? (() => undefined);
  const message = safeMessage(error);
  try {
    // Re-read: the last checkpoint's ETag, position and counts are what count.
    const current = (await manifests.get(record.id)) ?? record;
    if (error instanceof UpstreamError && error.retryAfterMs !== undefined && resumable) {
      const position = (current.position as Position | null) ?? { next: undefined, pages: 0 };
      const resumeAfter = new Date(now.getTime() + error.retryAfterMs).toISOString();
      log(`Paused ${record.id} after page ${position.pages}: ${message}. A run after ${resumeAfter} resumes it.`);
      return await manifests.update(current, { position: { ...position, resumeAfter } });
    }
    log(`Snapshot ${record.id} failed: ${message}`);
    const invalid = error instanceof InvalidItemsError ? error.count : 0;
    const failed = await manifests.update(current, {
      status: "failed",
      finishedAt: now.toISOString(),
      error: message,
      position: null,
      counts: { ...current.counts, [INVALID]: (current.counts[INVALID] ?? 0) + invalid },
    });
    await deleteSnapshotRows(options.tables.rows, options.tenantId, record.id);
    return failed;
  } catch (recording) {
    throw new Error(
      `snapshot ${record.id} failed (${message}) and the failure could not be recorded (${safeMessage(recording)}); the next run marks it abandoned`,
      { cause: recording },
    );
  }
}
