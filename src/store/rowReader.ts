import { odata, type TableClient } from "@azure/data-tables";
import { decodeItems, isOverflowRow } from "./rowCodec";
import { snapshotPrefix, type RowSet } from "./rowKeys";

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
export async function* readRows(table: TableClient, filter: string, select?: string[]): AsyncGenerator<Row> {
  const queryOptions = select === undefined ? { filter } : { filter, select };
  for await (const page of table.listEntities<Row>({ queryOptions }).byPage({ maxPageSize: 1000 })) yield* page;
}

/** Every item matching a filter, reassembled from its rows, in key order. */
export function readItems<T>(table: TableClient, filter: string) {
  return decodeItems<T>(readRows(table, filter));
}

/**
 * Up to `top` items and the continuation to the rest. The service may answer short or empty pages, and an item may
 * span overflow rows, so this keeps reading until the page is full and its last item whole.
 */
export async function readItemsPage<T>(
  table: TableClient,
  filter: string,
  top: number,
  continuationToken: string | undefined,
): Promise<{ items: T[]; continuationToken: string | undefined }> {
  const rows: Row[] = [];
  let token = continuationToken;
  do {
    const wanted = Math.max(top - countItems(rows), missingParts(rows), 1);
    const iterator = table
      .listEntities<Row>({ queryOptions: { filter } })
      .byPage({ maxPageSize: wanted, continuationToken: token });
    const page = await iterator.next();
    if (page.done === true) break;
    rows.push(...page.value);
    token = page.value.continuationToken;
  } while (token !== undefined && (countItems(rows) < top || missingParts(rows) > 0));
  const items: T[] = [];
  for await (const { item } of decodeItems<T>(toAsync(rows))) items.push(item);
  return { items, continuationToken: token };
}

function countItems(rows: Row[]): number {
  return rows.filter((row) => !isOverflowRow(String(row.rowKey))).length;
}

/** Overflow rows still owed to the last item read. */
function missingParts(rows: Row[]): number {
  let index = rows.length - 1;
  while (index >= 0 && isOverflowRow(String(rows[index]!.rowKey))) index--;
  if (index < 0) return 0;
  return Number(rows[index]!.parts ?? 1) - (rows.length - index);
}

async function* toAsync<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}
