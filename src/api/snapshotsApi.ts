import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { publicSnapshot, type SnapshotRecord } from "../store/manifestStore";
import { SNAPSHOT_KINDS, parseSnapshotId, type SnapshotKind } from "../store/snapshot";
import { ApiError, badRequest, notFound } from "./apiError";
import type { ApiContext } from "./apiContext";
import { conditional } from "./caching";
import { json } from "./httpHandler";
import { operation } from "./operation";
import { tokenParam, topParam } from "./query";
import { snapshotPath } from "./paths";
import { snapshotSchema, snapshotsPageSchema } from "./schemas";

const listQuery = z.object({
  kind: z.enum(SNAPSHOT_KINDS).optional().describe("users or workspaces"),
  top: topParam,
  continuationToken: tokenParam,
});

/** GET /snapshots: manifests newest first. */
export const listSnapshotsOperation = operation(
  {
    summary: "List snapshots, newest first",
    tags: ["snapshots"],
    path: z.object({}),
    query: listQuery,
    responses: [{ status: 200, description: "a page of manifests", schema: snapshotsPageSchema }],
  },
  async ({ query }, _request, api) => {
    const route = `snapshots:${query.kind ?? ""}`;
    const position = api.tokens.decode(route, "", query.continuationToken);
    const page = await api.manifests.page({ kind: query.kind }, query.top, position);
    return json({
      items: page.items.map(publicSnapshot),
      continuationToken: api.tokens.encode(route, "", page.continuationToken),
    } satisfies z.input<typeof snapshotsPageSchema>);
  },
);
export const listSnapshots = listSnapshotsOperation.handler;

/** GET /snapshots/{snapshotId}: one manifest; `latest` needs `kind`. */
export const getSnapshotOperation = operation(
  {
    summary: "Get a snapshot's manifest",
    description: "`latest` needs `kind`. A succeeded snapshot's manifest never changes, so it is cacheable.",
    tags: ["snapshots"],
    path: snapshotPath,
    query: z.object({ kind: z.enum(SNAPSHOT_KINDS).optional().describe("with `latest`: users or workspaces") }),
    responses: [{ status: 200, description: "the manifest", schema: snapshotSchema }],
    errors: [404],
    conditional: true,
  },
  async ({ query, path }, request, api) => {
    const latest = path.snapshotId === "latest";
    if (latest && query.kind === undefined) {
      throw badRequest("KindRequired", "`latest` needs ?kind=users or ?kind=workspaces");
    }
    const record = latest ? await latestSucceeded(api, query.kind!) : await findSnapshot(api, path.snapshotId);
    const answer = () => Promise.resolve(json(publicSnapshot(record) satisfies z.input<typeof snapshotSchema>));
    if (record.status !== "succeeded") return { ...(await answer()), headers: { "Cache-Control": "no-cache" } };
    return conditional(request, { route: "snapshot", snapshotIds: [record.id], latest, variant: query }, answer);
  },
);
export const getSnapshot = getSnapshotOperation.handler;

async function latestSucceeded(api: ApiContext, kind: SnapshotKind): Promise<SnapshotRecord> {
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
 * The succeeded snapshot of `kind` that `id` (`latest` or an id) names. Rows of a snapshot that has not succeeded
 * are never served.
 */
export async function succeededSnapshot(api: ApiContext, id: string, kind: SnapshotKind): Promise<SnapshotRecord> {
  const record = id === "latest" ? await latestSucceeded(api, kind) : await findSnapshot(api, id);
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

/** The succeeded snapshot of `kind` that a data route's `{snapshotId}` names. */
export function readableSnapshot(request: HttpRequest, api: ApiContext, kind: SnapshotKind): Promise<SnapshotRecord> {
  return succeededSnapshot(api, request.params.snapshotId ?? "", kind);
}
