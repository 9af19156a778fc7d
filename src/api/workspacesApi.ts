import { odata } from "@azure/data-tables";
import { z } from "zod";
import { WORKSPACE_ARTIFACTS } from "../config/config";
import { readItems, readItemsPage, rowSetFilter } from "../store/rowReader";
import { itemKeys } from "../store/rowKeys";
import { notFound } from "./apiError";
import { json, type ApiHandler } from "./httpHandler";
import { parseQuery, tokenParam, topParam } from "./query";
import { readableSnapshot } from "./snapshotsApi";

const workspacesQuery = z.object({ top: topParam, continuationToken: tokenParam });

/** GET /snapshots/{snapshotId}/workspaces: the workspaces of a succeeded snapshot, without their arrays. */
export const listWorkspaces: ApiHandler = async (request, api) => {
  const query = parseQuery(request, workspacesQuery);
  const snapshot = await readableSnapshot(request, api, "workspaces");
  const position = api.tokens.decode("workspaces", snapshot.id, query.continuationToken);
  const filter = rowSetFilter(api.tenantId, snapshot.id, "workspaces");
  const page = await readItemsPage(api.rows, filter, query.top, position);
  return json({
    snapshotId: snapshot.id,
    items: page.items,
    continuationToken: api.tokens.encode("workspaces", snapshot.id, page.continuationToken),
  });
};

/** GET /snapshots/{snapshotId}/workspaces/{workspaceId}: one workspace with every artifact array. */
export const getWorkspace: ApiHandler = async (request, api) => {
  parseQuery(request, z.object({}));
  const snapshot = await readableSnapshot(request, api, "workspaces");
  const workspaceId = request.params.workspaceId ?? "";
  const layout = [api.tenantId, snapshot.id] as const;
  const home = itemKeys(...layout, "workspaces", snapshot.partitionBits, workspaceId);
  const filter = odata`PartitionKey eq ${home.partitionKey} and RowKey ge ${home.rowKey} and RowKey lt ${`${home.rowKey}~~`}`;
  let workspace: Record<string, unknown> | undefined;
  for await (const { rowKey, item } of readItems<Record<string, unknown>>(api.rows, filter)) {
    if (rowKey === home.rowKey) workspace = item;
  }
  if (workspace === undefined)
    throw notFound("WorkspaceNotFound", `workspace ${workspaceId.slice(0, 100)} is not in snapshot ${snapshot.id}`);

  // Every child row of the workspace shares its partition and key prefix, in artifact then array order.
  const children = itemKeys(...layout, "workspaceItems", snapshot.partitionBits, workspaceId, "|");
  const arrays: Record<string, unknown[]> = Object.fromEntries(WORKSPACE_ARTIFACTS.map((artifact) => [artifact, []]));
  const childFilter = odata`PartitionKey eq ${children.partitionKey} and RowKey gt ${children.rowKey} and RowKey lt ${`${children.rowKey.slice(0, -1)}}`}`;
  for await (const { rowKey, item } of readItems<unknown>(api.rows, childFilter)) {
    const artifact = rowKey.slice(children.rowKey.length).split("|")[0]!;
    arrays[artifact]?.push(item);
  }
  return json({ ...workspace, ...arrays });
};
