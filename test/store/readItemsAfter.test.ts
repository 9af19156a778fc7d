import { createHash, randomUUID } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { startStorageProxy, type StorageProxy } from "../../bench/storageProxy";
import { encodeItem } from "../../src/store/rowCodec";
import { itemKeys } from "../../src/store/rowKeys";
import { readItemsAfter, type RowSetRange } from "../../src/store/rowReader";
import { RowWriter } from "../../src/store/rowWriter";
import { freshTable, TEST_TABLE_OPTIONS } from "../support/freshTable";

/** 3,000 items over 16 partitions: about 190 a partition, near the product's target of 200. */
const ITEMS = 3_000;
const RANGE: RowSetRange = { tenantId: randomUUID(), snapshotId: "s1", rowSet: "things", partitionBits: 4 };
/**
 * A small row set beside it, as a snapshot's smaller row sets are: 1,000 items over 128 partitions, about 8 a
 * partition. Their ids are random-looking, as Graph's and Power BI's are, so the hash spreads them evenly.
 */
const SPARSE_ITEMS = 1_000;
const sparseId = (index: number) => createHash("sha256").update(`few-${index}`).digest("hex").slice(0, 32);
const SPARSE: RowSetRange = { ...RANGE, rowSet: "few", partitionBits: 7 };

let proxy: StorageProxy;
let table: TableClient;
/** Every item's row key, in the order the row set lists: the expectation, written here from the keys alone. */
let order: string[];
let sparseOrder: string[];

beforeAll(async () => {
  const { connection, name, table: direct } = await freshTable("Reads");
  const writer = new RowWriter(direct);
  order = [];
  for (let index = 0; index < ITEMS; index++) {
    const id = `thing-${index}`;
    const keys = itemKeys(RANGE.tenantId, RANGE.snapshotId, RANGE.rowSet, RANGE.partitionBits, id);
    order.push(keys.rowKey);
    await writer.write(encodeItem(keys.partitionKey, keys.rowKey, { id }, { even: index % 2 === 0 }));
  }
  sparseOrder = [];
  for (let index = 0; index < SPARSE_ITEMS; index++) {
    const id = sparseId(index);
    const keys = itemKeys(SPARSE.tenantId, SPARSE.snapshotId, SPARSE.rowSet, SPARSE.partitionBits, id);
    sparseOrder.push(keys.rowKey);
    await writer.write(encodeItem(keys.partitionKey, keys.rowKey, { id }, {}));
  }
  await writer.flush();
  order.sort();
  sparseOrder.sort();
  proxy = await startStorageProxy(connection);
  table = TableClient.fromConnectionString(proxy.connectionString, name, TEST_TABLE_OPTIONS);
});
afterAll(() => proxy?.close());

async function keysAfter(after: string | undefined, top: number, columns?: string, range = RANGE): Promise<string[]> {
  const keys: string[] = [];
  const options = { pageSize: top, ...(after === undefined ? {} : { after }), ...(columns ? { columns } : {}) };
  for await (const { rowKey } of readItemsAfter(table, range, options)) {
    keys.push(rowKey);
    if (keys.length === top) break;
  }
  return keys;
}

describe("readItemsAfter: the rows after a key, over a few partitions a query", () => {
  it("reads a page of 100 after any item in one storage request, across partition ends", async () => {
    for (let sample = 0; sample < 30; sample++) {
      const at = Math.floor(((sample + 0.5) / 30) * (ITEMS - 400));
      proxy.reset();
      const page = await keysAfter(order[at], 100);
      expect({ at, page, requests: proxy.requests.length }).toEqual({
        at,
        page: order.slice(at + 1, at + 101),
        requests: 1,
      });
    }
  });

  it("lists every item in order, to the last one", async () => {
    expect(await keysAfter(undefined, ITEMS + 1)).toEqual(order);
    expect(await keysAfter(order.at(-2), 10)).toEqual(order.slice(-1));
  });

  it("reads a filter's matches in order, and one that matches nothing in a few requests", async () => {
    const isEven = (rowKey: string) => Number(rowKey.split("-")[1]) % 2 === 0;
    expect(await keysAfter(order[100], ITEMS, "even eq true")).toEqual(order.slice(101).filter(isEven));
    proxy.reset();
    expect(await keysAfter(undefined, 100, "even eq 'neither'")).toEqual([]);
    // Two partitions, then the other fourteen (eight times as many, at most): two requests, not one a partition.
    expect(proxy.requests.length).toBe(2);
  });

  it("reads a page of a sparse row set in one request when the range knows its item count", async () => {
    const requestsOf = async (range: RowSetRange) => {
      const requests: number[] = [];
      for (let sample = 0; sample < 30; sample++) {
        const at = Math.floor(((sample + 0.5) / 30) * (SPARSE_ITEMS - 200));
        proxy.reset();
        expect(await keysAfter(sparseOrder[at], 100, undefined, range)).toEqual(sparseOrder.slice(at + 1, at + 101));
        requests.push(proxy.requests.length);
      }
      return Math.max(...requests);
    };
    // Sized at the snapshot's target, a range of two partitions holds about 16 of the 100: more requests follow.
    expect(await requestsOf(SPARSE)).toBeGreaterThan(1);
    expect(await requestsOf({ ...SPARSE, items: SPARSE_ITEMS })).toBe(1);
  });
});
