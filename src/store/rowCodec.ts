/**
 * Items are stored as JSON split across string properties, because Table Storage caps a string property at 64 KiB
 * (32K UTF-16 units), an entity at 1 MiB and 255 properties, and upstream field names like `@odata.type` are not
 * valid property names. An item too big for one entity continues in overflow rows that sort right after it.
 */

export type Columns = Record<string, string | number | boolean | undefined>;

export interface StoredRow {
  partitionKey: string;
  rowKey: string;
  [property: string]: unknown;
}

/** UTF-16 units per property; below the 32,768 limit with room for the service's accounting. */
export const CHUNK_CHARS = 30_000;
/** Chunk properties per entity: 15 × 60 KB keeps an entity well under 1 MiB with its other properties. */
export const CHUNKS_PER_ROW = 15;
/** Overflow rows continue a row key with this separator; `~` sorts after every hash and id character we emit. */
const OVERFLOW = "~";

const chunkName = (index: number) => `j${index}`;

/** Encodes one item (plus queryable index columns) into one or more rows. */
export function encodeItem(partitionKey: string, rowKey: string, item: unknown, columns: Columns = {}): StoredRow[] {
  const json = JSON.stringify(item);
  const rows: StoredRow[] = [];
  const perRow = CHUNK_CHARS * CHUNKS_PER_ROW;
  for (let start = 0, part = 0; start < json.length || part === 0; start += perRow, part++) {
    const row: StoredRow = {
      partitionKey,
      rowKey: part === 0 ? rowKey : `${rowKey}${OVERFLOW}${String(part).padStart(4, "0")}`,
    };
    const slice = json.slice(start, start + perRow);
    for (let chunk = 0; chunk * CHUNK_CHARS < slice.length || chunk === 0; chunk++) {
      row[chunkName(chunk)] = slice.slice(chunk * CHUNK_CHARS, (chunk + 1) * CHUNK_CHARS);
    }
    if (part === 0) {
      row.parts = Math.max(1, Math.ceil(json.length / perRow));
      for (const [name, value] of Object.entries(columns)) if (value !== undefined) row[name] = clampColumn(value);
    }
    rows.push(row);
  }
  return rows;
}

/** Index columns are for filtering only; the item itself is always whole in the chunks. */
function clampColumn(value: string | number | boolean): string | number | boolean {
  return typeof value === "string" ? value.slice(0, CHUNK_CHARS) : value;
}

/** The JSON text held by one row's chunks. */
function rowText(row: Record<string, unknown>): string {
  let text = "";
  for (let chunk = 0; typeof row[chunkName(chunk)] === "string"; chunk++) text += row[chunkName(chunk)] as string;
  return text;
}

/** True for rows that continue an item rather than start one. */
export function isOverflowRow(rowKey: string): boolean {
  return rowKey.includes(OVERFLOW);
}

/**
 * Rows in key order, grouped: each item's row with the overflow rows that continue it. A group is handed out as soon
 * as it is whole (`parts` says how many rows to expect), so a reader that stops after it asks storage for nothing
 * more; an overflow row that continues nothing is an error.
 */
export async function* rowGroups(
  rows: AsyncIterable<Record<string, unknown>>,
): AsyncGenerator<Record<string, unknown>[]> {
  let group: Record<string, unknown>[] | undefined;
  for await (const row of rows) {
    const rowKey = String(row.rowKey);
    if (isOverflowRow(rowKey)) {
      if (group === undefined || !rowKey.startsWith(String(group[0]!.rowKey))) {
        throw new Error(`orphan overflow row ${rowKey}`);
      }
      group.push(row);
    } else {
      if (group !== undefined) yield group;
      group = [row];
    }
    if (group.length === Number(group[0]!.parts ?? 1)) {
      yield group;
      group = undefined;
    }
  }
  if (group !== undefined) yield group;
}

/** The item one group of rows holds; a group missing some of its `parts` is an error rather than a cut item. */
export function decodeGroup<T>(group: readonly Record<string, unknown>[]): {
  rowKey: string;
  row: Record<string, unknown>;
  item: T;
} {
  const row = group[0]!;
  const rowKey = String(row.rowKey);
  const parts = Number(row.parts ?? 1);
  if (group.length !== parts) throw new Error(`row ${rowKey} has ${group.length} of ${parts} parts`);
  return { rowKey, row, item: JSON.parse(group.map(rowText).join("")) as T };
}

/** Reassembles items from rows in key order (see rowGroups and decodeGroup). */
export async function* decodeItems<T>(
  rows: AsyncIterable<Record<string, unknown>>,
): AsyncGenerator<{ rowKey: string; row: Record<string, unknown>; item: T }> {
  for await (const group of rowGroups(rows)) yield decodeGroup<T>(group);
}
