import { randomUUID } from "node:crypto";
import { errorReply, jsonReply, type Reply, type SimRequest } from "./httpReply";
import { powerBiAuthFailure } from "./powerBiAuth";
import { powerBiThrottled } from "./powerBiGroupsRoute";
import type { ScannerCall } from "./scannerBudget";
import { listedWorkspaceId, listedWorkspaceIndices } from "./scannerModified";
import { GUID, parseGetInfoBody, parseModifiedQuery, parseScanOptions } from "./scannerQuery";
import type { ScanRequest, ScanStatus } from "./scannerTypes";
import { requestOrigin, type TenantContext } from "./tenantContext";

// Error codes: 400 InvalidRequest (bad query, body or scan id, and a result asked for before Succeeded), 404
// PowerBIEntityNotFound (unknown or expired scan), 429 TooManyRequests (with Retry-After for a spent budget, without
// for the 16-scan limit). The service does not document its codes for these cases; these are our best reading.
const BASE = "/v1.0/myorg/admin/workspaces";

/** The service writes scan times with seven fractional digits: 2020-06-15T16:46:28.0487687Z. */
export function scanTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/** The 429 of the 16-scan limit: unlike the hourly one, it has no Retry-After. */
export function scannerBusy(limit: number): Reply {
  return errorReply(
    429,
    "TooManyRequests",
    `The maximum of ${limit} simultaneous scans has been reached. Wait for running scans to complete and retry.`,
  );
}

/** Method, token and budget checks every scanner route makes, in the service's order; undefined when all pass. */
function admit(context: TenantContext, request: SimRequest, method: string, call: ScannerCall): Reply | undefined {
  if (request.method !== method) return errorReply(405, "InvalidRequest", `${request.method} is not supported here.`);
  const denied = powerBiAuthFailure(context, request);
  if (denied !== undefined) return denied;
  // Every authenticated call spends its budget, a bad request too.
  const spent = context.scanner.budgets.spend(call);
  return spent.ok ? undefined : powerBiThrottled(spent.retryAfterSeconds);
}

const headers = (): Record<string, string> => ({ requestid: randomUUID() });

/** `GET admin/workspaces/modified`: a bare array `[{"id"}]` of the workspaces modified since, or of all. */
export function scannerModifiedRoute(context: TenantContext, request: SimRequest): Reply {
  const refused = admit(context, request, "GET", "modified");
  if (refused !== undefined) return refused;
  const { scanner } = context;
  const query = parseModifiedQuery(request.url.searchParams, scanner.now(), {
    minAgeMs: scanner.settings.modifiedSinceMinAgeMs,
    maxAgeMs: scanner.settings.modifiedSinceMaxAgeMs,
  });
  if (typeof query === "string") return errorReply(400, "InvalidRequest", query);
  const ids = listedWorkspaceIndices(scanner.view(), query).map((index) => ({
    id: listedWorkspaceId(context.seed, index),
  }));
  return jsonReply(200, ids, headers());
}

/**
 * `POST admin/workspaces/getInfo`: starts a scan of 1..100 workspaces; 202 with the scan's id. Ids match in any case;
 * unknown and removed ones are simply absent from the result; workspaces in state Deleted are still described.
 */
export function scannerGetInfoRoute(context: TenantContext, request: SimRequest): Reply {
  const refused = admit(context, request, "POST", "getInfo");
  if (refused !== undefined) return refused;
  const options = parseScanOptions(request.url.searchParams);
  if (typeof options === "string") return errorReply(400, "InvalidRequest", options);
  const ids = parseGetInfoBody(request.body);
  if (typeof ids === "string") return errorReply(400, "InvalidRequest", ids);
  const { scanner } = context;
  const started = scanner.startScan(ids, options);
  if (started === undefined) return scannerBusy(scanner.settings.maxConcurrentScans);
  const body: ScanRequest = { id: started.id, createdDateTime: scanTime(started.createdAt), status: "NotStarted" };
  return jsonReply(202, body, {
    ...headers(),
    location: `${requestOrigin(context, request)}${BASE}/scanStatus/${started.id}`,
  });
}

/** The scan id at the end of the path, or the 400 for one that is not a GUID. */
function scanIdOf(request: SimRequest): string | Reply {
  const id = decodeURIComponent(request.url.pathname.split("/").pop() ?? "");
  return GUID.test(id) ? id : errorReply(400, "InvalidRequest", `The scan id '${id}' is not a GUID.`);
}

function scanNotFound(id: string): Reply {
  return errorReply(404, "PowerBIEntityNotFound", `Scan ${id} was not found; scan results are kept for 24 hours.`);
}

/** `GET admin/workspaces/scanStatus/{scanId}`: NotStarted, Running, then Succeeded or Failed (with `error`). */
export function scannerScanStatusRoute(context: TenantContext, request: SimRequest): Reply {
  const refused = admit(context, request, "GET", "scanStatus");
  if (refused !== undefined) return refused;
  const id = scanIdOf(request);
  if (typeof id !== "string") return id;
  const state = context.scanner.scanState(id);
  if (state === undefined) return scanNotFound(id);
  const body: ScanRequest = { id: id.toLowerCase(), createdDateTime: scanTime(state.createdAt), status: state.status };
  if (state.status === "Failed" && state.error !== undefined) body.error = state.error;
  return jsonReply(200, body, headers());
}

/** `GET admin/workspaces/scanResult/{scanId}`: the WorkspaceInfo of a succeeded scan; 400 before, 404 once expired. */
export function scannerScanResultRoute(context: TenantContext, request: SimRequest): Reply {
  const refused = admit(context, request, "GET", "scanResult");
  if (refused !== undefined) return refused;
  const id = scanIdOf(request);
  if (typeof id !== "string") return id;
  const state = context.scanner.scanState(id);
  if (state === undefined) return scanNotFound(id);
  const result = context.scanner.scanResult(id);
  if (result === undefined) return notReady(id, state.status);
  return jsonReply(200, result, headers());
}

function notReady(id: string, status: ScanStatus): Reply {
  return errorReply(
    400,
    "InvalidRequest",
    `Scan ${id} is ${status}; get its result only after scanStatus reports Succeeded.`,
  );
}
