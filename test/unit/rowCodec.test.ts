import { CHUNK_CHARS, CHUNKS_PER_ROW, decodeItems, encodeItem } from "../../src/store/rowCodec";

async function* rowsOf(rows: Record<string, unknown>[]) {
  for (const row of rows) yield await Promise.resolve(row);
}

async function decode(rows: Record<string, unknown>[]) {
  const items: unknown[] = [];
  for await (const { item } of decodeItems(rowsOf(rows))) items.push(item);
  return items;
}

/** Table Storage limits: 64 KiB per string property (UTF-16), 1 MiB per entity, 255 properties. */
function assertWithinLimits(row: Record<string, unknown>) {
  expect(Object.keys(row).length).toBeLessThanOrEqual(252);
  let bytes = 0;
  for (const value of Object.values(row)) {
    if (typeof value === "string") {
      expect(value.length * 2).toBeLessThanOrEqual(64 * 1024);
      bytes += value.length * 2;
    }
  }
  expect(bytes).toBeLessThan(1024 * 1024);
}

describe("row codec", () => {
  it("stores a small item in one row with its columns", async () => {
    const item = { id: "1", "@odata.type": "#microsoft.graph.user", name: "O'Brien 😀", nested: { list: [1, null] } };
    const rows = encodeItem("pk", "rk", item, { userType: "Member", accountEnabled: false, skipped: undefined });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      partitionKey: "pk",
      rowKey: "rk",
      parts: 1,
      userType: "Member",
      accountEnabled: false,
    });
    expect(rows[0]).not.toHaveProperty("skipped");
    expect(await decode(rows)).toEqual([item]);
  });

  it("splits a value over 64 KiB across properties", async () => {
    const item = { id: "big", jobTitle: "x".repeat(100_000) };
    const rows = encodeItem("pk", "rk", item);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).filter((name) => /^j\d+$/.test(name))).toHaveLength(4);
    rows.forEach(assertWithinLimits);
    expect(await decode(rows)).toEqual([item]);
  });

  it("continues an item over 1 MiB in overflow rows that sort right after it", async () => {
    const item = { id: "huge", values: Array.from({ length: 40_000 }, (_, index) => `value-${index}-中文`) };
    const rows = encodeItem("pk", "00ab|huge", item);
    expect(JSON.stringify(item).length).toBeGreaterThan(CHUNK_CHARS * CHUNKS_PER_ROW);
    expect(rows.length).toBeGreaterThan(1);
    rows.forEach(assertWithinLimits);
    const keys = rows.map((row) => row.rowKey);
    expect([...keys].sort()).toEqual(keys);
    expect(keys.every((key) => key < "00ab|hugf")).toBe(true);
    const neighbour = encodeItem("pk", "00ab|hugf", { id: "next" });
    expect(await decode([...rows, ...neighbour])).toEqual([item, { id: "next" }]);
  });

  it("refuses to return an item whose overflow rows are missing", async () => {
    const rows = encodeItem("pk", "rk", { id: "huge", text: "y".repeat(CHUNK_CHARS * CHUNKS_PER_ROW + 10) });
    await expect(decode(rows.slice(0, 1))).rejects.toThrow("has 1 of 2 parts");
  });
});
