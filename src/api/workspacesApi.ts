import { odata } from "@azure/data-tables";
import { z } from "zod";
import { WORKSPACE_ARTIFACTS } from "../config/config";
import { readItems } from "../store/rowReader";
import { itemKeys } from "../store/rowKeys";
import { notFound } from "./apiError";
import { conditional } from "./caching";
import { checkFields, fieldsParam, pickFields, WORKSPACE_FIELDS } from "./fields";
import { json } from "./httpHandler";
import { itemsQueryShape, listItems, listOrExportResponse } from "./itemsRoute";
import { operation } from "./operation";
import { snapshotPath, workspacePath } from "./paths";
import { workspaceDetailSchema, workspacesPageSchema } from "./schemas";
import { succeededSnapshot } from "./snapshotsApi";
import { workspacesColumnFilter, workspacesFilterShape } from "./workspacesFilter";

const workspacesQuery = z.object({ ...itemsQueryShape, ...workspacesFilterShape });

/** GET /snapshots/{snapshotId}/workspaces: the workspaces of a succeeded snapshot, without their arrays. */
export const listWorkspacesOperation = operation(
  {
    summary: "List or export the workspaces of a snapshot",
    description:
      "Workspaces without their arrays. Filters combine with `and`. JSON answers page by page; `format=csv` or " +
      "`format=ndjson` (or the Accept header) streams every matching workspace.",
    tags: ["workspaces"],
    path: snapshotPath,
    query: workspacesQuery,
    responses: [listOrExportResponse("workspace", workspacesPageSchema)],
    errors: [404, 409],
    conditional: true,
  },
  ({ query }, request, api, context) =>
    listItems(
      request,
      api,
      context,
      { kind: "workspaces", columns: workspacesColumnFilter(query), known: WORKSPACE_FIELDS },
      query,
    ),
);
export const listWorkspaces = listWorkspacesOperation.handler;

const DETAIL_FIELDS: readonly string[] = [...WORKSPACE_FIELDS, ...WORKSPACE_ARTIFACTS];

/** GET /snapshots/{snapshotId}/workspaces/{workspaceId}: one workspace with every artifact array. */
export const getWorkspaceOperation = operation(
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
      const home = itemKeys(...layout, "workspaces", snapshot.partitionBits, path.workspaceId);
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
        const children = itemKeys(...layout, "workspaceItems", snapshot.partitionBits, path.workspaceId, "|");
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
export const getWorkspace = getWorkspaceOperation.handler;
