import type { StoredRow } from "../store/rowCodec";
import type { SnapshotKind } from "../store/snapshot";
import type { SourcePage } from "../sources/sourcePage";

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

/** What the sync engine needs to know about one kind of snapshot. */
export interface KindSync<T> {
  readonly kind: SnapshotKind;
  /** Counts every snapshot of this kind reports, zero included. */
  readonly countNames: readonly string[];
  /** Resumable kinds save their position after every page and continue a paused snapshot on the next run. */
  readonly resumable: boolean;
  pages(from: unknown): AsyncIterable<SourcePage<T>>;
  /** The item's id, for de-duplication across unstable pages. */
  idOf(item: T): string;
  toRows(item: T, layout: RowLayout): ItemRows;
}
