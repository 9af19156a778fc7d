import { odata, type TableClient } from "@azure/data-tables";
import { itemKeys, partitionKey, snapshotPrefix } from "../src/store/rowKeys";

/** Where one sampled page starts: the API's token for it, and the row key of the item just before it. */
export interface PagePosition {
  token: string | undefined;
  after: string | undefined;
}

export interface UsersSnapshot {
  tenantId: string;
  snapshotId: string;
  partitionBits: number;
}

interface UsersPage {
  snapshotId: string;
  items: { id: string }[];
  continuationToken: string | null;
}

/**
 * Walks the whole users snapshot over HTTP in pages of 1,000 and keeps every page start: about one position per
 * thousand users, spread evenly, each as the API's token and as the row key a direct read resumes after.
 */
export async function collectPositions(baseUrl: string, snapshot: UsersSnapshot): Promise<PagePosition[]> {
  const positions: PagePosition[] = [{ token: undefined, after: undefined }];
  let token: string | undefined;
  // A full last page still gets a token, to an empty page: a position counts once its page has items.
  let pending: PagePosition | undefined;
  do {
    const url = `${baseUrl}/api/snapshots/latest/users?top=1000${token === undefined ? "" : `&continuationToken=${encodeURIComponent(token)}`}`;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as UsersPage;
    if (page.snapshotId !== snapshot.snapshotId) throw new Error(`latest is ${page.snapshotId}, not the benchmark's`);
    const last = page.items.at(-1);
    if (pending !== undefined && last !== undefined) positions.push(pending);
    token = page.continuationToken ?? undefined;
    pending = undefined;
    if (token !== undefined && last !== undefined) {
      const { rowKey } = itemKeys(snapshot.tenantId, snapshot.snapshotId, "users", snapshot.partitionBits, last.id);
      pending = { token, after: rowKey };
    }
  } while (token !== undefined);
  return positions;
}

/**
 * The same page read straight through TableClient: the `top` rows after the position, in key order. That is the rest
 * of the position's partition and, when it ends first, the partitions after it: the least storage work the page
 * takes. Returns the rows read; the caller only times it.
 */
export async function readPageDirect(
  table: TableClient,
  snapshot: UsersSnapshot,
  position: PagePosition,
  top: number,
): Promise<number> {
  const prefix = `${snapshotPrefix(snapshot.tenantId, snapshot.snapshotId)}users`;
  const end = `${prefix}}`;
  let rest = odata`PartitionKey ge ${`${prefix}|`} and PartitionKey lt ${end}`;
  let rows = 0;
  if (position.after !== undefined) {
    const bucket = Number.parseInt(position.after.slice(0, 8), 16) >>> (32 - snapshot.partitionBits);
    const current = partitionKey(snapshot.tenantId, snapshot.snapshotId, "users", bucket);
    rows += await readUpTo(table, odata`PartitionKey eq ${current} and RowKey gt ${position.after}`, top);
    rest = odata`PartitionKey gt ${current} and PartitionKey lt ${end}`;
  }
  if (rows < top) rows += await readUpTo(table, rest, top - rows);
  return rows;
}

async function readUpTo(table: TableClient, filter: string, count: number): Promise<number> {
  let rows = 0;
  for await (const page of table.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: count })) {
    rows += page.length;
    if (rows >= count) break;
  }
  return rows;
}
