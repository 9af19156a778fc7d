import { instants, type BuildContext } from "./scannerBuild";
import { EVERYTHING_WORKSPACE_INDEX } from "./scannerPlan";
import type { FabricItem, FabricItemKey, FabricRelation } from "./scannerTypes";
import { artifactUsers, somePerson } from "./scannerUsers";
import { isoSeconds, SeededRandom, seededGuid } from "./seeded";

/** Id of Fabric item `k` under `key` in the workspace at `index`. */
export function fabricItemId(seed: number, index: number, key: FabricItemKey, k: number): string {
  return seededGuid(seed, "scan-fabric", key, index, k);
}

// How many items a workspace with Fabric items has under each independent key (endpoints and KQL databases follow
// their parents). Workspace 6 has exactly one of each.
const RANGES: readonly (readonly [FabricItemKey, number, number])[] = [
  ["Lakehouse", 0, 2],
  ["warehouses", 0, 1],
  ["Notebook", 0, 3],
  ["DataPipeline", 0, 2],
  ["Eventhouse", 0, 1],
  ["Eventstream", 0, 1],
  ["Environment", 0, 1],
  ["Reflex", 0, 1],
  ["MLModel", 0, 1],
];

/**
 * The Fabric items of a workspace on a dedicated capacity, under the scanner's keys. Every lakehouse and warehouse has
 * a SQL analytics endpoint and every eventhouse a KQL database, linked to their parent by `relations` (lineage only).
 * Keys without items are left out, as the service does.
 */
export function scanFabricItems(context: BuildContext): Partial<Record<FabricItemKey, FabricItem[]>> {
  const { seed, index } = context;
  const random = new SeededRandom(seed, "scan-fabric-plan", index);
  const items: Partial<Record<FabricItemKey, FabricItem[]>> = {};
  const endpoints: FabricItem[] = [];
  const databases: FabricItem[] = [];
  for (const [key, min, max] of RANGES) {
    const count = index === EVERYTHING_WORKSPACE_INDEX ? 1 : random.int(min, max);
    if (count === 0) continue;
    const list = Array.from({ length: count }, (_, k) => fabricItem(context, key, k));
    items[key] = list;
    for (const parent of list) {
      if (key === "Lakehouse" || key === "warehouses") {
        endpoints.push(child(context, "SQLAnalyticsEndpoint", endpoints.length, parent, "Physical"));
      }
      if (key === "Eventhouse") databases.push(child(context, "KQLDatabase", databases.length, parent, "Parent"));
    }
  }
  if (endpoints.length > 0) items.SQLAnalyticsEndpoint = endpoints;
  if (databases.length > 0) items.KQLDatabase = databases;
  return items;
}

function fabricItem(context: BuildContext, key: FabricItemKey, k: number): FabricItem {
  const { seed, index, options } = context;
  const id = fabricItemId(seed, index, key, k);
  const random = new SeededRandom(seed, "scan-fabric", key, index, k);
  const [created, modified] = instants(random);
  const creator = somePerson(seed, random);
  const editor = somePerson(seed, random);
  const item: FabricItem = { id, name: `${key} ${index}-${k}`, description: "", state: "Active" };
  if (key === "warehouses") {
    // Warehouses describe themselves as datamarts do.
    Object.assign(item, {
      configuredBy: creator.mail,
      configuredById: creator.id,
      modifiedBy: editor.mail,
      modifiedById: editor.id,
      modifiedDateTime: isoSeconds(modified),
    });
  } else {
    Object.assign(item, {
      createdDate: new Date(created).toISOString(),
      lastUpdatedDate: new Date(modified).toISOString(),
      createdBy: creator.mail,
      createdById: creator.id,
      modifiedBy: editor.mail,
      modifiedById: editor.id,
    });
  }
  if (options.getArtifactUsers) item.users = artifactUsers(seed, "artifact", new SeededRandom(seed, "scan-users", id));
  return item;
}

function child(
  context: BuildContext,
  key: FabricItemKey,
  k: number,
  parent: FabricItem,
  relationType: string,
): FabricItem {
  const item = fabricItem(context, key, k);
  item.name = `${parent.name} ${key === "KQLDatabase" ? "database" : "endpoint"}`;
  if (context.options.lineage) {
    const relation: FabricRelation = {
      dependentOnArtifactId: parent.id,
      workspaceId: context.workspaceId,
      relationType,
      settingsList: [],
      usage: "Read",
    };
    item.relations = [relation];
  }
  return item;
}
