// Shapes of the Power BI admin API (Get Groups As Admin), with the documented casing quirks kept on purpose.

export type WorkspaceType = "Workspace" | "PersonalGroup" | "Group";
export type WorkspaceState = "Active" | "Deleted" | "Removing";
export type GroupUserAccessRight = "Admin" | "Member" | "Contributor" | "Viewer";

export interface GroupUser {
  identifier: string;
  displayName: string;
  emailAddress?: string;
  graphId: string;
  principalType: "User" | "Group" | "App";
  userType?: "Member" | "Guest";
  groupUserAccessRight: GroupUserAccessRight;
}

export interface Report {
  id: string;
  reportType: "PowerBIReport" | "PaginatedReport";
  name: string;
  description?: string;
  datasetId?: string;
  webUrl: string;
  embedUrl: string;
  createdDateTime: string;
  modifiedDateTime: string;
  createdBy: string;
  modifiedBy: string;
  workspaceId: string;
}

/** Dashboards are named by `displayName`, not `name`. */
export interface Dashboard {
  id: string;
  displayName: string;
  isReadOnly: boolean;
  webUrl: string;
  embedUrl: string;
}

/** `ContentProviderType` starts with a capital letter in the service's payloads. */
export interface Dataset {
  id: string;
  name: string;
  description?: string;
  configuredBy: string;
  createdDate: string;
  ContentProviderType: string;
  isRefreshable: boolean;
  isEffectiveIdentityRequired: boolean;
  isEffectiveIdentityRolesRequired: boolean;
  isOnPremGatewayRequired: boolean;
  targetStorageMode: "Abf" | "PremiumFiles";
  webUrl: string;
}

/** Dataflows are identified by `objectId`, not `id`. */
export interface Dataflow {
  objectId: string;
  name: string;
  description: string;
  modelUrl: string;
  configuredBy: string;
}

export interface Workbook {
  name: string;
  datasetId: string;
}

export interface AdminGroup {
  id: string;
  name: string;
  description?: string;
  type: WorkspaceType;
  state: WorkspaceState;
  isReadOnly: boolean;
  isOnDedicatedCapacity: boolean;
  capacityId?: string;
  dataflowStorageId?: string;
  defaultDatasetStorageFormat?: "Small" | "Large";
  hasWorkspaceLevelSettings?: boolean;
  capacityMigrationStatus?: string;
  /** Missing on some workspaces even when expanded: the docs say this array is going away. */
  users?: GroupUser[];
  reports: Report[];
  dashboards: Dashboard[];
  datasets: Dataset[];
  dataflows: Dataflow[];
  workbooks: Workbook[];
}

/** The arrays `$expand` can ask for. */
export const WORKSPACE_EXPANSIONS = ["users", "reports", "dashboards", "datasets", "dataflows", "workbooks"] as const;
export type WorkspaceExpansion = (typeof WORKSPACE_EXPANSIONS)[number];
