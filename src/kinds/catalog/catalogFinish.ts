import { odata } from "@azure/data-tables";
import { decodeKeyPart } from "../../store/rowKeys";
import { readItems, readRows, rowSetFilter } from "../../store/rowReader";
import type { Counts, RunContext } from "../../sync/contract";
import { DATASOURCE_TYPE } from "./catalogItems";
import { CATALOG_ROW_SETS, datasourceRows, type Datasource } from "./catalogRows";

/**
 * The last step of a catalog run, once every item and edge is in: each data source a scan of this run found, or that
 * an item carried over uses, gets its row (as found, else from the previous snapshot) with `usedBy`, the number of
 * items that use it directly. It reads what the scans found and writes elsewhere, so it can run again whole.
 */
export async function finishDatasources(context: RunContext<unknown>, counts: Counts): Promise<void> {
  const { tenantId, snapshotId } = context.layout;
  const usedBy = new Map<string, number>();
  const fromSources = rowSetFilter(tenantId, snapshotId, CATALOG_ROW_SETS.down, odata`fromType eq ${DATASOURCE_TYPE}`);
  for await (const row of readRows(context.tables.rows, fromSources, ["RowKey"])) {
    // Down rows are keyed `hash|from|to`: the data source is the first id.
    const from = decodeKeyPart(String(row.rowKey).split("|")[1] ?? "");
    usedBy.set(from, (usedBy.get(from) ?? 0) + 1);
  }
  const written = new Map<string, Datasource>();
  for await (const { item } of readItems<Datasource>(
    context.tables.rows,
    rowSetFilter(tenantId, snapshotId, CATALOG_ROW_SETS.found),
  )) {
    written.set(item.datasourceId.toLowerCase(), item);
  }
  const missing = [...usedBy.keys()].filter((id) => !written.has(id));
  if (missing.length > 0) {
    // Used only by items carried over: as the previous snapshot has them, read in one pass rather than one by one.
    for (const [id, datasource] of await previousDatasources(context, new Set(missing))) written.set(id, datasource);
  }
  for (const [id, datasource] of written) {
    await context.write(datasourceRows({ ...datasource, usedBy: usedBy.get(id) ?? 0 }, context.layout));
  }
  counts.datasources = written.size;
}

/** The data sources `ids` (lower-cased) as the previous snapshot has them. */
async function previousDatasources(
  context: RunContext<unknown>,
  ids: ReadonlySet<string>,
): Promise<Map<string, Datasource>> {
  const found = new Map<string, Datasource>();
  const previous = context.previous;
  if (previous === undefined) return found;
  const filter = rowSetFilter(context.layout.tenantId, previous.id, CATALOG_ROW_SETS.datasources);
  for await (const { item } of readItems<Datasource>(context.tables.rows, filter)) {
    const id = item.datasourceId.toLowerCase();
    if (ids.has(id)) found.set(id, item);
  }
  return found;
}
