import { TableClient } from "@azure/data-tables";
import { startStorageProxy, type StorageProxy } from "../../bench/storageProxy";
import { partitionRows, PARTITIONS_PER_QUERY } from "../../src/store/rowCopy";
import { RowWriter } from "../../src/store/rowWriter";
import { freshTable, TEST_TABLE_OPTIONS } from "../support/freshTable";

/** 40 partitions of 30 rows, and a partition after them that is not asked for. */
const PARTITIONS = Array.from({ length: 40 }, (_, index) => `t|s|items|${index.toString(16).padStart(3, "0")}`);
const ROWS = 30;

let proxy: StorageProxy;
let table: TableClient;
/** Every row's partition and row key, in key order: the expectation. */
const keys: string[] = [];

beforeAll(async () => {
  const { connection, name, table: direct } = await freshTable("Copy");
  const writer = new RowWriter(direct);
  for (const partitionKey of [...PARTITIONS, "t|s|items}"]) {
    for (let index = 0; index < ROWS; index++) {
      const rowKey = String(index).padStart(4, "0");
      await writer.write([{ partitionKey, rowKey, j0: "{}" }]);
      if (partitionKey !== "t|s|items}") keys.push(`${partitionKey} ${rowKey}`);
    }
  }
  await writer.flush();
  proxy = await startStorageProxy(connection);
  table = TableClient.fromConnectionString(proxy.connectionString, name, TEST_TABLE_OPTIONS);
});
afterAll(() => proxy?.close());

async function read(first: number, span?: number): Promise<string[]> {
  proxy.reset();
  const read: string[] = [];
  for await (const row of partitionRows(table, PARTITIONS, first, span)) {
    read.push(`${String(row.partitionKey)} ${String(row.rowKey)}`);
  }
  return read;
}

describe("partitionRows: a copy's read, a few partitions a query", () => {
  it("reads every row of the partitions from the first asked for, in key order, and nothing after them", async () => {
    expect(await read(0)).toEqual(keys);
    expect(await read(7)).toEqual(keys.slice(7 * ROWS));
    expect(await read(39, 4)).toEqual(keys.slice(39 * ROWS));
  });

  it("asks for `span` partitions a query, so Azurite sorts a few partitions' rows per page, not the rest of all", async () => {
    await read(0, 4);
    expect(proxy.requests).toHaveLength(10);
    await read(0);
    expect(proxy.requests).toHaveLength(Math.ceil(PARTITIONS.length / PARTITIONS_PER_QUERY));
    expect(proxy.requests.every((request) => request.includes("PartitionKey ge"))).toBe(true);
  });
});
