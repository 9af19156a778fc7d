import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import { parseSnapshotId, type Snapshot, type SnapshotKind, type SnapshotStatus } from "./snapshot";

/** What a run keeps beside the public manifest: its layout and where to resume. */
export interface SnapshotRecord extends Snapshot {
  partitionBits: number;
  /** Opaque to the store: the sync's resume position, saved after every durable page. */
  position: unknown;
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
  kind: SnapshotKind;
  status: SnapshotStatus;
  startedAt: string;
  finishedAt: string;
  counts: string;
  error: string;
  partitionBits: number;
  position: string;
  progressAt: string;
  /** Absent on manifests written before retirement existed. */
  retiredAt?: string;
}

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
    private readonly tenantId: string,
  ) {}

  async create(snapshot: Snapshot, partitionBits: number): Promise<SnapshotRecord> {
    const entity = this.toEntity({
      ...snapshot,
      partitionBits,
      position: null,
      progressAt: snapshot.startedAt,
      etag: "",
    });
    const response = await this.table.createEntity(entity);
    return { ...snapshot, partitionBits, position: null, progressAt: snapshot.startedAt, etag: response.etag ?? "" };
  }

  /** Replaces the manifest only if nobody else changed it since `record` was read (optimistic concurrency). */
  async update(
    record: SnapshotRecord,
    changes: Partial<Omit<SnapshotRecord, "id" | "kind" | "etag">>,
  ): Promise<SnapshotRecord> {
    const next = { ...record, ...changes };
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

  /** Manifests newest first, optionally of one kind and status. */
  async *list(filter: { kind?: SnapshotKind; status?: SnapshotStatus } = {}): AsyncGenerator<SnapshotRecord> {
    for await (const entity of this.table.listEntities<ManifestEntity>({
      queryOptions: { filter: this.filter(filter) },
    })) {
      yield fromEntity(entity);
    }
  }

  /** One page of manifests for the API; the continuation token is the SDK's, wrapped by the caller. */
  async page(
    filter: { kind?: SnapshotKind },
    top: number,
    continuationToken: string | undefined,
  ): Promise<{ items: SnapshotRecord[]; continuationToken: string | undefined }> {
    const pages = this.table
      .listEntities<ManifestEntity>({ queryOptions: { filter: this.filter(filter) } })
      .byPage({ maxPageSize: top, continuationToken });
    const items: SnapshotRecord[] = [];
    let next: string | undefined;
    // The service may answer short or empty pages with a continuation; keep reading until the page is full.
    for await (const page of pages) {
      items.push(...page.map(fromEntity));
      next = page.continuationToken;
      if (items.length >= top || next === undefined) break;
    }
    return { items: items.slice(0, top), continuationToken: next };
  }

  /** The newest succeeded snapshot of a kind: what `latest` means. */
  async latestSucceeded(kind: SnapshotKind): Promise<SnapshotRecord | undefined> {
    for await (const record of this.list({ kind, status: "succeeded" })) return record;
    return undefined;
  }

  async delete(record: SnapshotRecord): Promise<void> {
    await this.table.deleteEntity(this.tenantId, manifestRowKey(record.id)!, { etag: record.etag });
  }

  private filter({ kind, status }: { kind?: SnapshotKind; status?: SnapshotStatus }): string {
    let filter = odata`PartitionKey eq ${this.tenantId}`;
    if (kind !== undefined) filter += ` and ${odata`kind eq ${kind}`}`;
    if (status !== undefined) filter += ` and ${odata`status eq ${status}`}`;
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
      progressAt: record.progressAt,
      retiredAt: record.retiredAt ?? "",
    };
  }
}

function fromEntity(entity: TableEntityResult<ManifestEntity>): SnapshotRecord {
  return {
    id: entity.id,
    kind: entity.kind,
    status: entity.status,
    startedAt: entity.startedAt,
    finishedAt: entity.finishedAt === "" ? null : entity.finishedAt,
    counts: JSON.parse(entity.counts) as Record<string, number>,
    ...(entity.error === "" ? {} : { error: entity.error }),
    partitionBits: entity.partitionBits,
    position: JSON.parse(entity.position) as unknown,
    progressAt: entity.progressAt,
    ...(entity.retiredAt === undefined || entity.retiredAt === "" ? {} : { retiredAt: entity.retiredAt }),
    etag: entity.etag,
  };
}

/** The public Snapshot shape, without the run's internals. */
export function publicSnapshot(record: SnapshotRecord): Snapshot {
  const { id, kind, status, startedAt, finishedAt, counts, error } = record;
  return { id, kind, status, startedAt, finishedAt, counts, ...(error === undefined ? {} : { error }) };
}
