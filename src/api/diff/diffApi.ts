import { z } from "zod";
import { parseSnapshotId } from "../../store/snapshot";
import { badRequest } from "../apiError";
import type { ApiContext } from "../apiContext";
import { conditional } from "../caching";
import { exportResponse } from "../exportResponse";
import { json } from "../httpHandler";
import { isItemPosition } from "../itemsRoute";
import { kindParam } from "../kindParam";
import { operation, type Operation } from "../operation";
import { diffPath } from "../paths";
import { tokenParam, topParam } from "../query";
import { chooseFormat } from "../responseFormat";
import { diffPageSchema, diffSummarySchema, type DiffEntry } from "../schemas";
import { succeededSnapshot } from "../snapshotsApi";
import { cachedSummary } from "./cachedSummary";
import { diffSteps, type DiffSides, type DiffStep } from "./snapshotDiff";

/** Keys compared per page at most, so a page of a large, quiet diff still answers in seconds. */
export const DIFF_SCAN_LIMIT = 25_000;
const ROUTE = "diff";

/** GET /snapshots/{snapshotId}/diff/{toSnapshotId} and its summary, for the kinds named. */
export function diffOperations(kinds: readonly string[]): { diff: Operation; summary: Operation } {
  const kind = kindParam(kinds, "needed only when both sides are `latest`");
  return { diff: diffSnapshotsOperation(kind), summary: diffSummaryOperation(kind) };
}

type KindParam = ReturnType<typeof kindParam>;

/** GET /snapshots/{snapshotId}/diff/{toSnapshotId}: what changed from one snapshot to the other. */
const diffSnapshotsOperation = (kind: KindParam) =>
  operation(
    {
      summary: "What changed between two snapshots",
      description:
        "Items added, removed and changed, with the changed properties' old and new values (for workspaces also " +
        "their users' access and their artifacts, element by element). Pages may hold fewer than top entries, even " +
        "none, and still continue: follow continuationToken until it is null. The counts are at .../summary.",
      tags: ["diff"],
      path: diffPath,
      query: z.object({
        kind,
        top: topParam,
        continuationToken: tokenParam,
        format: z
          .enum(["json", "ndjson"])
          .optional()
          .describe("json (pages) or ndjson (every difference in one stream)"),
      }),
      responses: [
        {
          status: 200,
          description: "a page of differences, or all of them as NDJSON",
          schema: diffPageSchema,
          media: { "application/x-ndjson": "one DiffEntry per line" },
        },
      ],
      errors: [404, 409],
      conditional: true,
    },
    async ({ query, path }, request, api, context) => {
      const format = chooseFormat(request, query.format, ["json", "ndjson"]);
      if (format !== "json" && (request.query.has("top") || query.continuationToken !== undefined)) {
        throw badRequest(
          "NotApplicable",
          "top and continuationToken page JSON; format=ndjson streams every difference",
        );
      }
      const { sides, position } = await diffSides(api, path, query.kind, query.continuationToken);
      return conditional(request, cacheKey(path, sides, { ...query, format }), async () => {
        const steps = diffSteps(api.rows, sides, position);
        if (format === "ndjson") {
          const name = `diff-${sides.older.id}-${sides.newer.id}`;
          return exportResponse(entries(steps), { format, name, columns: [] }, context);
        }
        const page = await diffPage(steps, query.top);
        return json({
          kind: sides.kind,
          from: sides.older.id,
          to: sides.newer.id,
          items: page.items,
          continuationToken: api.tokens.encode(tokenScope(sides), page.next),
        } satisfies z.input<typeof diffPageSchema>);
      });
    },
  );

/** GET /snapshots/{snapshotId}/diff/{toSnapshotId}/summary: the diff's counts, from one streaming pass. */
const diffSummaryOperation = (kind: KindParam) =>
  operation(
    {
      summary: "How many items changed between two snapshots",
      description:
        "One pass over both snapshots, kept beside the newer one after the first request; both are immutable, so " +
        "the answer is cacheable.",
      tags: ["diff"],
      path: diffPath,
      query: z.object({ kind }),
      responses: [{ status: 200, description: "the counts", schema: diffSummarySchema }],
      errors: [404, 409],
      conditional: true,
    },
    async ({ query, path }, request, api) => {
      const { sides } = await diffSides(api, path, query.kind, undefined);
      return conditional(request, cacheKey(path, sides, { summary: true, ...query }), async () =>
        json((await cachedSummary(api, sides)) satisfies z.input<typeof diffSummarySchema>),
      );
    },
  );

type DiffPath = z.output<typeof diffPath>;

function tokenScope(sides: DiffSides) {
  return { route: ROUTE, snapshot: pairOf(sides), query: {} };
}

/**
 * The two succeeded snapshots of one kind and the position to resume at. The kind comes from `kind`, else from
 * whichever id is not `latest`. A token pins the pair it was issued for, so `latest` does not move mid-paging.
 */
async function diffSides(
  api: ApiContext,
  path: DiffPath,
  kindGiven: string | undefined,
  token: string | undefined,
): Promise<{ sides: DiffSides; position: string | undefined }> {
  const kind = kindGiven ?? parseSnapshotId(path.snapshotId)?.kind ?? parseSnapshotId(path.toSnapshotId)?.kind;
  const declaration = kind === undefined ? undefined : api.kinds.get(kind)?.diff;
  if (kind === undefined || declaration === undefined) {
    if (path.snapshotId === "latest" && path.toSnapshotId === "latest") {
      throw badRequest(
        "KindRequired",
        `comparing \`latest\` with \`latest\` needs ?kind= (${[...api.kinds.keys()].join(", ")})`,
      );
    }
    throw badRequest(
      "InvalidSnapshotId",
      "snapshot ids must be `latest` or ids such as 20261123T021500123Z-users-3fa9c2",
    );
  }
  let [fromId, toId] = [path.snapshotId, path.toSnapshotId];
  if (token !== undefined && (fromId === "latest" || toId === "latest")) {
    const [pinnedFrom = "", pinnedTo = ""] = api.tokens.snapshotOf(ROUTE, token).split(" ");
    if (fromId === "latest") fromId = pinnedFrom;
    if (toId === "latest") toId = pinnedTo;
  }
  const [older, newer] = await Promise.all([succeededSnapshot(api, fromId, kind), succeededSnapshot(api, toId, kind)]);
  const sides: DiffSides = { tenantId: api.tenantId, kind, declaration, older, newer };
  const position = api.tokens.decode(tokenScope(sides), token);
  if (position !== undefined && !isItemPosition(position)) {
    throw badRequest("InvalidContinuationToken", "continuationToken is not a position of this diff");
  }
  return { sides, position };
}

function pairOf(sides: DiffSides): string {
  return `${sides.older.id} ${sides.newer.id}`;
}

function cacheKey(path: DiffPath, sides: DiffSides, variant: Record<string, unknown>) {
  return {
    route: ROUTE,
    snapshotIds: [sides.older.id, sides.newer.id],
    latest: path.snapshotId === "latest" || path.toSnapshotId === "latest",
    variant,
  };
}

/** Up to `top` differences, stopping early after DIFF_SCAN_LIMIT keys; the token resumes after the last key compared. */
async function diffPage(
  steps: AsyncIterable<DiffStep>,
  top: number,
): Promise<{ items: DiffEntry[]; next: string | undefined }> {
  const items: DiffEntry[] = [];
  let scanned = 0;
  for await (const { key, entry } of steps) {
    if (entry !== undefined) items.push(entry);
    if (items.length === top || ++scanned >= DIFF_SCAN_LIMIT) return { items, next: key };
  }
  return { items, next: undefined };
}

async function* entries(steps: AsyncIterable<DiffStep>): AsyncGenerator<Record<string, unknown>> {
  for await (const { entry } of steps) if (entry !== undefined) yield entry;
}
