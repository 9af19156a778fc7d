import {
  decodeKeyPart,
  encodeKeyPart,
  hash32,
  idFromRowKey,
  itemKeys,
  partitionBitsFor,
} from "../../src/store/rowKeys";

describe("row keys", () => {
  it.each(["plain", "a/b\\c#d?e", "tab\there", "50% off", "pipe|tilde~", "é😀中文", "\u007f\u0085"])(
    "round-trips %j through a key without forbidden characters",
    (id) => {
      const encoded = encodeKeyPart(id);
      // eslint-disable-next-line no-control-regex
      expect(encoded).not.toMatch(/[/\\#?|~\u0000-\u001f\u007f-\u009f]/);
      expect(decodeKeyPart(encoded)).toBe(id);
    },
  );

  it("places an item by its hash and recovers its id", () => {
    const keys = itemKeys("t", "s", "users", 4, "user/1");
    const hash = hash32("user/1");
    expect(keys.partitionKey).toBe(`t|s|users|${(hash >>> 28).toString(16).padStart(3, "0")}`);
    expect(keys.rowKey.startsWith(hash.toString(16).padStart(8, "0"))).toBe(true);
    expect(idFromRowKey(keys.rowKey)).toBe("user/1");
  });

  it("orders rows the same way whatever the partition count", () => {
    const ids = Array.from({ length: 500 }, (_, index) => `id-${index}`);
    const order = (bits: number) =>
      ids
        .map((id) => itemKeys("t", "s", "users", bits, id))
        .sort((a, b) => (a.partitionKey + a.rowKey < b.partitionKey + b.rowKey ? -1 : 1))
        .map((keys) => idFromRowKey(keys.rowKey));
    expect(order(3)).toEqual(order(8));
    expect(order(3)).toEqual(order(12));
  });

  it("spreads rows over partitions evenly", () => {
    const counts = new Map<string, number>();
    for (let index = 0; index < 16_000; index++) {
      const { partitionKey } = itemKeys(
        "t",
        "s",
        "users",
        4,
        `00000000-0000-0000-0000-${String(index).padStart(12, "0")}`,
      );
      counts.set(partitionKey, (counts.get(partitionKey) ?? 0) + 1);
    }
    expect(counts.size).toBe(16);
    for (const count of counts.values()) expect(count).toBeGreaterThan(700);
  });

  it.each([
    [0, 3],
    [1_600, 3],
    [3_000, 4],
    [100_000, 9],
    [800_000, 12],
    [10_000_000, 12],
  ])("chooses partition bits for %i expected rows", (rows, bits) => {
    expect(partitionBitsFor(rows)).toBe(bits);
  });
});
