import { randomUUID } from "node:crypto";
import { errorReply, type Reply, type SimRequest } from "./httpReply";
import type { WorkspaceExpansion } from "./powerBiTypes";
import { matchesFilter, parsePowerBiQuery, type PowerBiQuery } from "./powerBiQuery";
import { workspaceSummary } from "./simulatedWorkspace";
import { powerBiAuthFailure } from "./powerBiAuth";
import { requestOrigin, type TenantContext } from "./tenantContext";

/** The JSON the service sends with its 429 once the admin API budget is spent. */
export function powerBiThrottled(retryAfterSeconds: number): Reply {
  return errorReply(
    429,
    "TooManyRequests",
    `You have exceeded the amount of requests allowed in the current time frame and further requests will fail. Retry in ${retryAfterSeconds} seconds.`,
    { "retry-after": String(retryAfterSeconds) },
  );
}

/** Power BI `GET /v1.0/myorg/admin/groups` (Get Groups As Admin) with its paging, expansions, filter and budget. */
export function powerBiGroupsRoute(context: TenantContext, request: SimRequest): Reply {
  const origin = requestOrigin(context, request);
  if (request.method !== "GET") return errorReply(405, "InvalidRequest", `${request.method} is not supported here.`);
  const denied = powerBiAuthFailure(context, request);
  if (denied !== undefined) return denied;
  // Every authenticated call spends budget, a bad request too, as on the real service.
  if (!context.budget.spend()) return powerBiThrottled(context.budget.retryAfterSeconds);
  const query = parsePowerBiQuery(request.url.searchParams);
  if (typeof query === "string") return errorReply(400, "InvalidRequest", query);
  const indices = pageIndices(context, query);
  return {
    status: 200,
    headers: { requestid: randomUUID() },
    page: {
      // The real service may send a count; the product uses it to skip the empty last call.
      head: {
        "@odata.context": `${origin}/v1.0/myorg/admin/$metadata#groups`,
        "@odata.count": matchingCount(context, query),
      },
      items: expandedWorkspaces(context, indices, query.expand),
    },
  };
}

/** How many workspaces match the query's filter. */
function matchingCount(context: TenantContext, query: PowerBiQuery): number {
  const total = context.workspaces + context.edits.addedWorkspaces;
  if (query.filter.length === 0 && context.edits.workspacesContiguous) return total;
  let count = 0;
  for (let index = 0; index < total; index += 1) {
    if (served(context, index, query)) count += 1;
  }
  return count;
}

/** Whether the workspace at `index` exists and passes the query's filter. */
function served(context: TenantContext, index: number, query: PowerBiQuery): boolean {
  return !context.edits.workspaceRemoved(index) && matchesFilter(workspaceSummary(context.seed, index), query.filter);
}

/**
 * The workspace indices of one page. With unstable paging every page after the first starts a few rows early, as if
 * workspaces were created while the client paged: it sees duplicates and never a gap.
 */
function pageIndices(context: TenantContext, query: PowerBiQuery): number[] {
  const start = query.skip > 0 ? Math.max(0, query.skip - context.unstablePagingRows) : 0;
  const total = context.workspaces + context.edits.addedWorkspaces;
  if (query.filter.length === 0 && context.edits.workspacesContiguous) {
    const end = Math.min(start + query.top, total);
    return Array.from({ length: Math.max(0, end - start) }, (_, k) => start + k);
  }
  const indices: number[] = [];
  let seen = 0;
  for (let index = 0; index < total && indices.length < query.top; index += 1) {
    if (!served(context, index, query)) continue;
    if (seen >= start) indices.push(index);
    seen += 1;
  }
  return indices;
}

function* expandedWorkspaces(
  context: TenantContext,
  indices: number[],
  expand: ReadonlySet<WorkspaceExpansion>,
): Generator<unknown> {
  for (const index of indices) yield context.edits.workspace(context.seed, index, expand);
}
