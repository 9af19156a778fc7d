import { hubDatasource, hubDatasourceId, localDatasource, localDatasourceId } from "./scannerDatasources";
import type { WorkspacePlan } from "./scannerPlan";
import type { DatasourceInstance, DatasourceUsage, EndorsementDetails, ScanOptions } from "./scannerTypes";
import { somePerson } from "./scannerUsers";
import { SeededRandom, seededGuid } from "./seeded";

/** What the builders of one workspace's items share. */
export interface BuildContext {
  readonly seed: number;
  readonly index: number;
  readonly version: number;
  readonly workspaceId: string;
  readonly plan: WorkspacePlan;
  readonly options: ScanOptions;
  /** The data sources the workspace's items use, by id, whether or not lineage is asked for. */
  readonly datasources: Map<string, DatasourceInstance>;
  readonly misconfigured: Map<string, DatasourceInstance>;
}

export const SUBJECTS = ["Sales", "Pipeline", "Budget", "Headcount", "KPIs", "Churn", "Inventory", 'Q3 "final" v2'];
const LABELS = 4;

/** Records the use of the hub, and returns its usage. */
export function useHub(context: BuildContext): DatasourceUsage {
  const id = hubDatasourceId(context.seed);
  if (!context.datasources.has(id)) context.datasources.set(id, hubDatasource(context.seed));
  return { datasourceInstanceId: id };
}

/** Records the use of local data source `j` of the workspace, and returns its usage. */
export function useLocal(context: BuildContext, j: number): DatasourceUsage {
  const id = localDatasourceId(context.seed, context.index, j);
  if (!context.datasources.has(id)) context.datasources.set(id, localDatasource(context.seed, context.index, j));
  return { datasourceInstanceId: id };
}

/** About one item in six is promoted and one in twenty certified (by a person). */
export function endorsement(seed: number, random: SeededRandom): EndorsementDetails | undefined {
  const roll = random.next();
  if (roll < 0.05) return { endorsement: "Certified", certifiedBy: somePerson(seed, random).mail };
  if (roll < 0.17) return { endorsement: "Promoted" };
  return undefined;
}

/** About one item in three carries one of four sensitivity labels. */
export function sensitivityLabel(seed: number, random: SeededRandom): { labelId: string } | undefined {
  return random.chance(0.3) ? { labelId: seededGuid(seed, "scan-label", random.int(0, LABELS - 1)) } : undefined;
}

/** A creation and a later modification instant (whole seconds), 2019..2024. */
export function instants(random: SeededRandom): [number, number] {
  const created = random.instant("2019-01-01T00:00:00Z", "2024-06-01T00:00:00Z");
  return [created, created + random.int(0, 180) * 86_400_000];
}

/** Sets `key` on `target` only when `value` is defined (and, for arrays, not empty), keeping payloads lean. */
export function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return;
  target[key] = value;
}
