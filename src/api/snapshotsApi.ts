import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { publicSnapshot, type SnapshotRecord } from "../store/manifestStore";
import { SNAPSHOT_KINDS, parseSnapshotId, type SnapshotKind } from "../store/snapshot";
import { ApiError, badRequest, notFound } from "./apiError";
import type { ApiContext } from "./apiContext";
import { json, type ApiHandler } from "./httpHandler";
import { parseQuery, tokenParam, topParam } from "./query";

const listQuery = z.object({ kind: z.enum(SNAPSHOT_KINDS).optional(), top: topParam, continuationToken: tokenParam });

/** GET /snapshots: manifests newest first. */
export const listSnapshots: ApiHandler = async (request, api) => {
  const query = parseQuery(request, listQuery);
  const route = `snapshots:${query.kind ?? ""}`;
  const position = api.tokens.decode(route, "", query.continuationToken);
  const page = await api.manifests.page({ kind: query.kind }, query.top, position);
  return json({
    items: page.items.map(publicSnapshot),
    continuationToken: api.tokens.encode(route, "", page.continuationToken),
  });
};

/** GET /snapshots/{snapshotId}: one manifest; `latest` needs `kind`. */
export const getSnapshot: ApiHandler = async (request, api) => {
  const query = parseQuery(request, z.object({ kind: z.enum(SNAPSHOT_KINDS).optional() }));
  const id = request.params.snapshotId ?? "";
  if (id === "latest") {
    if (query.kind === undefined) throw badRequest("KindRequired", "`latest` needs ?kind=users or ?kind=workspaces");
    return json(publicSnapshot(await latest(api, query.kind)));
  }
  return json(publicSnapshot(await findSnapshot(api, id)));
};

async function latest(api: ApiContext, kind: SnapshotKind): Promise<SnapshotRecord> {
  const record = await api.manifests.latestSucceeded(kind);
  if (record === undefined) throw notFound("NoSnapshot", `there is no succeeded ${kind} snapshot yet`);
  return record;
}

async function findSnapshot(api: ApiContext, id: string): Promise<SnapshotRecord> {
  if (parseSnapshotId(id) === undefined) {
    throw badRequest(
      "InvalidSnapshotId",
      "snapshotId must be `latest` or an id such as 20261123T021500123Z-users-3fa9c2",
    );
  }
  const record = await api.manifests.get(id);
  if (record === undefined) throw notFound("SnapshotNotFound", `snapshot ${id} does not exist`);
  return record;
}

/**
 * The succeeded snapshot of `kind` that a data route reads: `latest` or an id. Rows of a snapshot that has not
 * succeeded are never served.
 */
export async function readableSnapshot(
  request: HttpRequest,
  api: ApiContext,
  kind: SnapshotKind,
): Promise<SnapshotRecord> {
  const id = request.params.snapshotId ?? "";
  const record = id === "latest" ? await latest(api, kind) : await findSnapshot(api, id);
  if (record.kind !== kind)
    throw badRequest("WrongSnapshotKind", `snapshot ${record.id} is a ${record.kind} snapshot, not ${kind}`);
  if (record.status !== "succeeded") {
    throw new ApiError(
      409,
      "SnapshotNotReady",
      `snapshot ${record.id} is ${record.status}; only succeeded snapshots are served`,
    );
  }
  return record;
}
