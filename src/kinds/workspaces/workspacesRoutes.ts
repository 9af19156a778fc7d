import { odata } from "@azure/data-tables";
import { z } from "zod";
import { notFound } from "../../api/apiError";
import { conditional } from "../../api/caching";
import { checkFields, fieldsParam, pickFields } from "../../api/fields";
import { json } from "../../api/httpHandler";
import { itemListOperation } from "../../api/itemsRoute";
import { operation } from "../../api/operation";
import { workspacePath } from "../../api/paths";
import { succeededSnapshot } from "../../api/snapshotsApi";
import { WORKSPACE_ARTIFACTS } from "../../sources/powerbi/adminGroups";
import { readItems } from "../../store/rowReader";
import { itemKeys } from "../../store/rowKeys";
import type { KindRoute } from "../kind";
import { WORKSPACE_ITEMS_ROW_SET, WORKSPACES_ROW_SET } from "./workspaceRows";
import { WORKSPACE_FIELDS, workspaceDetailSchema, workspacesPageSchema } from "./workspaceSchemas";
import { workspacesColumnFilter, workspacesFilterShape } from "./workspacesFilter";

const DETAIL_FIELDS: readonly string[] = [...WORKSPACE_FIELDS, ...WORKSPACE_ARTIFACTS];

/** GET /snapshots/{snapshotId}/workspaces/{workspaceId}: one workspace with every artifact array. */
const getWorkspaceOperation = operation(
  {
    summary: "Get one workspace with its users and artifacts",
    tags: ["workspaces"],
    path: workspacePath,
    query: z.object({ fields: fieldsParam }),
    responses: [{ status: 200, description: "the workspace", schema: workspaceDetailSchema }],
    errors: [404, 409],
    conditional: true,
  },
  async ({ query, path }, request, api) => {
    checkFields(query.fields, DETAIL_FIELDS);
    const snapshot = await succeededSnapshot(api, path.snapshotId, "workspaces");
    const key = {
      route: "workspace",
      snapshotIds: [snapshot.id],
      latest: path.snapshotId === "latest",
      variant: { ...query, workspaceId: path.workspaceId },
    };
    return conditional(request, key, async () => {
      const layout = [api.tenantId, snapshot.id] as const;
      const home = itemKeys(...layout, WORKSPACES_ROW_SET, snapshot.partitionBits, path.workspaceId);
      const filter = odata`PartitionKey eq ${home.partitionKey} and RowKey ge ${home.rowKey} and RowKey lt ${`${home.rowKey}~~`}`;
      let workspace: Record<string, unknown> | undefined;
      for await (const { rowKey, item } of readItems<Record<string, unknown>>(api.rows, filter)) {
        if (rowKey === home.rowKey) workspace = item;
      }
      if (workspace === undefined) {
        const id = path.workspaceId.slice(0, 100);
        throw notFound("WorkspaceNotFound", `workspace ${id} is not in snapshot ${snapshot.id}`);
      }
      const wanted = WORKSPACE_ARTIFACTS.filter((artifact) => query.fields?.includes(artifact) ?? true);
      const arrays: Record<string, unknown[]> = Object.fromEntries(wanted.map((artifact) => [artifact, []]));
      if (wanted.length > 0) {
        // Every child row of the workspace shares its partition and key prefix, in artifact then array order.
        const children = itemKeys(...layout, WORKSPACE_ITEMS_ROW_SET, snapshot.partitionBits, path.workspaceId, "|");
        const childFilter = odata`PartitionKey eq ${children.partitionKey} and RowKey gt ${children.rowKey} and RowKey lt ${`${children.rowKey.slice(0, -1)}}`}`;
        for await (const { rowKey, item } of readItems<unknown>(api.rows, childFilter)) {
          const artifact = rowKey.slice(children.rowKey.length).split("|")[0]!;
          arrays[artifact]?.push(item);
        }
      }
      return json(pickFields({ ...workspace, ...arrays }, query.fields));
    });
  },
);

/** The workspaces kind's routes: the list without arrays, and one workspace with them. */
export function workspacesRoutes(): KindRoute[] {
  return [
    {
      name: "listWorkspaces",
      route: "snapshots/{snapshotId}/workspaces",
      operation: itemListOperation({
        kind: "workspaces",
        rowSet: WORKSPACES_ROW_SET,
        itemCounts: ["workspaces"],
        summary: "List or export the workspaces of a snapshot",
        description:
          "Workspaces without their arrays. Filters combine with `and`. JSON answers page by page; `format=csv` or " +
          "`format=ndjson` (or the Accept header) streams every matching workspace.",
        tags: ["workspaces"],
        noun: "workspace",
        pageSchema: workspacesPageSchema,
        filters: workspacesFilterShape,
        columns: workspacesColumnFilter,
        known: WORKSPACE_FIELDS,
      }),
    },
    {
      name: "getWorkspace",
      route: "snapshots/{snapshotId}/workspaces/{workspaceId}",
      operation: getWorkspaceOperation,
    },
  ];
}
