import { deleteSnapshotRows } from "../store/deleteRows";
import { LeaseLostError } from "../store/lease";
import type { ManifestStore, SnapshotRecord } from "../store/manifestStore";
import type { StoredRow } from "../store/rowCodec";
import { RowWriter } from "../store/rowWriter";
import { UpstreamError } from "../upstream/upstreamError";
import { safeMessage } from "../common/safeMessage";
import {
  InvocationEndingError,
  INVALID,
  InvalidItemsError,
  type KindSync,
  type RunContext,
  type SyncOptions,
  type SyncResult,
} from "./contract";
import { CHECKPOINT_COLUMN, zeroCounts } from "./kindRuns";
import type { Ownership } from "./ownership";

/**
 * One invocation of a run that owns its snapshot: the RunContext the kind writes through, and the end of the run
 * (succeeded, paused or failed). Every manifest write is guarded by the manifest's ETag and the lease, so a run that
 * lost its snapshot to another fails its next write and stops without touching anything.
 */
export class OwnedRun<P> {
  private record: SnapshotRecord;
  private readonly writer: RowWriter;
  private readonly now: () => Date;
  private readonly log: (message: string) => void;

  constructor(
    private readonly source: KindSync<P>,
    claimed: SnapshotRecord,
    private readonly manifests: ManifestStore,
    private readonly ownership: Ownership,
    private readonly options: SyncOptions,
  ) {
    this.record = claimed;
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
    this.writer = new RowWriter(options.tables.rows, undefined, () => ownership.assertHeld());
  }

  /** Runs the kind to its end in this invocation; throws LeaseLostError when another run took the snapshot over. */
  async execute(previous: SnapshotRecord | undefined, started: number): Promise<SyncResult> {
    try {
      const position = this.savedPosition();
      if (position !== undefined) this.log(`Resuming ${this.record.id} after checkpoint ${this.record.checkpoints}`);
      const counts = await this.source.run(this.context(position, previous));
      await this.writer.flush();
      // The last checkpoint's position stays: what the next run of the kind may build on (RunContext.previous).
      await this.save({
        status: "succeeded",
        finishedAt: this.now().toISOString(),
        counts,
        progressAt: this.now().toISOString(),
      });
      this.log(`Snapshot ${this.record.id} succeeded: ${JSON.stringify(counts)}`);
    } catch (error) {
      // Rows still in flight would land after the clean-up below and be orphaned.
      await this.writer.settle();
      if (this.ownership.lost || error instanceof LeaseLostError) {
        throw this.ownership.lose(safeMessage(error));
      }
      await this.pauseOrFail(error);
    }
    const { id, kind, status, counts, resumeAfter, error } = this.record;
    return {
      snapshotId: id,
      kind,
      status,
      counts,
      durationMs: Date.now() - started,
      writes: { ...this.writer.stats },
      ...(status === "paused" && resumeAfter !== undefined ? { resumeAfter } : {}),
      ...(error === undefined ? {} : { error }),
    };
  }

  private savedPosition(): P | undefined {
    if (this.record.position === null || this.record.position === undefined) return undefined;
    const parsed = this.source.position.safeParse(this.record.position);
    if (!parsed.success) {
      throw new Error(`the saved position of ${this.record.id} cannot be read by this version; start a new run`);
    }
    return parsed.data;
  }

  private context(position: P | undefined, previous: SnapshotRecord | undefined): RunContext<P> {
    const layout = {
      tenantId: this.options.tenantId,
      snapshotId: this.record.id,
      partitionBits: this.record.partitionBits,
    };
    return {
      layout,
      snapshot: this.record,
      position,
      counts: { ...zeroCounts(this.source), ...this.record.counts },
      previous,
      tables: this.options.tables,
      onInvalidItem: this.options.onInvalidItem,
      signal: this.ownership.signal,
      write: (rows) => this.writer.write(this.source.resumable ? this.tagged(rows) : rows),
      checkpoint: async (next, counts) => {
        await this.writer.flush();
        await this.save({
          position: next,
          counts,
          checkpoints: this.record.checkpoints + 1,
          progressAt: this.now().toISOString(),
        });
      },
      checkDeadline: () => this.checkDeadline(),
      progress: ({ pages, items }) =>
        this.options.onProgress?.({
          snapshotId: this.record.id,
          kind: this.source.kind,
          pages,
          items,
          rows: this.writer.stats.rows,
        }),
      now: this.now,
      log: this.log,
    };
  }

  /** Rows written now belong to the next checkpoint; a resumed run drops them if that checkpoint never came. */
  private *tagged(rows: Iterable<StoredRow>): Iterable<StoredRow> {
    const checkpoint = this.record.checkpoints + 1;
    for (const row of rows) {
      row[CHECKPOINT_COLUMN] = checkpoint;
      yield row;
    }
  }

  private checkDeadline(): void {
    this.ownership.assertHeld();
    if (this.ownership.stopping) throw new InvocationEndingError("the host is stopping");
    const deadline = this.options.deadline;
    if (deadline !== undefined && this.now().getTime() >= deadline.getTime()) {
      throw new InvocationEndingError(`the invocation's time limit (${deadline.toISOString()}) is near`);
    }
  }

  /** Writes the owned manifest; a 412 means another run claimed it, so this one has lost it. */
  private async save(changes: Parameters<ManifestStore["update"]>[1]): Promise<void> {
    this.ownership.assertHeld();
    try {
      this.record = await this.manifests.update(this.record, changes);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 412) {
        throw this.ownership.lose(`another run took over ${this.record.id}`);
      }
      throw error;
    }
  }

  /**
   * A long throttle, the time limit or the host stopping pauses the run at its last checkpoint (a kind that cannot
   * resume drops its rows and starts again later); anything else marks the snapshot failed and removes its rows. If
   * storage itself is down, nothing can be recorded: the error says so, and the next run marks it abandoned.
   */
  private async pauseOrFail(error: unknown): Promise<void> {
    const message = safeMessage(error);
    const now = this.now();
    const throttle = error instanceof UpstreamError ? error.retryAfterMs : undefined;
    const pausing = throttle !== undefined || error instanceof InvocationEndingError || this.ownership.stopping;
    const { id } = this.record;
    try {
      if (pausing) {
        const resumeAfter = new Date(now.getTime() + (throttle ?? 0)).toISOString();
        if (!this.source.resumable) {
          await deleteSnapshotRows(this.options.tables.rows, this.options.tenantId, id);
          await this.save({
            status: "paused",
            resumeAfter,
            position: null,
            checkpoints: 0,
            counts: zeroCounts(this.source),
          });
          this.log(`Paused ${id}: ${message}. A run after ${resumeAfter} starts it again.`);
          return;
        }
        await this.save({ status: "paused", resumeAfter });
        this.log(
          `Paused ${id} at checkpoint ${this.record.checkpoints}: ${message}. A run after ${resumeAfter} goes on.`,
        );
        return;
      }
      this.log(`Snapshot ${id} failed: ${message}`);
      const invalid = error instanceof InvalidItemsError ? error.count : 0;
      await this.save({
        status: "failed",
        finishedAt: now.toISOString(),
        error: message,
        position: null,
        counts: { ...this.record.counts, [INVALID]: (this.record.counts[INVALID] ?? 0) + invalid },
      });
      await deleteSnapshotRows(this.options.tables.rows, this.options.tenantId, id);
    } catch (recording) {
      if (recording instanceof LeaseLostError) throw recording;
      throw new Error(
        `snapshot ${id} failed (${message}) and the failure could not be recorded (${safeMessage(recording)}); the next run marks it abandoned`,
        { cause: recording },
      );
    }
  }
}

/** The summary of a snapshot this invocation did not run (paused until later). */
export function untouched(record: SnapshotRecord): SyncResult {
  const { id, kind, status, counts, resumeAfter, error } = record;
  return {
    snapshotId: id,
    kind,
    status,
    counts,
    durationMs: 0,
    ...(resumeAfter === undefined ? {} : { resumeAfter }),
    ...(error === undefined ? {} : { error }),
  };
}
