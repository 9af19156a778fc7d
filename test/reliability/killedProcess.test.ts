import { spawn, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeItem } from "../../src/store/rowCodec";
import { itemKeys } from "../../src/store/rowKeys";
import { LeaseTakenError } from "../../src/store/lease";
import { simulatedWorkspace } from "../../dev/simulator/simulatedWorkspace";
import { syncKind } from "../../src/app/inventory";
import {
  fastUpstream,
  guardUnhandledRejections,
  manifestsOf,
  manifestsOfKind,
  rowCount,
  tablesOf,
  testClock,
  WORKSPACE_ROUTE,
} from "../support/reliability";
import { routeCaller } from "../support/routes";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

const SEED = 21;
const USERS = 6_000;
const LEASE_EXPIRED = 11 * 60_000;

let env: TestEnvironment;
let child: ChildProcess | undefined;
guardUnhandledRejections();

beforeAll(async () => {
  env = await startTestEnvironment(
    { users: USERS, workspaces: 6, seed: SEED },
    { POWERBI_GROUPS_TOP: "2", POWERBI_GROUPS_EXPAND: "datasets,dashboards" },
  );
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await env.close();
});

/** `npm run sync -- users` as a separate process, with the test tenant's settings. */
function spawnSyncCommand(): ChildProcess {
  const script = join(__dirname, "..", "..", "dist", "dev", "local", "syncCommand.js");
  // The child inherits NODE_EXTRA_CA_CERTS, so it trusts the simulated tenant like the tests do.
  return spawn(process.execPath, [script, "users"], {
    cwd: tmpdir(),
    env: { ...process.env, ...env.settings },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe("a process killed mid-run", () => {
  it("leaves a running snapshot that the next run marks failed (abandoned) and removes, rows and all", async () => {
    const tables = await tablesOf(env.config);
    const manifests = manifestsOf(env.config, tables);
    expect((await syncKind("users", env.config)).status).toBe("succeeded");
    // Five pages arrive, more than the writer holds back (4,000 rows for a snapshot this size), so some are written;
    // page 6 never comes, so the child is certainly mid-run when it dies.
    env.tenant.faults.inject({ route: "graph.users", kind: "slow", after: 5 });
    child = spawnSyncCommand();
    const orphan = await until(async () => {
      const running = (await manifestsOfKind(manifests, "users")).find((record) => record.status === "running");
      if (running === undefined) return undefined;
      return (await rowCount(tables, env.tenant.tenantId, running.id)) > 0 ? running : undefined;
    }, "the child to write rows");
    await until(() => Promise.resolve(env.tenant.faults.pending() === 0 || undefined), "the child to ask for page 6");

    // The lease is in storage, not in a process: a run here is refused while the child holds it.
    await expect(syncKind("users", env.config)).rejects.toBeInstanceOf(LeaseTakenError);

    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    expect((await manifests.get(orphan.id))?.status).toBe("running");
    expect(await rowCount(tables, env.tenant.tenantId, orphan.id)).toBeGreaterThan(0);
    // The dead process cannot release its lease: the next run waits for it to expire, then cleans up.
    await expect(syncKind("users", env.config)).rejects.toBeInstanceOf(LeaseTakenError);
    const clock = testClock(Date.now() + LEASE_EXPIRED);
    const next = await syncKind("users", env.config, { now: clock.now });
    expect(next).toMatchObject({ status: "succeeded", counts: { users: USERS } });
    expect(await manifests.get(orphan.id)).toMatchObject({
      status: "failed",
      error: "abandoned: its run ended without finishing",
    });
    expect(await rowCount(tables, env.tenant.tenantId, orphan.id)).toBe(0);
  });

  it("mid-page in a resumable run: the resumed run drops what was written past the checkpoint and loses nothing", async () => {
    const tables = await tablesOf(env.config);
    const manifests = manifestsOf(env.config, tables);
    const clock = testClock();
    env.tenant.budget.limit(1, 3392);
    const paused = await syncKind("workspaces", env.config, { now: clock.now, ...fastUpstream() });
    expect(paused).toMatchObject({ status: "paused", counts: { workspaces: 2 } });
    // What a process killed while writing page 2 leaves behind: workspace 2's own row, none of its artifacts.
    const record = (await manifests.get(paused.snapshotId))!;
    const workspace = simulatedWorkspace(SEED, 2);
    const keys = itemKeys(env.tenant.tenantId, record.id, "workspaces", record.partitionBits, workspace.id);
    const [home] = encodeItem(keys.partitionKey, keys.rowKey, { ...workspace, datasets: undefined });
    await tables.rows.upsertEntity({ ...home!, pg: 2 }, "Replace");

    env.tenant.budget.limit(50, 3392);
    clock.advance(3_400_000);
    const resumed = await syncKind("workspaces", env.config, { now: clock.now, ...fastUpstream() });
    expect(resumed).toMatchObject({ snapshotId: paused.snapshotId, status: "succeeded", counts: { workspaces: 6 } });
    const served = await routeCaller(env.config)(WORKSPACE_ROUTE, {
      snapshotId: resumed.snapshotId,
      workspaceId: workspace.id,
    });
    expect(served.status).toBe(200);
    const body = served.body as { datasets: unknown[]; dashboards: unknown[] };
    expect(body.datasets).toEqual(workspace.datasets ?? []);
    expect(body.dashboards).toEqual(workspace.dashboards ?? []);
    expect(resumed.counts.datasets).toBe(
      Array.from({ length: 6 }, (_, index) => simulatedWorkspace(SEED, index).datasets?.length ?? 0).reduce(
        (sum, count) => sum + count,
        0,
      ),
    );
  });
});
