import { odata, type TableClient } from "@azure/data-tables";
import type { SnapshotRecord } from "../../store/manifestStore";
import { readItems } from "../../store/rowReader";
import { itemKeys } from "../../store/rowKeys";
import { displayName } from "./catalogItems";
import { CATALOG_ROW_SETS, datasourceNode, type LineageNode } from "./catalogRows";

export type LineageDirection = "downstream" | "upstream";

/** A lineage closure: every node reached (the root first) and the edges walked, `from` upstream of `to`. */
export interface LineageAnswer {
  root: LineageNode;
  nodes: LineageNode[];
  edges: { from: string; to: string }[];
}

/** Key-range reads in flight at once while a closure is walked. */
const CONCURRENCY = 16;

interface Where {
  rows: TableClient;
  tenantId: string;
  snapshot: SnapshotRecord;
}

/**
 * The whole downstream (what depends on `id`, transitively) or upstream (what it depends on) of an item or data
 * source of a catalog snapshot, breadth first: one key-range read per node reached, so the time grows with the
 * answer, not with the tenant. Undefined when the snapshot has no such id. Ids are matched in any case.
 */
export async function lineageOf(
  where: Where,
  id: string,
  direction: LineageDirection,
): Promise<LineageAnswer | undefined> {
  const root = await nodeOf(where, id.toLowerCase());
  if (root === undefined) return undefined;
  const reached = new Map<string, LineageNode>([[root.id.toLowerCase(), root]]);
  const edges: LineageAnswer["edges"] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next: LineageNode[] = [];
    await inBatches(frontier, async (node) => {
      for (const neighbour of await neighbours(where, node, direction)) {
        edges.push(
          direction === "downstream" ? { from: node.id, to: neighbour.id } : { from: neighbour.id, to: node.id },
        );
        const key = neighbour.id.toLowerCase();
        if (reached.has(key)) continue;
        reached.set(key, neighbour);
        next.push(neighbour);
      }
    });
    frontier = next;
  }
  return { root, nodes: [...reached.values()], edges };
}

/**
 * The nodes one edge away. Downstream edges hold the node they lead to as its own scan wrote it; upstream ones only
 * name theirs (it may live in a workspace scanned at another time), so it is read where it is kept.
 */
async function neighbours(where: Where, node: LineageNode, direction: LineageDirection): Promise<LineageNode[]> {
  const rowSet = direction === "downstream" ? CATALOG_ROW_SETS.down : CATALOG_ROW_SETS.up;
  const found: LineageNode[] = [];
  const unnamed: { id: string; type: string }[] = [];
  for await (const { item } of readItems<{ from: string; to: string; node?: LineageNode; fromType?: string }>(
    where.rows,
    edgesOf(where, rowSet, node.id.toLowerCase()),
  )) {
    if (item.node !== undefined) found.push(item.node);
    else unnamed.push({ id: item.from, type: item.fromType ?? "Item" });
  }
  await inBatches(unnamed, async ({ id, type }) => {
    // An edge to something the snapshot does not hold (a model deleted since its report was scanned) still shows.
    found.push((await nodeOf(where, id)) ?? { id, type });
  });
  return found;
}

/** The filter for the edge rows kept under one node: `hash|id|other` in the node's partition. */
function edgesOf(where: Where, rowSet: string, id: string): string {
  const { partitionKey, rowKey } = itemKeys(
    where.tenantId,
    where.snapshot.id,
    rowSet,
    where.snapshot.partitionBits,
    id,
  );
  return odata`PartitionKey eq ${partitionKey} and RowKey gt ${`${rowKey}|`} and RowKey lt ${`${rowKey}}`}`;
}

/** An item or data source of the snapshot as a node, by its lower-cased id. */
export async function nodeOf(where: Where, id: string): Promise<LineageNode | undefined> {
  const item = await readOne(where, CATALOG_ROW_SETS.items, id);
  if (item !== undefined) {
    const name = displayName(item);
    const workspaceId = typeof item.workspaceId === "string" ? item.workspaceId : undefined;
    return {
      id: String(item.id),
      type: String(item.type),
      ...(name === undefined ? {} : { name }),
      ...(workspaceId === undefined ? {} : { workspaceId }),
    };
  }
  const datasource = await readOne(where, CATALOG_ROW_SETS.datasources, id);
  return datasource === undefined
    ? undefined
    : datasourceNode(datasource as Record<string, unknown> & { datasourceId: string });
}

/** One item of a row set by its lower-cased id, overflow rows and all. */
export async function readOne(where: Where, rowSet: string, id: string): Promise<Record<string, unknown> | undefined> {
  const { partitionKey, rowKey } = itemKeys(
    where.tenantId,
    where.snapshot.id,
    rowSet,
    where.snapshot.partitionBits,
    id,
  );
  const filter = odata`PartitionKey eq ${partitionKey} and RowKey ge ${rowKey} and RowKey lt ${`${rowKey}~~`}`;
  for await (const { rowKey: key, item } of readItems<Record<string, unknown>>(where.rows, filter)) {
    if (key === rowKey) return item;
  }
  return undefined;
}

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}
