import { z } from "zod";
import { MANIFEST_ROW_KEY, publicSnapshot, type SnapshotRecord } from "../store/manifestStore";
import { parseSnapshotId } from "../store/snapshot";
import { ApiError, badRequest, notFound } from "./apiError";
import type { ApiContext } from "./apiContext";
import { conditional } from "./caching";
import { json } from "./httpHandler";
import { kindParam } from "./kindParam";
import { operation, type Operation } from "./operation";
import { tokenParam, topParam } from "./query";
import { snapshotPath } from "./paths";
import { snapshotSchema, snapshotsPageSchema } from "./schemas";

/** GET /snapshots: manifests newest first, of every kind or of one of `kinds`. */
export function listSnapshotsOperation(kinds: readonly string[]): Operation {
  return operation(
    {
      summary: "List snapshots, newest first",
      tags: ["snapshots"],
      path: z.object({}),
      query: z.object({
        kind: kindParam(kinds, "only snapshots of this kind"),
        top: topParam,
        continuationToken: tokenParam,
      }),
      responses: [{ status: 200, description: "a page of manifests", schema: snapshotsPageSchema }],
    },
    async ({ query }, _request, api) => {
      const scope = { route: "snapshots", snapshot: "", query: { kind: query.kind } };
      const position = api.tokens.decode(scope, query.continuationToken);
      if (position !== undefined && !MANIFEST_ROW_KEY.test(position)) {
        throw badRequest("InvalidContinuationToken", "continuationToken is from an older version of this API");
      }
      const page = await api.manifests.page({ kind: query.kind }, query.top, position);
      return json({
        items: page.items.map(publicSnapshot),
        continuationToken: api.tokens.encode(scope, page.next),
      } satisfies z.input<typeof snapshotsPageSchema>);
    },
  );
}

/** GET /snapshots/{snapshotId}: one manifest; `latest` needs `kind`. */
export function getSnapshotOperation(kinds: readonly string[]): Operation {
  return operation(
    {
      summary: "Get a snapshot's manifest",
      description: "`latest` needs `kind`. A succeeded snapshot's manifest never changes, so it is cacheable.",
      tags: ["snapshots"],
      path: snapshotPath,
      query: z.object({ kind: kindParam(kinds, "needed with `latest`") }),
      responses: [{ status: 200, description: "the manifest", schema: snapshotSchema }],
      errors: [404],
      conditional: true,
    },
    async ({ query, path }, request, api) => {
      const latest = path.snapshotId === "latest";
      if (latest && query.kind === undefined) {
        throw badRequest("KindRequired", `\`latest\` needs ?kind= (${kinds.join(", ")})`);
      }
      const record = latest ? await latestSucceeded(api, query.kind!) : await findSnapshot(api, path.snapshotId);
      const answer = () => Promise.resolve(json(publicSnapshot(record) satisfies z.input<typeof snapshotSchema>));
      if (record.status !== "succeeded") return { ...(await answer()), headers: { "Cache-Control": "no-cache" } };
      return conditional(request, { route: "snapshot", snapshotIds: [record.id], latest, variant: query }, answer);
    },
  );
}

async function latestSucceeded(api: ApiContext, kind: string): Promise<SnapshotRecord> {
  const record = await api.manifests.latestSucceeded(kind);
  if (record === undefined) throw notFound("NoSnapshot", `there is no succeeded ${kind} snapshot yet`);
  return record;
}

async function findSnapshot(api: ApiContext, id: string): Promise<SnapshotRecord> {
  const parsed = parseSnapshotId(id);
  if (parsed === undefined || !api.kinds.has(parsed.kind)) {
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
export async function succeededSnapshot(api: ApiContext, id: string, kind: string): Promise<SnapshotRecord> {
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
