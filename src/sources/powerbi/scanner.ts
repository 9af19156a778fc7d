import { z } from "zod";
import type { UpstreamClient } from "../../upstream/upstreamClient";
import { UpstreamError } from "../../upstream/upstreamError";
import { describeIssue } from "../../common/describeIssue";

/* Power BI's scanner API (Admin - WorkspaceInfo): the list of workspace ids, and scans of up to 100 at a time. */

const BASE = "/v1.0/myorg/admin/workspaces";

/** What a scan may include, as getInfo's query flags name it. */
export const SCAN_OPTIONS = [
  "lineage",
  "datasourceDetails",
  "getArtifactUsers",
  "datasetSchema",
  "datasetExpressions",
] as const;
export type ScanOption = (typeof SCAN_OPTIONS)[number];

/** Workspaces per getInfo call, the service's maximum. */
export const SCAN_CHUNK = 100;

export type ScanStatus = "NotStarted" | "Running" | "Succeeded" | "Failed";

const idList = z.array(z.looseObject({ id: z.string().min(1) }));
const scanSchema = z.looseObject({
  id: z.string().min(1),
  createdDateTime: z.string().optional(),
  status: z.enum(["NotStarted", "Running", "Succeeded", "Failed"]),
  error: z.unknown().optional(),
});

/** A WorkspaceInfo workspace: an id is what the product relies on; every other property is kept as sent. */
export const workspaceInfoSchema = z.looseObject({ id: z.string().min(1) });
export type WorkspaceInfo = z.output<typeof workspaceInfoSchema>;

const resultSchema = z.looseObject({
  workspaces: z.array(z.unknown()).default([]),
  datasourceInstances: z.array(z.unknown()).optional(),
  misconfiguredDatasourceInstances: z.array(z.unknown()).optional(),
});
export type ScanResult = z.output<typeof resultSchema>;

function payload<S extends z.ZodType>(schema: S, body: unknown, path: string, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new UpstreamError({
    service: "powerbi",
    status: 200,
    serviceCode: "UnexpectedPayload",
    requestId: undefined,
    path,
    detail: `the answer does not look like ${what} (${describeIssue(parsed.error.issues)})`,
  });
}

/**
 * The ids of every workspace (one call; the 30-an-hour budget), or of those modified since `modifiedSince`, which
 * the service wants 30 minutes to 30 days old. Personal workspaces are left out unless asked for; inactive ones are.
 */
export async function listWorkspaceIds(
  client: UpstreamClient,
  options: { includePersonal: boolean; modifiedSince?: Date },
): Promise<string[]> {
  const path = `${BASE}/modified`;
  const body = await client.getJson(path, {
    excludePersonalWorkspaces: String(!options.includePersonal),
    excludeInActiveWorkspaces: "true",
    modifiedSince: options.modifiedSince?.toISOString(),
  });
  return payload(idList, body, path, "a list of workspace ids").map((workspace) => workspace.id);
}

/** Asks for a scan of up to 100 workspaces (one call of the 500-an-hour getInfo budget, never retried blindly). */
export async function submitScan(
  client: UpstreamClient,
  workspaceIds: readonly string[],
  options: readonly ScanOption[],
): Promise<{ id: string; status: ScanStatus }> {
  const path = `${BASE}/getInfo`;
  const query = Object.fromEntries(SCAN_OPTIONS.map((option) => [option, String(options.includes(option))]));
  const body = await client.send({ method: "POST", path, query, body: { workspaces: workspaceIds } });
  return payload(scanSchema, body, path, "a scan");
}

/** Where a scan stands. */
export async function scanStatus(
  client: UpstreamClient,
  scanId: string,
): Promise<{ status: ScanStatus; error?: unknown }> {
  const path = `${BASE}/scanStatus/${encodeURIComponent(scanId)}`;
  return payload(scanSchema, await client.getJson(path), path, "a scan status");
}

/** A succeeded scan's result (kept by the service for 24 hours; one call of the 500-an-hour budget). */
export async function scanResult(client: UpstreamClient, scanId: string): Promise<ScanResult> {
  const path = `${BASE}/scanResult/${encodeURIComponent(scanId)}`;
  return payload(resultSchema, await client.getJson(path), path, "a scan result");
}
