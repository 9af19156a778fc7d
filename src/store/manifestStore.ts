import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import { canMove, parseSnapshotId, type Snapshot, type SnapshotStatus } from "./snapshot";

/** What a run keeps beside the public manifest: its layout, its owner and where to resume. */
export interface SnapshotRecord extends Snapshot {
  partitionBits: number;
  /** Opaque to the store: the sync's resume position, saved at every checkpoint. */
  position: unknown;
  /** Checkpoints saved so far; rows written after the last one carry a higher number and are dropped on resume. */
  checkpoints: number;
  /** The lease epoch of the run that owns the snapshot (0 before any run claimed it). */
  epoch: number;
  /** When the run last made durable progress; a stalled run is judged by it. */
  progressAt: string;
  /** When retention retired the snapshot; its rows are kept for a grace period after that. */
  retiredAt?: string;
  etag: string;
}

interface ManifestEntity {
  partitionKey: string;
  rowKey: string;
  id: string;
  kind: string;
  status: SnapshotStatus;
  startedAt: string;
  finishedAt: string;
  counts: string;
  error: string;
  partitionBits: number;
  position: string;
  /** Absent on manifests written before fencing existed. */
  checkpoints?: number;
  epoch?: number;
  resumeAfter?: string;
  progressAt: string;
  /** Absent on manifests written before retirement existed. */
  retiredAt?: string;
}

/** An update would move a snapshot's status in a way the state machine forbids (snapshot.ts): a bug, not a race. */
export class InvalidTransitionError extends Error {
  override readonly name = "InvalidTransitionError";
}

/** A manifest row key, `inverted start time-id`: what a page of the snapshot list resumes after. */
export const MANIFEST_ROW_KEY = /^\d{13}-\d{8}T\d{9}Z-[a-z][a-z0-9]{0,19}-[0-9a-f]{6}$/;

const MAX_MS = 9_999_999_999_999;

/** Newest-first order comes from the row key: the inverted start time. */
export function manifestRowKey(id: string): string | undefined {
  const parsed = parseSnapshotId(id);
  return parsed === undefined ? undefined : `${String(MAX_MS - parsed.startedMs).padStart(13, "0")}-${id}`;
}

/** Snapshot manifests of one tenant: one partition, newest first. */
export class ManifestStore {
  constructor(
    private readonly table: TableClient,
    readonly tenantId: string,
  ) {}

  async create(snapshot: Snapshot, partitionBits: number): Promise<SnapshotRecord> {
    const record: SnapshotRecord = {
      ...snapshot,
      partitionBits,
      position: null,
      checkpoints: 0,
      epoch: 0,
      progressAt: snapshot.startedAt,
      etag: "",
    };
    const response = await this.table.createEntity(this.toEntity(record));
    return { ...record, etag: response.etag ?? "" };
  }

  /**
   * Replaces the manifest only if nobody else changed it since `record` was read (optimistic concurrency: a 412
   * otherwise), and only along the state machine's moves. `undefined` in `changes` clears an optional member.
   */
  async update(
    record: SnapshotRecord,
    changes: Partial<Omit<SnapshotRecord, "id" | "kind" | "etag">>,
  ): Promise<SnapshotRecord> {
    const next = { ...record, ...changes };
    if (!canMove(record.status, next.status)) {
      throw new InvalidTransitionError(`snapshot ${record.id} cannot go from ${record.status} to ${next.status}`);
    }
    const response = await this.table.updateEntity(this.toEntity(next), "Replace", { etag: record.etag });
    return { ...next, etag: response.etag ?? "" };
  }

  async get(id: string): Promise<SnapshotRecord | undefined> {
    const rowKey = manifestRowKey(id);
    if (rowKey === undefined) return undefined;
    try {
      return fromEntity(await this.table.getEntity<ManifestEntity>(this.tenantId, rowKey));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Manifests newest first, optionally of one kind and of some statuses. */
  async *list(filter: ManifestFilter = {}): AsyncGenerator<SnapshotRecord> {
    for await (const entity of this.table.listEntities<ManifestEntity>({
      queryOptions: { filter: this.filter(filter) },
    })) {
      yield fromEntity(entity);
    }
  }

  /**
   * One page of manifests newest first, resuming after the row key of the last manifest of the previous page (an
   * `after` the caller has checked against MANIFEST_ROW_KEY); `next` is set when the page is full.
   */
  async page(
    filter: ManifestFilter,
    top: number,
    after: string | undefined,
  ): Promise<{ items: SnapshotRecord[]; next: string | undefined }> {
    const where = after === undefined ? this.filter(filter) : `${this.filter(filter)} and ${odata`RowKey gt ${after}`}`;
    const items: SnapshotRecord[] = [];
    let last: string | undefined;
    // The service may answer short or empty pages with a continuation; keep reading until the page is full.
    for await (const page of this.table
      .listEntities<ManifestEntity>({ queryOptions: { filter: where } })
      .byPage({ maxPageSize: top })) {
      for (const entity of page) {
        if (items.length === top) break;
        items.push(fromEntity(entity));
        last = entity.rowKey;
      }
      if (items.length === top) break;
    }
    return { items, next: items.length === top ? last : undefined };
  }

  /** The newest succeeded snapshot of a kind: what `latest` means. */
  async latestSucceeded(kind: string): Promise<SnapshotRecord | undefined> {
    for await (const record of this.list({ kind, status: ["succeeded"] })) return record;
    return undefined;
  }

  async delete(record: SnapshotRecord): Promise<void> {
    await this.table.deleteEntity(this.tenantId, manifestRowKey(record.id)!, { etag: record.etag });
  }

  private filter({ kind, status }: ManifestFilter): string {
    let filter = odata`PartitionKey eq ${this.tenantId}`;
    if (kind !== undefined) filter += ` and ${odata`kind eq ${kind}`}`;
    if (status !== undefined && status.length > 0) {
      filter += ` and (${status.map((one) => odata`status eq ${one}`).join(" or ")})`;
    }
    return filter;
  }

  private toEntity(record: Omit<SnapshotRecord, "etag"> & { etag?: string }): ManifestEntity {
    return {
      partitionKey: this.tenantId,
      rowKey: manifestRowKey(record.id)!,
      id: record.id,
      kind: record.kind,
      status: record.status,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt ?? "",
      counts: JSON.stringify(record.counts),
      error: record.error ?? "",
      partitionBits: record.partitionBits,
      position: JSON.stringify(record.position ?? null),
      checkpoints: record.checkpoints,
      epoch: record.epoch,
      resumeAfter: record.resumeAfter ?? "",
      progressAt: record.progressAt,
      retiredAt: record.retiredAt ?? "",
    };
  }
}

function fromEntity(entity: TableEntityResult<ManifestEntity>): SnapshotRecord {
  return {
    id: entity.id,
    kind: entity.kind,
    status: legacyStatus(entity),
    startedAt: entity.startedAt,
    finishedAt: entity.finishedAt === "" ? null : entity.finishedAt,
    counts: JSON.parse(entity.counts) as Record<string, number>,
    ...(entity.error === "" ? {} : { error: entity.error }),
    partitionBits: entity.partitionBits,
    position: JSON.parse(entity.position) as unknown,
    checkpoints: entity.checkpoints ?? 0,
    epoch: entity.epoch ?? 0,
    ...(entity.resumeAfter === undefined || entity.resumeAfter === "" ? {} : { resumeAfter: entity.resumeAfter }),
    progressAt: entity.progressAt,
    ...(entity.retiredAt === undefined || entity.retiredAt === "" ? {} : { retiredAt: entity.retiredAt }),
    etag: entity.etag,
  };
}

/** The public Snapshot shape, without the run's internals. */
export function publicSnapshot(record: SnapshotRecord): Snapshot {
  const { id, kind, status, startedAt, finishedAt, counts, resumeAfter, error } = record;
  return {
    id,
    kind,
    status,
    startedAt,
    finishedAt,
    counts,
    ...(status === "paused" && resumeAfter !== undefined ? { resumeAfter } : {}),
    ...(error === undefined ? {} : { error }),
  };
}

/** Which manifests to list: of one kind, in some statuses. */
export interface ManifestFilter {
  kind?: string;
  status?: readonly SnapshotStatus[];
}

/** Manifests written before the state machine kept `queued` and `paused` as a marker in a running run's position. */
function legacyStatus(entity: ManifestEntity): SnapshotStatus {
  if (entity.status !== "running" || entity.epoch !== undefined) return entity.status;
  const position = JSON.parse(entity.position) as { queued?: unknown; resumeAfter?: unknown } | null;
  if (position?.queued === true) return "queued";
  return typeof position?.resumeAfter === "string" ? "paused" : "running";
}
