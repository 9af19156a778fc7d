import { functionDefinitions } from "../../src/functions/definitions";
import { syncKind, inventoryFor } from "../../src/app/inventory";
import { startLocalHost, type LocalHost } from "../../dev/local/localHost";
import type { WorkspaceChange } from "../../dev/simulator/tenantEdits";
import { startTestEnvironment, type TestEnvironment } from "./testEnvironment";

export interface ExampleHost {
  env: TestEnvironment;
  host: LocalHost;
  /** `http://localhost:PORT/api`, what the README's examples call `API` / `$api`. */
  api: string;
  /** Snapshot ids, older first: two succeeded syncs of users and workspaces with changes in between, one catalog. */
  snapshots: { users: [string, string]; workspaces: [string, string]; catalog: string };
  close(): Promise<void>;
}

/** Index of a workspace whose first member becomes an Admin between the two syncs. */
export const PROMOTED_WORKSPACE = 2;

/** Cuts a workspace's array down to 12 elements: for the simulator's big workspaces where a test needs no volume. */
export const trimmed =
  (array: string): WorkspaceChange =>
  (workspace) => ({ ...workspace, [array]: (workspace[array] as unknown[] | undefined)?.slice(0, 12) });

/**
 * A local host over a simulated tenant with two succeeded snapshots of users and workspaces and one of the catalog,
 * for clients that talk HTTP (a generated client, curl, PowerShell). Between the syncs users change, come and go, and
 * someone gains Admin on a workspace, so diffs show something. The big workspaces are trimmed: the examples need variety, not volume.
 */
export async function startExampleHost(): Promise<ExampleHost> {
  // No timer fires during a test: a POST /sync only queues its run.
  const env = await startTestEnvironment({ users: 80, workspaces: 10 }, { INVENTORY_RESUME_SCHEDULE: "0 0 0 1 1 *" });
  env.tenant.edit({ changeWorkspaces: { 0: trimmed("users"), 1: trimmed("reports") } });
  const first = await syncBoth(env);
  env.tenant.edit({
    changeUsers: { 3: { department: "Moved" }, 4: { accountEnabled: false } },
    removeUsers: [5],
    addUsers: 2,
    changeWorkspaces: {
      [PROMOTED_WORKSPACE]: (workspace) => ({
        ...workspace,
        users: (workspace.users as Record<string, unknown>[]).map((user, index) =>
          index === 0 ? { ...user, groupUserAccessRight: "Admin" } : user,
        ),
      }),
    },
  });
  const second = await syncBoth(env);
  const catalog = await syncKind("catalog", env.config);
  if (catalog.status !== "succeeded") throw new Error(`example catalog sync failed: ${catalog.error ?? ""}`);
  // Without the local follow-up of POST /sync: a sync started by one example would move `latest` under the next
  // (the caching example expects a 304), so the examples stay independent of the order they run in.
  const definitions = functionDefinitions(inventoryFor(env.config)).map((definition) =>
    definition.trigger === "http" ? { ...definition, localFollowUp: undefined } : definition,
  );
  const host = await startLocalHost(definitions, { port: 0, log: () => undefined });
  return {
    env,
    host,
    api: `${host.url}/api`,
    snapshots: {
      users: [first.users, second.users],
      workspaces: [first.workspaces, second.workspaces],
      catalog: catalog.snapshotId,
    },
    close: async () => {
      await host.close();
      await env.close();
    },
  };
}

async function syncBoth(env: TestEnvironment): Promise<{ users: string; workspaces: string }> {
  const users = await syncKind("users", env.config);
  const workspaces = await syncKind("workspaces", env.config);
  if (users.status !== "succeeded" || workspaces.status !== "succeeded") {
    throw new Error(`example syncs failed: ${users.error ?? ""} ${workspaces.error ?? ""}`);
  }
  return { users: users.snapshotId, workspaces: workspaces.snapshotId };
}
