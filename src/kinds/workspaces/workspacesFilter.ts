import { odata } from "@azure/data-tables";
import { z } from "zod";
import { booleanParam } from "../../api/query";

/** AdminGroup types and states as Power BI documents them. */
export const WORKSPACE_TYPES = ["Workspace", "PersonalGroup", "Personal", "Group"] as const;
export const WORKSPACE_STATES = ["Active", "Deleted", "Removing"] as const;

/** Filter parameters of the workspaces list; each reads an index column the workspaces sync writes. */
export const workspacesFilterShape = {
  type: z.enum(WORKSPACE_TYPES).optional().describe("Workspace, PersonalGroup, Personal or Group"),
  state: z.enum(WORKSPACE_STATES).optional().describe("Active, Deleted or Removing"),
  isOnDedicatedCapacity: booleanParam.optional().describe("true or false"),
  capacityId: z
    .string()
    .regex(/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/, "must be a capacity id (a GUID)")
    .optional()
    .describe("capacity GUID, any case"),
  orphaned: booleanParam
    .optional()
    .describe(
      "true: workspaces without an Admin; false: with one. Workspaces whose users were not listed match neither",
    ),
};

type WorkspacesFilter = z.output<z.ZodObject<typeof workspacesFilterShape>>;

/** The OData condition for the filters given, on the index columns; undefined when none is. */
export function workspacesColumnFilter(query: WorkspacesFilter): string | undefined {
  const conditions: string[] = [];
  if (query.type !== undefined) conditions.push(odata`type eq ${query.type}`);
  if (query.state !== undefined) conditions.push(odata`state eq ${query.state}`);
  if (query.isOnDedicatedCapacity !== undefined) {
    conditions.push(odata`isOnDedicatedCapacity eq ${query.isOnDedicatedCapacity}`);
  }
  // The sync stores capacity ids lower-cased: Power BI writes them in upper case.
  if (query.capacityId !== undefined) conditions.push(odata`capacityId eq ${query.capacityId.toLowerCase()}`);
  if (query.orphaned !== undefined) conditions.push(odata`orphaned eq ${query.orphaned}`);
  return conditions.length === 0 ? undefined : conditions.join(" and ");
}
