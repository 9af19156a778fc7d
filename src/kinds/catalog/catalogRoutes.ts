import { z } from "zod";
import { notFound } from "../../api/apiError";
import { conditional } from "../../api/caching";
import { json } from "../../api/httpHandler";
import { itemListOperation } from "../../api/itemsRoute";
import { operation } from "../../api/operation";
import { snapshotPath } from "../../api/paths";
import { succeededSnapshot } from "../../api/snapshotsApi";
import type { KindRoute } from "../kind";
import { CATALOG_ROW_SETS } from "./catalogRows";
import { datasourcesColumnFilter, datasourcesFilterShape, itemsColumnFilter, itemsFilterShape } from "./catalogFilters";
import { catalogItemsPageSchema, datasourcesPageSchema, itemSchema, lineageSchema } from "./catalogSchemas";
import { lineageOf, readOne } from "./lineage";

/** Properties `fields` may name on items, and the CSV columns by default. */
const ITEM_FIELDS = [
  "id",
  "type",
  "name",
  "displayName",
  "workspaceId",
  "description",
  "upstreamType",
  "state",
  "reportType",
  "datasetId",
  "configuredBy",
  "createdDate",
  "createdDateTime",
  "modifiedDateTime",
  "modifiedBy",
  "endorsementDetails",
  "sensitivityLabel",
  "isOnDedicatedCapacity",
  "capacityId",
  "targetStorageMode",
  "contentProviderType",
] as const;

const DATASOURCE_FIELDS = ["datasourceId", "datasourceType", "connectionDetails", "gatewayId", "usedBy"] as const;

const itemPath = snapshotPath.extend({ itemId: z.string().min(1).max(200).describe("the item's id, in any case") });
const lineagePath = snapshotPath.extend({ id: z.string().min(1).max(200).describe("an item's or data source's id") });

const getItemOperation = operation(
  {
    summary: "Get one catalog item, with its users when they were scanned",
    tags: ["catalog"],
    path: itemPath,
    query: z.object({}),
    responses: [{ status: 200, description: "the item", schema: itemSchema }],
    errors: [404, 409],
    conditional: true,
  },
  async ({ path }, request, api) => {
    const snapshot = await succeededSnapshot(api, path.snapshotId, "catalog");
    const key = { route: "item", snapshotIds: [snapshot.id], latest: path.snapshotId === "latest", variant: path };
    return conditional(request, key, async () => {
      const where = { rows: api.rows, tenantId: api.tenantId, snapshot };
      const item = await readOne(where, CATALOG_ROW_SETS.items, path.itemId.toLowerCase());
      if (item === undefined) {
        throw notFound("ItemNotFound", `item ${path.itemId.slice(0, 100)} is not in snapshot ${snapshot.id}`);
      }
      return json(item);
    });
  },
);

const lineageOperation = operation(
  {
    summary: "The whole lineage of an item or data source",
    description:
      "downstream: everything that depends on it, transitively (data source → semantic models and dataflows → " +
      "reports → dashboards); upstream: everything it depends on. One request, whatever the size of the answer.",
    tags: ["catalog"],
    path: lineagePath,
    query: z.object({
      direction: z.enum(["downstream", "upstream"]).default("downstream").describe("downstream (default) or upstream"),
    }),
    responses: [{ status: 200, description: "the closure", schema: lineageSchema }],
    errors: [404, 409],
    conditional: true,
  },
  async ({ path, query }, request, api) => {
    const snapshot = await succeededSnapshot(api, path.snapshotId, "catalog");
    const key = {
      route: "lineage",
      snapshotIds: [snapshot.id],
      latest: path.snapshotId === "latest",
      variant: { ...path, ...query },
    };
    return conditional(request, key, async () => {
      const answer = await lineageOf({ rows: api.rows, tenantId: api.tenantId, snapshot }, path.id, query.direction);
      if (answer === undefined) {
        throw notFound("ItemNotFound", `no item or data source ${path.id.slice(0, 100)} in snapshot ${snapshot.id}`);
      }
      return json({ snapshotId: snapshot.id, direction: query.direction, ...answer } satisfies z.input<
        typeof lineageSchema
      >);
    });
  },
);

/** The catalog kind's routes: items, one item, data sources, and lineage. */
export function catalogRoutes(): KindRoute[] {
  return [
    {
      name: "listItems",
      route: "snapshots/{snapshotId}/items",
      operation: itemListOperation({
        kind: "catalog",
        rowSet: CATALOG_ROW_SETS.items,
        itemCounts: ["workspaces", "items"],
        summary: "List or export the items of a catalog snapshot",
        description:
          "Workspaces and their items (without users, which the single-item route serves). Filters combine with " +
          "`and`. JSON answers page by page; `format=csv` or `format=ndjson` streams every matching item.",
        tags: ["catalog"],
        noun: "item",
        pageSchema: catalogItemsPageSchema,
        filters: itemsFilterShape,
        columns: itemsColumnFilter,
        known: ITEM_FIELDS,
        omit: ["users"],
      }),
    },
    { name: "getItem", route: "snapshots/{snapshotId}/items/{itemId}", operation: getItemOperation },
    {
      name: "listDatasources",
      route: "snapshots/{snapshotId}/datasources",
      operation: itemListOperation({
        kind: "catalog",
        rowSet: CATALOG_ROW_SETS.datasources,
        itemCounts: ["datasources"],
        summary: "List or export the data sources of a catalog snapshot",
        description: "Each with `usedBy`, the number of items that use it directly. Filters combine with `and`.",
        tags: ["catalog"],
        noun: "data source",
        pageSchema: datasourcesPageSchema,
        filters: datasourcesFilterShape,
        columns: datasourcesColumnFilter,
        known: DATASOURCE_FIELDS,
      }),
    },
    { name: "getLineage", route: "snapshots/{snapshotId}/lineage/{id}", operation: lineageOperation },
  ];
}
