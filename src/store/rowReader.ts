import { odata, type TableClient } from "@azure/data-tables";
import { decodeItems, isOverflowRow } from "./rowCodec";
import { bucketOfRowKey, partitionKey, snapshotPrefix, TARGET_ROWS_PER_PARTITION, type RowSet } from "./rowKeys";

type Row = Record<string, unknown>;

/** The filter for every row of one row set of a snapshot: a range over its partitions. */
export function rowSetFilter(tenantId: string, snapshotId: string, rowSet: RowSet, extra?: string): string {
  const start = `${snapshotPrefix(tenantId, snapshotId)}${rowSet}|`;
  const end = `${snapshotPrefix(tenantId, snapshotId)}${rowSet}}`;
  const range = odata`PartitionKey ge ${start} and PartitionKey lt ${end}`;
  return extra === undefined ? range : `${range} and (${extra})`;
}

/** The filter for every row of a snapshot, whatever its row set. */
export function snapshotFilter(tenantId: string, snapshotId: string): string {
  const prefix = snapshotPrefix(tenantId, snapshotId);
  return odata`PartitionKey ge ${prefix} and PartitionKey lt ${`${prefix.slice(0, -1)}}`}`;
}

/** Every row matching a filter, page by page, in key order. */
export async function* readRows(
  table: TableClient,
  filter: string,
  select?: string[],
  pageSize = 1000,
): AsyncGenerator<Row> {
  for await (const page of readPages(table, filter, select, pageSize)) yield* page;
}

/** The service's pages of the rows matching a filter, in key order. */
export function readPages(
  table: TableClient,
  filter: string,
  select?: string[],
  pageSize = 1000,
): AsyncIterable<Row[]> {
  const queryOptions = select === undefined ? { filter } : { filter, select };
  return table.listEntities<Row>({ queryOptions }).byPage({ maxPageSize: pageSize });
}

/** Every item matching a filter, reassembled from its rows, in key order. */
export function readItems<T>(table: TableClient, filter: string) {
  return decodeItems<T>(readRows(table, filter));
}

/** One row set of one snapshot, with the partition layout its keys were made with. */
export interface RowSetRange {
  tenantId: string;
  snapshotId: string;
  rowSet: RowSet;
  partitionBits: number;
  /**
   * How many items the row set holds, when known (the manifest counts them): a read then spans the partitions a
   * page needs at the row set's own density, which is far below the snapshot's target in a small row set.
   */
  items?: number;
}

export interface ReadAfterOptions {
  /** Row key of the last item already read: reading resumes right after it (and after its overflow rows). */
  after?: string;
  /** An OData condition on index columns, ANDed to the key range. */
  columns?: string;
  /** Rows per service page; small pages for small answers. */
  pageSize?: number;
}

/**
 * Items of a row set in key order, which is (hash, id) order in every snapshot whatever its partition count; that is
 * what lets a page or a diff of two snapshots resume from a row key alone. See rowsAfter for the queries.
 */
export function readItemsAfter<T>(table: TableClient, range: RowSetRange, options: ReadAfterOptions = {}) {
  return decodeItems<T>(skipLeadingOverflow(rowsAfter(table, range, options)));
}

/**
 * The rows after a row key, in queries over a few partitions at a time. A partition holds the row keys whose hash
 * starts with its number, so every row key of a later partition sorts after every one of an earlier partition:
 * `RowKey gt after` over a range of partitions from the one `after` is in is exactly what follows it, in one query
 * and never an `or`, which the service would scan. A range starts at about a page's worth of partitions, so that a
 * page costs one query and Azurite, which sorts every row a query matches, sorts about a page: at the row set's own
 * density when the range knows its item count, else at the snapshot's target. After a range that held less than a
 * page (a filter that matches little), it grows by what the range's density says a page needs, so a sparse read
 * still takes a few queries.
 */
async function* rowsAfter(table: TableClient, range: RowSetRange, options: ReadAfterOptions): AsyncGenerator<Row> {
  const { tenantId, snapshotId, rowSet, partitionBits } = range;
  const pageSize = options.pageSize ?? 1000;
  const partitions = 2 ** partitionBits;
  const keyOf = (bucket: number) =>
    bucket < partitions
      ? partitionKey(tenantId, snapshotId, rowSet, bucket)
      : `${snapshotPrefix(tenantId, snapshotId)}${rowSet}}`;
  const after = options.after;
  let from = after === undefined ? 0 : bucketOfRowKey(after, partitionBits);
  const perPartition = range.items === undefined ? TARGET_ROWS_PER_PARTITION : Math.max(1, range.items / partitions);
  // Three standard deviations over a page, since the hash fills partitions unevenly; one more for the partial first.
  let span = Math.ceil((pageSize + 3 * Math.sqrt(pageSize)) / perPartition) + 1;
  while (from < partitions) {
    const to = Math.min(partitions, from + span);
    let keys = odata`PartitionKey ge ${keyOf(from)} and PartitionKey lt ${keyOf(to)}`;
    if (after !== undefined) keys += odata` and RowKey gt ${after}`;
    const rows =
      options.columns === undefined
        ? readRows(table, keys, undefined, pageSize)
        : withOverflowRows(table, readRows(table, `${keys} and (${options.columns})`, undefined, pageSize));
    let read = 0;
    for await (const row of rows) {
      read++;
      yield row;
    }
    // Too few for a page: as many more partitions as this range's density says a page needs (at most eight times).
    if (read < pageSize) span *= Math.min(8, Math.max(2, Math.ceil(pageSize / Math.max(1, read))));
    from = to;
  }
}

/** A resumed read starts with the overflow rows of the item it resumes after; they belong to the page before. */
async function* skipLeadingOverflow(rows: AsyncIterable<Row>): AsyncGenerator<Row> {
  let started = false;
  for await (const row of rows) {
    started ||= !isOverflowRow(String(row.rowKey));
    if (started) yield row;
  }
}

/** Overflow rows carry no index columns, so a column filter drops them: fetch them beside the row they continue. */
async function* withOverflowRows(table: TableClient, rows: AsyncIterable<Row>): AsyncGenerator<Row> {
  for await (const row of rows) {
    const rowKey = String(row.rowKey);
    if (isOverflowRow(rowKey)) continue;
    yield row;
    if (Number(row.parts ?? 1) > 1) {
      const partition = String(row.partitionKey);
      // Overflow keys are `${rowKey}~0001`, ... (rowCodec.ts): exactly the keys between `${rowKey}~` and `${rowKey}~~`.
      const overflow = odata`PartitionKey eq ${partition} and RowKey gt ${`${rowKey}~`} and RowKey lt ${`${rowKey}~~`}`;
      yield* readRows(table, overflow);
    }
  }
}
