import type { TableClient } from "@azure/data-tables";
import { readItemsAfter, type RowSetRange } from "../../store/rowReader";
import type { DiffDeclaration } from "./diffDeclaration";
import type { Keyed } from "./mergeJoin";

/** An item and the arrays kept in its child rows, as two snapshots are compared. */
export interface WholeItem {
  item: Record<string, unknown>;
  arrays: Record<string, unknown[]>;
}

/**
 * The items of a snapshot with their child arrays, in key order. Child rows are keyed `${item row key}|array|n` in
 * partitions chosen by the same hash, so items and children are two streams in the same order, merged here: memory
 * is one item, not the snapshot.
 */
export async function* wholeItems(
  table: TableClient,
  range: Omit<RowSetRange, "rowSet">,
  declaration: DiffDeclaration,
  after: string | undefined,
): AsyncGenerator<Keyed<WholeItem>> {
  const items = readItemsAfter<Record<string, unknown>>(table, { ...range, rowSet: declaration.rowSet }, { after });
  const children = declaration.children;
  if (children === undefined) {
    for await (const { rowKey, item } of items) yield { rowKey, item: { item, arrays: {} } };
    return;
  }
  const names = Object.keys(children.arrays);
  const childRows = readItemsAfter<unknown>(table, { ...range, rowSet: children.rowSet }, { after })[
    Symbol.asyncIterator
  ]();
  try {
    let child = await childRows.next();
    for await (const { rowKey, item } of items) {
      const arrays = Object.fromEntries(names.map((name): [string, unknown[]] => [name, []]));
      // Children of items before this one (resumed past, or orphaned) are passed over.
      while (child.done !== true) {
        const [hash, id, array] = child.value.rowKey.split("|");
        const owner = `${hash}|${id}`;
        if (owner > rowKey) break;
        if (owner === rowKey) arrays[array ?? ""]?.push(child.value.item);
        child = await childRows.next();
      }
      yield { rowKey, item: { item, arrays } };
    }
  } finally {
    await childRows.return(undefined);
  }
}
