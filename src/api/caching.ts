import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { createHash } from "node:crypto";

/** Bumped when a representation changes, so caches drop what an older deployment answered. */
const REPRESENTATION_VERSION = "1";
/** A named snapshot never changes (retention may delete it, after days). */
const FIXED = "private, max-age=86400";
/** `latest` moves when a sync succeeds, at most about once a minute with on-demand syncs. */
const MOVING = "private, max-age=60";

/** What an answer depends on: the route, the succeeded snapshots it read, and the validated query. */
export interface CacheKey {
  route: string;
  /** Resolved ids, never `latest`. */
  snapshotIds: readonly string[];
  /** The URL said `latest`, so the same URL may soon mean another snapshot. */
  latest: boolean;
  /** The parsed query and anything else that shapes the answer (the negotiated format); not the function key. */
  variant: Readonly<Record<string, unknown>>;
}

/** A strong ETag: succeeded snapshots are immutable, so the key determines the bytes. */
export function entityTag(key: CacheKey): string {
  const hash = createHash("sha256")
    .update(
      JSON.stringify([REPRESENTATION_VERSION, key.route, key.snapshotIds, Object.entries(key.variant).sort(byName)]),
    )
    .digest("base64url");
  return `"${hash.slice(0, 32)}"`;
}

/**
 * Answers a conditional GET: 304 without producing anything when If-None-Match names the current tag, else the
 * produced answer, both with the ETag and a Cache-Control fit for how long the URL keeps meaning the same thing.
 */
export async function conditional(
  request: HttpRequest,
  key: CacheKey,
  produce: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  const etag = entityTag(key);
  const headers = { ETag: etag, "Cache-Control": key.latest ? MOVING : FIXED, Vary: "Accept" };
  if (ifNoneMatch(request.headers.get("if-none-match"), etag)) return { status: 304, headers };
  const response = await produce();
  return { ...response, headers: { ...Object.fromEntries(new Headers(response.headers)), ...headers } };
}

/** RFC 9110 If-None-Match: `*` or a list of tags, compared weakly (a W/ prefix does not matter). */
function ifNoneMatch(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed.replace(/^W\//, "") === etag;
  });
}

function byName([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
