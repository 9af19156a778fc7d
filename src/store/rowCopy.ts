import { odata, type TableClient } from "@azure/data-tables";
import type { StoredRow } from "./rowCodec";
import { prefetchOne } from "../common/prefetch";
import { readPages } from "./rowReader";
import { bucketOfRowKey, partitionKey, type RowSet } from "./rowKeys";

/** A snapshot's place in the table: its tenant, id and partition layout. */
export interface SnapshotPlace {
  tenantId: string;
  snapshotId: string;
  partitionBits: number;
}

/** Every partition of one row set of a snapshot, in key order. */
export function partitionsOf(place: SnapshotPlace, rowSet: RowSet): string[] {
  return Array.from({ length: 2 ** place.partitionBits }, (_, bucket) =>
    partitionKey(place.tenantId, place.snapshotId, rowSet, bucket),
  );
}

/**
 * The rows of the partitions from `first` up to (not including) `end`, whole (properties and all), in key order. The
 * next page is asked for while this one is handled, so storage never waits on the copy; a copy reads every page.
 */
export async function* rangeRows(
  table: TableClient,
  first: string,
  end: string,
): AsyncGenerator<Record<string, unknown>> {
  for await (const page of prefetchOne(readPages(table, odata`PartitionKey ge ${first} and PartitionKey lt ${end}`))) {
    yield* page;
  }
}

/**
 * A row read from one snapshot as a row of another: the same row key and properties, in the partition the other's
 * layout gives that key. What the service adds on reading (ETag, timestamp) is left behind.
 */
export function movedRow(row: Record<string, unknown>, to: SnapshotPlace, rowSet: RowSet): StoredRow {
  const { partitionKey: _partition, rowKey, etag: _etag, timestamp: _timestamp, ...properties } = row;
  const key = String(rowKey);
  return {
    ...properties,
    partitionKey: partitionKey(to.tenantId, to.snapshotId, rowSet, bucketOfRowKey(key, to.partitionBits)),
    rowKey: key,
  };
}
