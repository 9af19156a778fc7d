import { z } from "zod";
import { flag, itemsPageSchema, named, text } from "../../api/schemas";

/**
 * The documented scalar properties of a Power BI AdminGroup: what `fields` may name for workspaces and the default
 * CSV columns. The arrays are served by the single-workspace route.
 */
export const WORKSPACE_FIELDS = [
  "id",
  "name",
  "description",
  "type",
  "state",
  "isReadOnly",
  "isOnDedicatedCapacity",
  "capacityId",
  "dataflowStorageId",
  "defaultDatasetStorageFormat",
  "pipelineId",
  "hasWorkspaceLevelSettings",
  "capacityMigrationStatus",
] as const;

export const workspaceSchema = named(
  "Workspace",
  "A Power BI AdminGroup without its arrays, named as Power BI names it.",
  z.looseObject({
    id: z.string(),
    name: text,
    description: text,
    type: text,
    state: text,
    isReadOnly: flag,
    isOnDedicatedCapacity: flag,
    capacityId: text,
  }),
);

const groupUserSchema = named(
  "GroupUser",
  "A workspace member and its access right.",
  z.looseObject({ identifier: z.string(), displayName: text, principalType: text, groupUserAccessRight: text }),
);

export const workspaceDetailSchema = named(
  "WorkspaceDetail",
  "A workspace with every artifact array (empty when Power BI sent none).",
  workspaceSchema.extend({
    users: z.array(groupUserSchema),
    reports: z.array(z.looseObject({ id: z.string() })),
    dashboards: z.array(z.looseObject({ id: z.string() })),
    datasets: z.array(z.looseObject({ id: z.string() })),
    dataflows: z.array(z.looseObject({ objectId: z.string() })),
    workbooks: z.array(z.looseObject({ name: text })),
  }),
);

export const workspacesPageSchema = itemsPageSchema("WorkspacesPage", "One page of workspaces.", workspaceSchema);
