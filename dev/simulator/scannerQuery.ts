import { z } from "zod";
import type { ModifiedQuery } from "./scannerModified";
import { SCAN_FLAGS, type ScanOptions } from "./scannerTypes";

/** A GUID in any case, as the service accepts workspace and scan ids. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 in UTC (`Z`), with up to seven fractional digits as the service writes them. */
const UTC_INSTANT = /^(\d{4}-\d\d-\d\dT\d\d:\d\d)(:\d\d)?(?:\.(\d{1,7}))?Z$/;
export const MAX_WORKSPACES_PER_SCAN = 100;

function flag(query: URLSearchParams, name: string): boolean | string {
  const value = query.get(name);
  if (value === null) return false;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  return `The query parameter '${name}' must be true or false, not '${value}'.`;
}

function unknownParameter(query: URLSearchParams, known: readonly string[]): string | undefined {
  const unknown = [...query.keys()].find((key) => !known.includes(key));
  return unknown === undefined ? undefined : `The query parameter '${unknown}' is not supported.`;
}

/** The flags of getInfo (each `true`/`false` in any case, default false); a string is the 400's message. */
export function parseScanOptions(query: URLSearchParams): ScanOptions | string {
  const unknown = unknownParameter(query, SCAN_FLAGS);
  if (unknown !== undefined) return unknown;
  const options: Record<string, boolean> = {};
  for (const name of SCAN_FLAGS) {
    const value = flag(query, name);
    if (typeof value === "string") return value;
    options[name] = value;
  }
  return options as unknown as ScanOptions;
}

/** Epoch ms of an ISO 8601 UTC instant, or undefined when it is not one (offsets other than Z are refused). */
export function parseUtcInstant(text: string): number | undefined {
  const match = UTC_INSTANT.exec(text);
  if (match === null) return undefined;
  const fraction = (match[3] ?? "").padEnd(3, "0").slice(0, 3);
  const epoch = Date.parse(`${match[1]}${match[2] ?? ":00"}.${fraction}Z`);
  return Number.isNaN(epoch) ? undefined : epoch;
}

/**
 * The query of admin/workspaces/modified: `modifiedSince` must be ISO 8601 UTC between `maxAgeMs` and `minAgeMs`
 * before `now` (30 days and 30 minutes on the service); a string is the 400's message.
 */
export function parseModifiedQuery(
  query: URLSearchParams,
  now: number,
  bounds: { readonly minAgeMs: number; readonly maxAgeMs: number },
): ModifiedQuery | string {
  const unknown = unknownParameter(query, ["modifiedSince", "excludePersonalWorkspaces", "excludeInActiveWorkspaces"]);
  if (unknown !== undefined) return unknown;
  const excludePersonalWorkspaces = flag(query, "excludePersonalWorkspaces");
  if (typeof excludePersonalWorkspaces === "string") return excludePersonalWorkspaces;
  const excludeInActiveWorkspaces = flag(query, "excludeInActiveWorkspaces");
  if (typeof excludeInActiveWorkspaces === "string") return excludeInActiveWorkspaces;
  const text = query.get("modifiedSince");
  if (text === null) return { excludePersonalWorkspaces, excludeInActiveWorkspaces };
  const modifiedSince = parseUtcInstant(text);
  if (modifiedSince === undefined) {
    return `The modifiedSince parameter '${text}' is not an ISO 8601 date and time in UTC (e.g. 2024-05-01T08:00:00.0000000Z).`;
  }
  if (modifiedSince > now - bounds.minAgeMs || modifiedSince < now - bounds.maxAgeMs) {
    return `The modifiedSince parameter must be between ${bounds.minAgeMs / 60_000} minutes and ${bounds.maxAgeMs / 86_400_000} days before the current time.`;
  }
  return { modifiedSince, excludePersonalWorkspaces, excludeInActiveWorkspaces };
}

const getInfoBody = z.object({
  workspaces: z
    .array(z.string().regex(GUID, "each workspace id must be a GUID"))
    .min(1, "name at least one workspace")
    .max(MAX_WORKSPACES_PER_SCAN, `name at most ${MAX_WORKSPACES_PER_SCAN} workspaces`),
});

/** The workspace ids of a getInfo body `{"workspaces":[1..100 GUIDs]}`; a string is the 400's message. */
export function parseGetInfoBody(body: string): string[] | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'The request body must be JSON: {"workspaces": ["<workspace id>", ...]}.';
  }
  const parsed = getInfoBody.safeParse(json);
  if (parsed.success) return parsed.data.workspaces;
  const issue = parsed.error.issues[0];
  return `Invalid request body at '${issue?.path.join(".") || "(root)"}': ${issue?.message ?? "invalid"}.`;
}
