import { odata, type TableClient } from "@azure/data-tables";
import { DEFAULT_WRITER_OPTIONS, RowWriter } from "../../src/store/rowWriter";
import type { StoredRow } from "../../src/store/rowCodec";
import { freshTable } from "../support/freshTable";

const PARTITIONS = 128;
const ROWS_PER_PARTITION = 150;

let table: TableClient;

beforeAll(async () => {
  ({ table } = await freshTable("Writer"));
});

/** Rows spread over the partitions in turn, as hashed ids arrive from a source: no partition fills on its own. */
function interleavedRows(prefix: string): StoredRow[] {
  const rows: StoredRow[] = [];
  for (let index = 0; index < ROWS_PER_PARTITION; index++) {
    for (let partition = 0; partition < PARTITIONS; partition++) {
      rows.push({
        partitionKey: `${prefix}|${partition}`,
        rowKey: String(index).padStart(6, "0"),
        j0: "x".repeat(300),
      });
    }
  }
  return rows;
}

async function stored(prefix: string): Promise<number> {
  const filter = odata`PartitionKey ge ${`${prefix}|`} and PartitionKey lt ${`${prefix}}`}`;
  let count = 0;
  for await (const page of table.listEntities({ queryOptions: { filter, select: ["RowKey"] } }).byPage()) {
    count += page.length;
  }
  return count;
}

describe("RowWriter batching", () => {
  it("keeps batches close to full when rows arrive spread over many partitions", async () => {
    const writer = new RowWriter(table);
    for (const row of interleavedRows("full")) await writer.write([row]);
    await writer.flush();
    const minimum = PARTITIONS * Math.ceil(ROWS_PER_PARTITION / 100);
    expect(writer.stats.rows).toBe(PARTITIONS * ROWS_PER_PARTITION);
    expect(writer.stats.transactions).toBeGreaterThanOrEqual(minimum);
    expect(writer.stats.transactions).toBeLessThanOrEqual(Math.ceil(minimum * 1.15));
    expect(await stored("full")).toBe(PARTITIONS * ROWS_PER_PARTITION);
  });

  it("still writes everything, in smaller batches, when its buffer is bounded tighter", async () => {
    const options = { ...DEFAULT_WRITER_OPTIONS, bufferedRowsPerPartition: 10, minBufferedRows: 0 };
    const writer = new RowWriter(table, options);
    for (const row of interleavedRows("tight")) await writer.write([row]);
    await writer.flush();
    expect(writer.stats.transactions).toBeGreaterThan(3 * PARTITIONS * Math.ceil(ROWS_PER_PARTITION / 100));
    expect(await stored("tight")).toBe(PARTITIONS * ROWS_PER_PARTITION);
  });
});
