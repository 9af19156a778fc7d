import type { z } from "zod";
import type { SnapshotRecord } from "../store/manifestStore";
import type { StoredRow } from "../store/rowCodec";
import type { WriterStats } from "../store/rowWriter";
import type { SnapshotStatus } from "../store/snapshot";
import type { InventoryTables } from "../store/tables";

/* The sync engine's contract: what a kind gives it (KindSync), what it gives the kind (RunContext), what callers
   pass (SyncOptions) and get back (SyncResult). Nothing here names a kind. */

/** Where a snapshot's rows go: its tenant, id and partition layout. */
export interface RowLayout {
  tenantId: string;
  snapshotId: string;
  partitionBits: number;
}

/** Rows of one upstream item, and what they add to the manifest counts. */
export interface ItemRows {
  rows: StoredRow[];
  counts: Record<string, number>;
}

export type Counts = Record<string, number>;

/** What the engine hands a kind's run for one invocation. */
export interface RunContext<P> {
  readonly layout: RowLayout;
  /** The snapshot as this run claimed it. */
  readonly snapshot: SnapshotRecord;
  /** The last checkpoint's position, undefined when the run starts from nothing. */
  readonly position: P | undefined;
  /** Counts as of the last checkpoint (every count at zero on a fresh start). */
  readonly counts: Counts;
  /** The newest succeeded snapshot of the kind, which an incremental run may build on (its last position is kept). */
  readonly previous: SnapshotRecord | undefined;
  readonly tables: InventoryTables;
  readonly onInvalidItem: "fail" | "skip";
  /** Aborted when the run lost its lease: pass it to anything that waits. */
  readonly signal: AbortSignal;
  /** Queues rows; they are durable at the next checkpoint. Resolves when the writer has room (backpressure). */
  write(rows: Iterable<StoredRow>): Promise<void>;
  /** Makes every written row durable and saves `position` and `counts`, so a later invocation continues from here. */
  checkpoint(position: P, counts: Counts): Promise<void>;
  /**
   * Throws InvocationEndingError when the invocation must stop (its time limit, or the host stopping), which pauses
   * the run at its last checkpoint. A run calls it before each step it means to take.
   */
  checkDeadline(): void;
  progress(progress: { pages: number; items: number }): void;
  now(): Date;
  log(message: string): void;
}

/** How one kind of snapshot is synced: its counts, whether it resumes, and the run itself. */
export interface KindSync<P = unknown> {
  readonly kind: string;
  /** Counts every snapshot of this kind reports, zero included. */
  readonly countNames: readonly string[];
  /**
   * How many rows the largest row set of a snapshot with these counts holds: every row set has that many partitions
   * in the next snapshot. Counts that describe items (guests, personal workspaces) are not rows, and some rows are
   * in other row sets, so every kind says.
   */
  rowsOf(counts: Readonly<Counts>): number;
  /**
   * Resumable kinds checkpoint as they go and a later invocation continues where they stopped; a paused run of
   * another kind starts again from nothing.
   */
  readonly resumable: boolean;
  /** Reads a saved position back; one this version cannot read fails the run with the reason. */
  readonly position: z.ZodType<P>;
  /**
   * Writes the snapshot's rows and returns its final counts. An UpstreamError with `retryAfterMs` (a long throttle)
   * or InvocationEndingError pauses the run; any other error fails it.
   */
  run(context: RunContext<P>): Promise<Counts>;
}

/** What one invocation of a sync needs besides the kind. */
export interface SyncOptions {
  tenantId: string;
  tables: InventoryTables;
  /** A paused run that made no progress for this long is abandoned. */
  stallMs: number;
  /** What one invalid upstream item does: fail the run, or be counted and skipped. */
  onInvalidItem: "fail" | "skip";
  /** After this instant the run checkpoints and pauses, and the resume timer continues it. */
  deadline?: Date;
  /** Only continue a queued, paused or interrupted snapshot; never start one. For the frequent resume timer. */
  resumeOnly?: boolean;
  onProgress?: (progress: SyncProgress) => void;
  log?: (message: string) => void;
  /** The clock of manifests and of the lease, so a test that moves it also expires a dead run's lease. */
  now?: () => Date;
  /** How often the lease is renewed while the run works; tests shorten it. */
  heartbeatMs?: number;
  /** Aborted by the caller (the host shutting down): the run pauses at its last checkpoint and stops. */
  signal?: AbortSignal;
  /**
   * Aborted by the engine when the run must stop waiting at once (its lease was lost, or `signal` fired); the
   * caller gives its signal to the upstream clients the run calls.
   */
  abort?: AbortController;
}

export interface SyncProgress {
  snapshotId: string;
  kind: string;
  pages: number;
  items: number;
  rows: number;
}

/** The one-line summary every run ends with (PRODUCT.md). */
export interface SyncResult {
  snapshotId: string;
  kind: string;
  status: SnapshotStatus;
  counts: Counts;
  durationMs: number;
  /** When a paused run may go on. */
  resumeAfter?: string;
  /** Rows and entity group transactions this run wrote; the benchmark compares them with the least possible. */
  writes?: WriterStats;
  error?: string;
}

/** The invocation must end now (its time limit, or the host stopping): the run pauses at its last checkpoint. */
export class InvocationEndingError extends Error {
  override readonly name = "InvocationEndingError";
}

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

/** Counted beside the kind's own counts. */
export const INVALID = "invalid";

/** `rowsOf` for a kind whose rows are the sum of some of its counts (one row per user, per SKU). */
export function sumOf(names: readonly string[]): (counts: Readonly<Counts>) => number {
  return (counts) => names.reduce((sum, name) => sum + (counts[name] ?? 0), 0);
}
