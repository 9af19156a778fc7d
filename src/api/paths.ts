import { z } from "zod";

const snapshotId = z
  .string()
  .describe(
    "`latest` (the newest succeeded snapshot of the route's kind) or an id such as 20261123T021500123Z-users-3fa9c2",
  );

/** Path parameters of the routes under /snapshots/{snapshotId}; the id itself is checked where it is resolved. */
export const snapshotPath = z.object({ snapshotId });
export const workspacePath = z.object({ snapshotId, workspaceId: z.string().describe("the workspace's id") });
export const diffPath = z.object({
  snapshotId: snapshotId.describe("the older snapshot: `latest` or an id"),
  toSnapshotId: snapshotId.describe("the newer snapshot: `latest` or an id"),
});
