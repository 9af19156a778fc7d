import { z } from "zod";
import type { Config } from "../../config/config";
import { integerSetting, listSetting, ncrontabSetting, optionalTextSetting } from "../../config/settings";
import {
  listAdminGroups,
  WORKSPACE_ARTIFACTS,
  type AdminGroupsQuery,
  type WorkspaceArtifact,
} from "../../sources/powerbi/adminGroups";
import { sumOf } from "../../sync/contract";
import { pagedSync } from "../../sync/pagedSync";
import { defineKind } from "../kind";
import { workspaceCountNames, WORKSPACE_ITEMS_ROW_SET, WORKSPACES_ROW_SET, workspaceRows } from "./workspaceRows";
import { workspacesDashboard } from "./workspacesDashboard";
import { workspacesRoutes } from "./workspacesRoutes";

/** What identifies an element of each artifact array, as Power BI names it (dataflows: objectId; workbooks: name). */
const ARTIFACT_IDENTITY: Readonly<Record<WorkspaceArtifact, readonly string[]>> = {
  users: ["identifier", "graphId"],
  reports: ["id"],
  dashboards: ["id"],
  datasets: ["id"],
  dataflows: ["objectId"],
  workbooks: ["name", "datasetId"],
};

/**
 * Workspaces snapshots: Power BI admin/groups with their users and artifacts. Resumable: the Power BI budget of 50
 * calls an hour can pause a run for most of an hour.
 */
export const workspacesKind = defineKind({
  name: "workspaces",
  description: "every Power BI workspace with its users and artifacts",
  settings: {
    WORKSPACES_SYNC_SCHEDULE: ncrontabSetting("0 30 2 * * *"),
    POWERBI_GROUPS_TOP: integerSetting(1, 5000, 5000),
    POWERBI_GROUPS_EXPAND: listSetting(WORKSPACE_ARTIFACTS, WORKSPACE_ARTIFACTS),
    POWERBI_GROUPS_FILTER: optionalTextSetting,
  },
  configure: (settings) => {
    const query = groupsQuery(settings);
    return {
      schedule: settings.WORKSPACES_SYNC_SCHEDULE,
      sync: ({ powerbi }) =>
        pagedSync({
          kind: "workspaces",
          countNames: workspaceCountNames(settings.POWERBI_GROUPS_EXPAND),
          // A row per workspace and per artifact or user in it; dedicated, personal and orphaned describe workspaces.
          rowsOf: sumOf(["workspaces", ...WORKSPACE_ARTIFACTS]),
          resumable: true,
          itemRowSet: WORKSPACES_ROW_SET,
          next: z.number().int().min(0),
          pages: (from) => listAdminGroups(powerbi, query, from ?? 0),
          idOf: (group) => group.id,
          toRows: workspaceRows,
        }),
      diff: { rowSet: WORKSPACES_ROW_SET, children: { rowSet: WORKSPACE_ITEMS_ROW_SET, arrays: ARTIFACT_IDENTITY } },
      routes: workspacesRoutes(),
      dashboard: workspacesDashboard(settings.POWERBI_GROUPS_EXPAND),
    };
  },
});

interface GroupsSettings {
  readonly POWERBI_GROUPS_TOP: number;
  readonly POWERBI_GROUPS_EXPAND: readonly WorkspaceArtifact[];
  readonly POWERBI_GROUPS_FILTER: string | undefined;
}

function groupsQuery(settings: GroupsSettings): AdminGroupsQuery {
  return {
    top: settings.POWERBI_GROUPS_TOP,
    expand: settings.POWERBI_GROUPS_EXPAND,
    filter: settings.POWERBI_GROUPS_FILTER,
  };
}

/** How a workspaces run lists admin/groups, as configured (POWERBI_GROUPS_*, parsed with the app's settings). */
export function groupsQueryOf(config: Config): AdminGroupsQuery {
  return groupsQuery(config.settings as unknown as GroupsSettings);
}
