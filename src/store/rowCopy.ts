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
 * Partitions a copy reads in one query. Azurite sorts every row a query still matches for each page it returns, so a
 * query over a whole row set costs it time that grows with the square of its rows (100,000 rows of 256 partitions in
 * a table of 200,000: 45 s in one query, 18 s to 20 s in queries of 2 to 32 partitions, 31 s of one); the service
 * reads a range in pages either way. `npm run bench` reads the catalog's floor at several spans (65,954 carried rows
 * of ~64 a partition: 38.6 s at 2 a query, 9.8 s at 16, 8.2 s at 64), as each query costs a pass over the table.
 */
export const PARTITIONS_PER_QUERY = 16;

/**
 * The rows of `partitions` (in key order) from index `first` on, whole (properties and all), in key order, in queries
 * of `span` partitions. The next page, of this query or the next, is asked for while this one is handled, so storage
 * never waits on the copy; a copy reads every page.
 */
export async function* partitionRows(
  table: TableClient,
  partitions: readonly string[],
  first = 0,
  span = PARTITIONS_PER_QUERY,
): AsyncGenerator<Record<string, unknown>> {
  for await (const page of prefetchOne(partitionPages(table, partitions, first, span))) yield* page;
}

async function* partitionPages(
  table: TableClient,
  partitions: readonly string[],
  first: number,
  span: number,
): AsyncGenerator<Record<string, unknown>[]> {
  for (let start = first; start < partitions.length; start += span) {
    const end = start + span < partitions.length ? partitions[start + span]! : `${partitions.at(-1)!}~`;
    yield* readPages(table, odata`PartitionKey ge ${partitions[start]!} and PartitionKey lt ${end}`);
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
