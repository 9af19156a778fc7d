import type { GroupUser } from "./powerBiTypes";
import type { BuildContext } from "./scannerBuild";
import { scanDataflows, scanDatamarts } from "./scannerDataflows";
import { scanDatasets } from "./scannerDatasets";
import { scanFabricItems } from "./scannerFabricItems";
import { workspacePlan } from "./scannerPlan";
import { scanDashboards, scanReports } from "./scannerReports";
import { scanOptions, type DatasourceInstance, type ScanOptions, type WorkspaceInfo } from "./scannerTypes";
import { expandedWorkspace } from "./simulatedWorkspace";
import { editedWorkspaceName } from "./workspaceVersion";

/** A workspace as one scan describes it, with the data sources its items use (whatever the flags). */
export interface ScannedWorkspace {
  readonly info: WorkspaceInfo;
  readonly datasources: readonly DatasourceInstance[];
  readonly misconfigured: readonly DatasourceInstance[];
}

const NO_ARRAYS = new Set<never>();
const USERS = new Set(["users"] as const);

/**
 * The workspace at `index` as the scanner describes it after `version` touches; a pure function of
 * (seed, index, version, flags; a flag left out is false). Id, name, description, type, state and capacity are admin/groups' (capacity ids
 * lower-case here); its items are the scanner's own, and with getArtifactUsers its users are admin/groups' members.
 */
export function scannedWorkspace(
  seed: number,
  index: number,
  flags: Partial<ScanOptions>,
  version = 0,
): ScannedWorkspace {
  const options = scanOptions(flags);
  // One call gives the admin/groups fields and, when asked for, its members.
  const base = expandedWorkspace(seed, index, options.getArtifactUsers ? USERS : NO_ARRAYS);
  const id = base.id as string;
  const context: BuildContext = {
    seed,
    index,
    version,
    workspaceId: id,
    plan: workspacePlan(seed, index),
    options,
    datasources: new Map(),
    misconfigured: new Map(),
  };
  const info: WorkspaceInfo = {
    id,
    name: editedWorkspaceName(base.name as string, version),
    type: base.type as WorkspaceInfo["type"],
    state: base.state as WorkspaceInfo["state"],
    isOnDedicatedCapacity: base.isOnDedicatedCapacity as boolean,
    reports: [],
    dashboards: [],
    datasets: [],
    dataflows: [],
    datamarts: [],
  };
  if (typeof base.description === "string") info.description = base.description;
  if (typeof base.capacityId === "string") info.capacityId = base.capacityId.toLowerCase();
  if (base.defaultDatasetStorageFormat === "Small" || base.defaultDatasetStorageFormat === "Large") {
    info.defaultDatasetStorageFormat = base.defaultDatasetStorageFormat;
  }
  info.reports = scanReports(context);
  info.dashboards = scanDashboards(context, info.reports);
  info.datasets = scanDatasets(context);
  info.dataflows = scanDataflows(context);
  info.datamarts = scanDatamarts(context);
  if (context.plan.fabric && info.isOnDedicatedCapacity) Object.assign(info, scanFabricItems(context));
  if (options.getArtifactUsers) {
    info.users = (base.users as GroupUser[] | undefined) ?? [];
  }
  return {
    info,
    datasources: [...context.datasources.values()],
    misconfigured: [...context.misconfigured.values()],
  };
}

/** Just the WorkspaceInfo of {@link scannedWorkspace}: what a scan result holds for the workspace at `index`. */
export function scannerWorkspaceInfo(
  seed: number,
  index: number,
  flags: Partial<ScanOptions>,
  version = 0,
): WorkspaceInfo {
  return scannedWorkspace(seed, index, flags, version).info;
}
