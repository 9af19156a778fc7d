/* How a scanned workspace becomes catalog items and lineage edges: one item per workspace and per artifact, with
   Fabric's type names, and an edge for each reference an artifact makes to what it reads from. */

type Json = Record<string, unknown>;

/** A catalog item: the upstream object, plus `type` (Fabric's name) and `workspaceId` (none on a workspace). */
export interface CatalogItem extends Json {
  id: string;
  type: string;
  workspaceId?: string;
}

/** An edge of the lineage graph: `from` is upstream of `to`. Ids lower-case; types as items name them. */
export interface LineageEdge {
  from: string;
  fromType: string;
  to: string;
  toType: string;
}

/** The scanner's artifact arrays and the item type each holds; keys are matched in any case. */
const ARRAY_TYPES: Readonly<Record<string, string>> = {
  reports: "Report",
  dashboards: "Dashboard",
  datasets: "SemanticModel",
  dataflows: "Dataflow",
  datamarts: "Datamart",
  // Fabric items, under the keys the scanner uses (their casing is not uniform).
  lakehouse: "Lakehouse",
  warehouses: "Warehouse",
  sqlanalyticsendpoint: "SQLAnalyticsEndpoint",
  notebook: "Notebook",
  datapipeline: "DataPipeline",
  eventhouse: "Eventhouse",
  kqldatabase: "KQLDatabase",
  kqlqueryset: "KQLQueryset",
  eventstream: "Eventstream",
  environment: "Environment",
  reflex: "Reflex",
  mlmodel: "MLModel",
  mlexperiment: "MLExperiment",
  sparkjobdefinition: "SparkJobDefinition",
  semanticmodel: "SemanticModel",
  paginatedreport: "PaginatedReport",
};

/** Arrays of a workspace that are not artifacts. */
const NOT_ARTIFACTS = new Set(["users"]);

export const WORKSPACE_TYPE = "Workspace";
export const DATASOURCE_TYPE = "Datasource";

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * The type an array of a workspace holds: a known key, or, for an array of objects with ids under a key the scanner
 * adds later, the key itself, so a new Fabric item type is kept rather than dropped.
 */
function arrayType(key: string, value: unknown[]): string | undefined {
  if (NOT_ARTIFACTS.has(key)) return undefined;
  const known = ARRAY_TYPES[key.toLowerCase()];
  if (known !== undefined) return known;
  const first: unknown = value[0];
  return isObject(first) && (text(first.id) ?? text(first.objectId)) !== undefined ? key : undefined;
}

/** An artifact as an item: its id (dataflows have `objectId`), type and workspace; its own `type` kept apart. */
function item(raw: Json, type: string, workspaceId: string): CatalogItem | undefined {
  const id = text(raw.id) ?? text(raw.objectId);
  if (id === undefined) return undefined;
  const { type: upstreamType, ...rest } = raw;
  return {
    ...rest,
    id,
    type,
    workspaceId,
    ...(upstreamType === undefined ? {} : { upstreamType }),
  };
}

/** Every item of a scanned workspace, the workspace first (without its artifact arrays). */
export function workspaceItems(workspace: Json & { id: string }): CatalogItem[] {
  const own: Json = {};
  const items: CatalogItem[] = [];
  for (const [key, value] of Object.entries(workspace)) {
    const type = Array.isArray(value) ? arrayType(key, value) : undefined;
    if (type === undefined) {
      own[key] = value;
      continue;
    }
    for (const raw of value as unknown[]) {
      const artifact = isObject(raw) ? item(raw, type, workspace.id) : undefined;
      if (artifact !== undefined) items.push(artifact);
    }
  }
  const { type: upstreamType, ...rest } = own;
  const home: CatalogItem = {
    ...rest,
    id: workspace.id,
    type: WORKSPACE_TYPE,
    ...(upstreamType === undefined ? {} : { upstreamType }),
  };
  return [home, ...items];
}

const references: readonly { member: string; id: string; fromType: string }[] = [
  { member: "datasourceUsages", id: "datasourceInstanceId", fromType: DATASOURCE_TYPE },
  { member: "upstreamDataflows", id: "targetDataflowId", fromType: "Dataflow" },
  { member: "upstreamDatasets", id: "targetDatasetId", fromType: "SemanticModel" },
  { member: "upstreamDatamarts", id: "targetDatamartId", fromType: "Datamart" },
  { member: "relations", id: "dependentOnArtifactId", fromType: "Item" },
];

/**
 * The edges into one item, from what it reads: data sources (`datasourceUsages`; misconfigured ones are not
 * edges), dataflows, models and datamarts it builds on, the model a report shows (`datasetId`), the reports and
 * models a dashboard's tiles show, and Fabric relations. Each edge once; ids lower-cased, as they are compared.
 */
export function edgesInto(target: CatalogItem): LineageEdge[] {
  const edges = new Map<string, LineageEdge>();
  const add = (from: unknown, fromType: string) => {
    const id = text(from)?.toLowerCase();
    if (id === undefined) return;
    const to = target.id.toLowerCase();
    edges.set(`${id} ${to}`, { from: id, fromType, to, toType: target.type });
  };
  for (const { member, id, fromType } of references) {
    const list = target[member];
    if (Array.isArray(list)) for (const entry of list) if (isObject(entry)) add(entry[id], fromType);
  }
  add(target.datasetId, "SemanticModel");
  const tiles = target.tiles;
  if (Array.isArray(tiles)) {
    for (const tile of tiles) {
      if (!isObject(tile)) continue;
      add(tile.reportId, "Report");
      add(tile.datasetId, "SemanticModel");
    }
  }
  return [...edges.values()];
}

/** What a lineage node is called: an item's name (dashboards have `displayName`), a data source's connection. */
export function displayName(item: Json): string | undefined {
  const connection = item.connectionDetails;
  if (isObject(connection)) {
    const server = text(connection.server);
    const database = text(connection.database);
    const where = server === undefined ? undefined : database === undefined ? server : `${server}/${database}`;
    return where ?? text(connection.url) ?? text(connection.path) ?? text(item.datasourceType);
  }
  return text(item.name) ?? text(item.displayName);
}
