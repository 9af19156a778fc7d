// Shapes of the Power BI scanner API (Admin - WorkspaceInfo), with the service's inconsistent casing kept on purpose.
import type { GroupUser, WorkspaceState, WorkspaceType } from "./powerBiTypes";

/** The five flags of `getInfo`; each is false unless the query says `true` (any case). */
export interface ScanOptions {
  readonly lineage: boolean;
  readonly datasourceDetails: boolean;
  readonly datasetSchema: boolean;
  readonly datasetExpressions: boolean;
  readonly getArtifactUsers: boolean;
}

export const SCAN_FLAGS = [
  "lineage",
  "datasourceDetails",
  "datasetSchema",
  "datasetExpressions",
  "getArtifactUsers",
] as const satisfies readonly (keyof ScanOptions)[];

/** The options with every flag not given false (what the service assumes for a flag left out of the query). */
export function scanOptions(flags: Partial<ScanOptions> = {}): ScanOptions {
  return {
    lineage: flags.lineage ?? false,
    datasourceDetails: flags.datasourceDetails ?? false,
    datasetSchema: flags.datasetSchema ?? false,
    datasetExpressions: flags.datasetExpressions ?? false,
    getArtifactUsers: flags.getArtifactUsers ?? false,
  };
}

/** Every flag on: what the bench scans with. */
export const FULL_SCAN: ScanOptions = {
  lineage: true,
  datasourceDetails: true,
  datasetSchema: true,
  datasetExpressions: true,
  getArtifactUsers: true,
};

/** The product's default scan (`CATALOG_SCAN=lineage,datasourceDetails,getArtifactUsers`). */
export const DEFAULT_SCAN: ScanOptions = { ...FULL_SCAN, datasetSchema: false, datasetExpressions: false };

export type ScanStatus = "NotStarted" | "Running" | "Succeeded" | "Failed";

/** `{code, message, target?}`: a failed scan's `error`. */
export interface ScanError {
  code: string;
  message: string;
  target?: string;
}

/** What getInfo answers with 202 and scanStatus with 200. */
export interface ScanRequest {
  id: string;
  createdDateTime: string;
  status: ScanStatus;
  error?: ScanError;
}

/** A principal with access to an item; exactly one `…UserAccessRight` key, named after the item kind. */
export interface ArtifactUser {
  identifier: string;
  displayName: string;
  emailAddress?: string;
  graphId: string;
  principalType: "User" | "Group" | "App";
  userType?: "Member" | "Guest";
  reportUserAccessRight?: string;
  datasetUserAccessRight?: string;
  dashboardUserAccessRight?: string;
  /** Lower-case `d`, as payloads have it (the swagger spells it `DataflowUserAccessRight`). */
  dataflowUserAccessRight?: string;
  datamartUserAccessRight?: string;
  artifactUserAccessRight?: string;
}

export interface EndorsementDetails {
  endorsement: "Promoted" | "Certified";
  certifiedBy?: string;
}

export interface DatasourceUsage {
  datasourceInstanceId: string;
}

export interface DependentDataflow {
  targetDataflowId: string;
  groupId: string;
}

export interface DependentDataset {
  targetDatasetId: string;
  groupId: string;
}

export interface DependentDatamart {
  targetDatamartId: string;
  groupId: string;
}

export interface ScanColumn {
  name: string;
  dataType: string;
  isHidden: boolean;
  columnType: "Data" | "Calculated";
}

export interface ScanMeasure {
  name: string;
  /** DAX: only with datasetExpressions. */
  expression?: string;
  description?: string;
  isHidden: boolean;
}

export interface ScanTable {
  name: string;
  isHidden: boolean;
  description?: string;
  columns: ScanColumn[];
  measures: ScanMeasure[];
  /** Power Query M: only with datasetExpressions. */
  source?: { expression: string }[];
}

export interface ScanRole {
  name: string;
  modelPermission: "Read";
  members: { memberName: string; memberId: string; memberType: "User" | "Group"; identityProvider: "AzureAD" }[];
  tablePermissions: { name: string; filterExpression: string }[];
}

/** A semantic model. `createdDate` and `contentProviderType` start lower-case here, unlike admin/groups. */
export interface ScanDataset {
  id: string;
  name: string;
  description?: string;
  configuredBy: string;
  configuredById: string;
  createdDate: string;
  contentProviderType: string;
  targetStorageMode: "Abf" | "PremiumFiles";
  isEffectiveIdentityRequired: boolean;
  isEffectiveIdentityRolesRequired: boolean;
  endorsementDetails?: EndorsementDetails;
  sensitivityLabel?: { labelId: string };
  tables?: ScanTable[];
  schemaRetrievalError?: string;
  schemaMayNotBeUpToDate?: boolean;
  expressions?: { name: string; expression: string; description?: string }[];
  roles?: ScanRole[];
  datasourceUsages?: DatasourceUsage[];
  misconfiguredDatasourceUsages?: DatasourceUsage[];
  upstreamDataflows?: DependentDataflow[];
  upstreamDatasets?: DependentDataset[];
  upstreamDatamarts?: DependentDatamart[];
  users?: ArtifactUser[];
}

export interface ScanReport {
  id: string;
  name: string;
  description?: string;
  reportType: "PowerBIReport" | "PaginatedReport";
  /** Absent on paginated reports; may be upper-case, and may name a dataset of another workspace. */
  datasetId?: string;
  /** Only when the dataset lives in another workspace. */
  datasetWorkspaceId?: string;
  createdDateTime: string;
  modifiedDateTime: string;
  createdBy: string;
  createdById: string;
  modifiedBy: string;
  modifiedById: string;
  endorsementDetails?: EndorsementDetails;
  sensitivityLabel?: { labelId: string };
  /** Paginated reports read their data sources directly (lineage only). */
  datasourceUsages?: DatasourceUsage[];
  users?: ArtifactUser[];
}

export interface ScanTile {
  id: string;
  title: string;
  reportId?: string;
  datasetId?: string;
}

export interface ScanDashboard {
  id: string;
  displayName: string;
  isReadOnly: boolean;
  /** Lineage only. */
  tiles?: ScanTile[];
  sensitivityLabel?: { labelId: string };
  users?: ArtifactUser[];
}

/** Dataflows are identified by `objectId`. */
export interface ScanDataflow {
  objectId: string;
  name: string;
  description: string;
  configuredBy: string;
  modifiedBy: string;
  modifiedDateTime: string;
  generation: 1 | 2;
  endorsementDetails?: EndorsementDetails;
  sensitivityLabel?: { labelId: string };
  datasourceUsages?: DatasourceUsage[];
  upstreamDataflows?: DependentDataflow[];
  users?: ArtifactUser[];
}

export interface ScanDatamart {
  id: string;
  name: string;
  description: string;
  type: "Sql";
  status: "Available";
  state: "Active";
  configuredBy: string;
  configuredById: string;
  modifiedBy: string;
  modifiedById: string;
  modifiedDateTime: string;
  endorsementDetails?: EndorsementDetails;
  sensitivityLabel?: { labelId: string };
  datasourceUsages?: DatasourceUsage[];
  upstreamDataflows?: DependentDataflow[];
  users?: ArtifactUser[];
}

/** A Fabric item's link to another item (lineage only), e.g. a SQL analytics endpoint to its lakehouse. */
export interface FabricRelation {
  dependentOnArtifactId: string;
  workspaceId: string;
  relationType: string;
  settingsList: unknown[];
  usage: string;
}

/** A Fabric item (lakehouse, notebook, pipeline, …); warehouses carry configuredBy/modifiedDateTime instead. */
export interface FabricItem {
  id: string;
  name: string;
  description: string;
  state: "Active";
  createdDate?: string;
  lastUpdatedDate?: string;
  createdBy?: string;
  createdById?: string;
  modifiedBy?: string;
  modifiedById?: string;
  configuredBy?: string;
  configuredById?: string;
  modifiedDateTime?: string;
  relations?: FabricRelation[];
  users?: ArtifactUser[];
}

/**
 * The workspace keys of Fabric items as the scanner spells them (`warehouses` plural and lower-case, the rest
 * singular and PascalCase), each with the Fabric item type it holds. A key is present only when the workspace has
 * such items.
 */
export const FABRIC_ITEM_KEYS = {
  Lakehouse: "Lakehouse",
  warehouses: "Warehouse",
  SQLAnalyticsEndpoint: "SQLAnalyticsEndpoint",
  Notebook: "Notebook",
  DataPipeline: "DataPipeline",
  Eventhouse: "Eventhouse",
  KQLDatabase: "KQLDatabase",
  Eventstream: "Eventstream",
  Environment: "Environment",
  Reflex: "Reflex",
  MLModel: "MLModel",
} as const;
export type FabricItemKey = keyof typeof FABRIC_ITEM_KEYS;

/** One workspace of a scan result. */
export type WorkspaceInfo = {
  id: string;
  name: string;
  description?: string;
  type: WorkspaceType;
  state: WorkspaceState;
  isOnDedicatedCapacity: boolean;
  /** Lower-case here, upper-case in admin/groups. */
  capacityId?: string;
  defaultDatasetStorageFormat?: "Small" | "Large";
  reports: ScanReport[];
  dashboards: ScanDashboard[];
  datasets: ScanDataset[];
  dataflows: ScanDataflow[];
  datamarts: ScanDatamart[];
  /** Only with getArtifactUsers. */
  users?: GroupUser[];
} & { [key in FabricItemKey]?: FabricItem[] };

/** A data source as `datasourceInstances` lists it; usages point at it by `datasourceId`. */
export interface DatasourceInstance {
  datasourceType: string;
  connectionDetails: {
    server?: string;
    database?: string;
    url?: string;
    path?: string;
    kind?: string;
  };
  datasourceId: string;
  /** Only for data sources bound to a gateway. */
  gatewayId?: string;
}

/** The body of scanResult. */
export interface WorkspaceInfoResponse {
  workspaces: WorkspaceInfo[];
  /** Present (possibly empty) only with datasourceDetails. */
  datasourceInstances?: DatasourceInstance[];
  misconfiguredDatasourceInstances?: DatasourceInstance[];
}
