import { z } from "zod";
import { conflict } from "./apiError";
import { operation, type Operation } from "./operation";
import { syncAcceptedSchema } from "./schemas";

/**
 * POST /sync/{kind}: queues an on-demand sync of one of `kinds`, which the resume timer starts within its period (a
 * minute by default; at once on the local host); the HTTP trigger itself cannot keep working after it answers.
 */
export function requestSyncOperation(kinds: readonly string[]): Operation {
  const [first, ...rest] = kinds;
  if (first === undefined) throw new Error("no kind is registered");
  return operation(
    {
      summary: "Start a sync now",
      description:
        "Queues a snapshot and answers at once; the resume timer starts it within a minute. Poll the snapshot at " +
        "Location until its status is succeeded or failed. Needs an admin (master or system) key in Azure.",
      tags: ["sync"],
      path: z.object({ kind: z.enum([first, ...rest]).describe(kinds.join(", ")) }),
      query: z.object({}),
      responses: [
        {
          status: 202,
          description: "queued",
          schema: syncAcceptedSchema,
          headers: { Location: "the queued snapshot's manifest, /api/snapshots/{snapshotId}" },
        },
      ],
      errors: [409],
    },
    async ({ path }, request, api, context) => {
      const outcome = await api.requestSync(path.kind, (message) => context.log(message));
      if ("alreadyRunning" in outcome) {
        const running = outcome.alreadyRunning;
        throw conflict(
          "SyncAlreadyRunning",
          running === undefined
            ? `a ${path.kind} sync is already running`
            : `a ${path.kind} sync is already queued, running or paused: snapshot ${running}`,
          running === undefined ? {} : { snapshotId: running },
        );
      }
      const { id } = outcome.queued;
      context.log(`Accepted a ${path.kind} sync: snapshot ${id} is queued; the resume timer starts it`);
      // Relative to this route, so any route prefix is kept: /api/sync/users → /api/snapshots/{id}.
      const location = new URL(`../snapshots/${id}`, request.url).pathname;
      return {
        status: 202,
        headers: { Location: location, "Cache-Control": "no-store" },
        jsonBody: { snapshotId: id, kind: path.kind, status: "queued" } satisfies z.input<typeof syncAcceptedSchema>,
      };
    },
  );
}
