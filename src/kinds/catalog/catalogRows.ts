import { encodeItem, type StoredRow } from "../../store/rowCodec";
import { encodeKeyPart, itemKeys } from "../../store/rowKeys";
import type { Counts, RowLayout } from "../../sync/contract";
import { displayName, DATASOURCE_TYPE, WORKSPACE_TYPE, type CatalogItem, type LineageEdge } from "./catalogItems";

/**
 * The catalog's row sets. Items and data sources are keyed by their lower-cased id; every lineage edge is stored
 * twice, under its upstream end (to walk downstream) and under its downstream end (to walk upstream), so a closure
 * is one key-range read per node. Every item and edge row carries its workspace (`ws`), which is what an incremental
 * run copies or leaves behind.
 */
export const CATALOG_ROW_SETS = {
  items: "items",
  datasources: "datasources",
  down: "lineageDown",
  up: "lineageUp",
  plan: "catalogPlan",
  /** Data sources as each scan found them, one row per scan and source: what the last step builds `datasources` from. */
  found: "datasourcesFound",
} as const;

/**
 * Row sets read from the previous snapshot for the workspaces carried over, by their `ws` column. The up rows are
 * not read: each down row holds its whole edge, so both of its rows are written again from it (see edgeOfDownRow),
 * which spares reading a third of the rows.
 */
export const CARRIED_ROW_SETS = [CATALOG_ROW_SETS.items, CATALOG_ROW_SETS.down] as const;

/** A node of the lineage graph as an answer shows it. */
export interface LineageNode {
  id: string;
  type: string;
  name?: string;
  workspaceId?: string;
}

const lower = (value: unknown): string | undefined => (typeof value === "string" ? value.toLowerCase() : undefined);

/** The endorsement an item's filter and counts see: Promoted, Certified or None. */
function endorsementOf(item: CatalogItem): string {
  const details = item.endorsementDetails as { endorsement?: unknown } | undefined;
  return typeof details?.endorsement === "string" && details.endorsement !== "" ? details.endorsement : "None";
}

/** The sensitivity label id (lower-case), or "" for none. */
function labelOf(item: CatalogItem): string {
  return lower((item.sensitivityLabel as { labelId?: unknown } | undefined)?.labelId) ?? "";
}

/** The index columns of an item's row: what the items route filters on, and what counts are made of. */
export function itemColumns(item: CatalogItem) {
  return {
    type: item.type,
    ws: (item.workspaceId ?? item.id).toLowerCase(),
    endorsement: endorsementOf(item),
    labelId: labelOf(item),
    configuredBy: lower(item.configuredBy),
    name: lower(displayName(item)),
  };
}

/** The row of one item, with its index columns. */
export function itemRows(item: CatalogItem, layout: RowLayout): StoredRow[] {
  const id = item.id.toLowerCase();
  const keys = itemKeys(layout.tenantId, layout.snapshotId, CATALOG_ROW_SETS.items, layout.partitionBits, id);
  return encodeItem(keys.partitionKey, keys.rowKey, item, itemColumns(item));
}

/** What one item row adds to the counts, read from its columns alone (so copied rows count without decoding). */
export function itemCounts(columns: { type?: unknown; endorsement?: unknown; labelId?: unknown }): Counts {
  const type = typeof columns.type === "string" ? columns.type : "Item";
  if (type === WORKSPACE_TYPE) return { workspaces: 1 };
  const counts: Counts = { items: 1, [type]: 1 };
  if (type === "SemanticModel") {
    if (columns.endorsement === "None") counts.unendorsedModels = 1;
    if (columns.labelId === "") counts.unlabelledModels = 1;
  }
  return counts;
}

/**
 * Both rows of one edge: under its upstream end, holding the downstream node as the items row has it (written from
 * the same scan, so always current), and under its downstream end. `ws` is the workspace of the item that states
 * the edge, the downstream one.
 */
export function edgeRows(edge: LineageEdge, to: CatalogItem, layout: RowLayout): StoredRow[] {
  const ws = (to.workspaceId ?? to.id).toLowerCase();
  const node: LineageNode = { id: to.id, type: to.type, ...named(to) };
  const columns = { ws, fromType: edge.fromType, toType: edge.toType };
  const row = (rowSet: string, at: string, other: string, value: unknown) => {
    const keys = itemKeys(
      layout.tenantId,
      layout.snapshotId,
      rowSet,
      layout.partitionBits,
      at,
      `|${encodeKeyPart(other)}`,
    );
    return encodeItem(keys.partitionKey, keys.rowKey, value, columns);
  };
  return [
    ...row(CATALOG_ROW_SETS.down, edge.from, edge.to, { from: edge.from, to: edge.to, node }),
    ...row(CATALOG_ROW_SETS.up, edge.to, edge.from, { from: edge.from, to: edge.to, fromType: edge.fromType }),
  ];
}

/** What edgeRows was given for a down row (its decoded value and its columns): both rows follow from it again. */
export function edgeOfDownRow(
  value: { from: string; to: string; node: LineageNode },
  columns: Record<string, unknown>,
): { edge: LineageEdge; to: CatalogItem } {
  const edge = { from: value.from, to: value.to, fromType: String(columns.fromType), toType: String(columns.toType) };
  return { edge, to: { ...value.node } };
}

function named(item: CatalogItem): Pick<LineageNode, "name" | "workspaceId"> {
  const name = displayName(item);
  return {
    ...(name === undefined ? {} : { name }),
    ...(item.workspaceId === undefined ? {} : { workspaceId: item.workspaceId }),
  };
}

/** A data source instance as the datasources route serves it, `usedBy` included. */
export type Datasource = Record<string, unknown> & { datasourceId: string; usedBy: number };

/** The row of one data source, with the columns its route filters on. */
export function datasourceRows(datasource: Datasource, layout: RowLayout): StoredRow[] {
  const id = datasource.datasourceId.toLowerCase();
  const keys = itemKeys(layout.tenantId, layout.snapshotId, CATALOG_ROW_SETS.datasources, layout.partitionBits, id);
  const details = (datasource.connectionDetails ?? {}) as { server?: unknown };
  return encodeItem(keys.partitionKey, keys.rowKey, datasource, {
    datasourceType: typeof datasource.datasourceType === "string" ? datasource.datasourceType : undefined,
    gatewayId: lower(datasource.gatewayId),
    server: lower(details.server),
    usedBy: datasource.usedBy,
  });
}

/**
 * A data source as one scan found it. Keyed by the source and the scan's chunk, so no write ever replaces another's:
 * a resumed run drops what was written after its last checkpoint, which must never take an earlier scan's find.
 */
export function foundDatasourceRows(instance: { datasourceId: string }, chunk: number, layout: RowLayout): StoredRow[] {
  const id = instance.datasourceId.toLowerCase();
  const keys = itemKeys(
    layout.tenantId,
    layout.snapshotId,
    CATALOG_ROW_SETS.found,
    layout.partitionBits,
    id,
    `|${chunk}`,
  );
  return encodeItem(keys.partitionKey, keys.rowKey, instance);
}

/** A data source as a lineage node. */
export function datasourceNode(datasource: Record<string, unknown> & { datasourceId: string }): LineageNode {
  const name = displayName(datasource);
  return { id: datasource.datasourceId, type: DATASOURCE_TYPE, ...(name === undefined ? {} : { name }) };
}
