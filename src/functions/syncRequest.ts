import { z } from "zod";
import { conflict } from "../api/apiError";
import { operation } from "../api/operation";
import { syncAcceptedSchema } from "../api/schemas";
import { SNAPSHOT_KINDS } from "../store/snapshot";
import { SyncAlreadyRunningError } from "../sync/queueSync";
import { requestSync } from "../sync/syncService";

/**
 * POST /sync/{kind}: queues an on-demand sync, which the resume timer starts within its period (a minute by
 * default); the HTTP trigger itself cannot keep working after it answers.
 */
export const requestSyncOperation = operation(
  {
    summary: "Start a sync of users or workspaces now",
    description:
      "Queues a snapshot and answers at once; the resume timer starts it within a minute. Poll the snapshot at " +
      "Location until its status is succeeded or failed. Needs an admin (master or system) key in Azure.",
    tags: ["sync"],
    path: z.object({ kind: z.enum(SNAPSHOT_KINDS).describe("users or workspaces") }),
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
  async ({ path }, request, api) => {
    try {
      const record = await requestSync(path.kind, api.config);
      // Relative to this route, so any route prefix is kept: /api/sync/users → /api/snapshots/{id}.
      const location = new URL(`../snapshots/${record.id}`, request.url).pathname;
      return {
        status: 202,
        headers: { Location: location, "Cache-Control": "no-store" },
        jsonBody: { snapshotId: record.id, kind: path.kind, status: "running" } satisfies z.input<
          typeof syncAcceptedSchema
        >,
      };
    } catch (error) {
      if (!(error instanceof SyncAlreadyRunningError)) throw error;
      const running = error.snapshotId;
      throw conflict(
        "SyncAlreadyRunning",
        running === undefined
          ? `a ${path.kind} sync is already running`
          : `a ${path.kind} sync is already running: snapshot ${running}`,
        running === undefined ? {} : { snapshotId: running },
      );
    }
  },
);
