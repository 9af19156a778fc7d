/**
 * Row layout. Every item is placed by a 32-bit hash of its id: the partition is the hash's top bits, and the row key
 * starts with the whole hash. So a snapshot spreads over many modest partitions (Azure and Azurite both slow down on
 * hot ones), and every snapshot lists in the same global (hash, id) order whatever its partition count, which lets
 * two snapshots be compared by a streaming merge.
 */

/**
 * Which family of rows of a snapshot (a kind declares its own: `users`, `workspaces`, `workspaceItems`, ...); part of
 * the partition key, so families never share a partition. Letters only: the key layout relies on it.
 */
export type RowSet = string;

/** FNV-1a: fast, stable across processes and versions, good enough spread for partitioning. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const hex8 = (value: number) => value.toString(16).padStart(8, "0");

/**
 * Keys may not contain `/ \ # ?` or control characters, and Graph/Power BI ids are not ours to trust, so the id part
 * is percent-encoded with those characters escaped, and `%`, `|` and `~`, which separate key parts and overflow rows.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what keys may not hold
const FORBIDDEN_IN_KEYS = /[%/\\#?~|\u0000-\u001f\u007f-\u009f]/g;

export function encodeKeyPart(value: string): string {
  return value.replace(FORBIDDEN_IN_KEYS, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export function decodeKeyPart(value: string): string {
  return value.replace(/%([0-9a-f]{2})/g, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
}

/**
 * Rows a partition is aimed at. `npm run bench` sweeps the layouts: Azurite writes partitions of ~200 rows about a
 * third faster than ~800 (each upsert there costs more as its partition grows), and a sync's bounded write buffer
 * still fills its transactions at this size; ~100 writes faster still in bare loops, but a sync's transactions then
 * go out half full. Readers size their queries by it (rowReader's rowsAfter). Real Table Storage caps a partition at
 * ~2,000 entities/s, which small partitions never approach.
 */
export const TARGET_ROWS_PER_PARTITION = 200;

/**
 * Bits of the hash that choose the partition (3 to 12: the partition number has three hex digits); stored in the
 * manifest, so the target can change without a migration and every stored snapshot keeps reading with its own.
 */
export function partitionBitsFor(expectedRows: number, targetRowsPerPartition = TARGET_ROWS_PER_PARTITION): number {
  const partitions = Math.max(1, expectedRows / targetRowsPerPartition);
  return Math.min(12, Math.max(3, Math.ceil(Math.log2(partitions))));
}

export function snapshotPrefix(tenantId: string, snapshotId: string): string {
  return `${tenantId}|${snapshotId}|`;
}

export function partitionKey(tenantId: string, snapshotId: string, rowSet: RowSet, bucket: number): string {
  return `${snapshotPrefix(tenantId, snapshotId)}${rowSet}|${bucket.toString(16).padStart(3, "0")}`;
}

/** The partition and row key of an item with the given id (and, for child rows, the rest of its key). */
export function itemKeys(
  tenantId: string,
  snapshotId: string,
  rowSet: RowSet,
  partitionBits: number,
  id: string,
  suffix = "",
): { partitionKey: string; rowKey: string } {
  const hash = hash32(id);
  const bucket = hash >>> (32 - partitionBits);
  return {
    partitionKey: partitionKey(tenantId, snapshotId, rowSet, bucket),
    rowKey: `${hex8(hash)}|${encodeKeyPart(id)}${suffix}`,
  };
}

/**
 * Child rows continue their parent's row key with an array name and the element's place in it, so a parent and its
 * children read back in one key range, in array order.
 */
export function childSuffix(array: string, index: number): string {
  return `|${array}|${String(index).padStart(6, "0")}`;
}

/** The partition bucket a row key belongs in under `partitionBits`: the top bits of the hash it starts with. */
export function bucketOfRowKey(rowKey: string, partitionBits: number): number {
  return Number.parseInt(rowKey.slice(0, 8), 16) >>> (32 - partitionBits);
}

/** Recovers the item id from a row key made by itemKeys (without suffix). */
export function idFromRowKey(rowKey: string): string {
  return decodeKeyPart(rowKey.slice(9).split("|")[0] ?? "");
}
