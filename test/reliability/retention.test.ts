import { applyRetention, RETIRE_GRACE_MS } from "../../src/sync/retention";
import { syncKind } from "../../src/app/inventory";
import {
  fastUpstream,
  guardUnhandledRejections,
  manifestsOf,
  rowCount,
  SNAPSHOT_ROUTE,
  tablesOf,
  testClock,
  USERS_ROUTE,
} from "../support/reliability";
import { isErrorShape, readAllItems, routeCaller, type RouteCaller } from "../support/routes";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { SKU_COUNT } from "../support/powerBiRules";

const DAY = 86_400_000;
const USERS = 400;
/** The rows of a users snapshot: one per user and one per subscribed SKU. */
const ROWS = USERS + SKU_COUNT;

let env: TestEnvironment;
let call: RouteCaller;
guardUnhandledRejections();

beforeAll(async () => {
  env = await startTestEnvironment(
    { users: USERS, workspaces: 6 },
    { INVENTORY_RETENTION_DAYS: "30", POWERBI_GROUPS_TOP: "2", POWERBI_GROUPS_EXPAND: "datasets" },
  );
  call = routeCaller(env.config);
});
afterAll(() => env.close());

describe("retention", () => {
  const clock = testClock(Date.now() - 200 * DAY);
  const ids: Record<string, string> = {};
  let readerToken: string;

  async function users(name: string) {
    const result = await syncKind("users", env.config, { now: clock.now, ...fastUpstream() });
    ids[name] = result.snapshotId;
    return result;
  }
  async function rowsOf(name: string) {
    return rowCount(await tablesOf(env.config), env.tenant.tenantId, ids[name]!);
  }
  async function statusOf(name: string) {
    return (await call(SNAPSHOT_ROUTE, { snapshotId: ids[name]! })).status;
  }
  async function pass(kind: "users" | "workspaces") {
    const tables = await tablesOf(env.config);
    return applyRetention(manifestsOf(env.config, tables), tables.rows, env.tenant.tenantId, kind, 30, clock.now());
  }

  it("sets the scene: two old snapshots, a failed one, a paused one, and a reader paging the oldest", async () => {
    expect((await users("old1")).status).toBe("succeeded");
    clock.advance(DAY);
    expect((await users("old2")).status).toBe("succeeded");
    clock.advance(DAY);
    env.tenant.faults.inject({ route: "graph.users", status: 403 });
    expect((await users("failed")).status).toBe("failed");
    env.tenant.budget.limit(1, 3392);
    const paused = await syncKind("workspaces", env.config, { now: clock.now, ...fastUpstream() });
    expect(paused.status).toBe("paused");
    ids.paused = paused.snapshotId;
    const page = await call(USERS_ROUTE, { snapshotId: ids.old1! }, { top: "100" });
    expect(page.status).toBe(200);
    readerToken = (page.body as { continuationToken: string }).continuationToken;
  });

  it("retires expired snapshots first: new reads get a clean 409 while their rows stay for readers in flight", async () => {
    clock.advance(40 * DAY);
    expect((await users("fresh")).status).toBe("succeeded");
    // The failed one had no rows and is gone; the two old succeeded ones are retired, not yet deleted.
    expect(await statusOf("failed")).toBe(404);
    for (const name of ["old1", "old2"]) {
      const manifest = await call(SNAPSHOT_ROUTE, { snapshotId: ids[name]! });
      expect(manifest.body).toMatchObject({ status: "failed", error: "expired by retention" });
      expect(await rowsOf(name)).toBe(ROWS);
    }
    const next = await call(USERS_ROUTE, { snapshotId: ids.old1! }, { top: "100", continuationToken: readerToken });
    expect(next.status).toBe(409);
    expect(isErrorShape(next.body)).toBe(true);
    expect(next.body).toMatchObject({ error: { code: "SnapshotNotReady" } });
  });

  it("deletes a retired snapshot's rows only after the grace period, and a reader then gets a clean 404", async () => {
    clock.advance(RETIRE_GRACE_MS / 2);
    expect(await pass("users")).toEqual([]);
    expect(await rowsOf("old1")).toBe(ROWS);
    clock.advance(RETIRE_GRACE_MS);
    // Readers hammer the retiring snapshots and the latest while the pass deletes: only clean answers, never a mix.
    const stop = { now: false };
    const readers = Array.from({ length: 3 }, async () => {
      const statuses = new Set<number>();
      while (!stop.now) {
        for (const name of ["old1", "old2"]) {
          const answer = await call(USERS_ROUTE, { snapshotId: ids[name]! }, { top: "50" });
          statuses.add(answer.status);
          expect([404, 409]).toContain(answer.status);
          expect(isErrorShape(answer.body)).toBe(true);
        }
        const latest = await call(USERS_ROUTE, { snapshotId: "latest" }, { top: "50" });
        expect(latest.status).toBe(200);
        statuses.add(latest.status);
      }
      return statuses;
    });
    const removed = await pass("users");
    stop.now = true;
    await Promise.all(readers);
    expect(removed.sort()).toEqual([ids.old1, ids.old2].sort());
    for (const name of ["old1", "old2"]) {
      expect(await rowsOf(name)).toBe(0);
      expect(await statusOf(name)).toBe(404);
    }
    const again = await call(USERS_ROUTE, { snapshotId: ids.old1! }, { top: "100", continuationToken: readerToken });
    expect(again).toMatchObject({ status: 404, body: { error: { code: "SnapshotNotFound" } } });
  });

  it("never deletes the newest succeeded snapshot of a kind, however old, nor a paused one", async () => {
    clock.advance(300 * DAY);
    expect(await pass("users")).toEqual([]);
    expect(await pass("workspaces")).toEqual([]);
    expect(await rowsOf("fresh")).toBe(ROWS);
    expect(await readAllItems(call, USERS_ROUTE, { snapshotId: "latest" })).toHaveLength(USERS);
    const paused = await call(SNAPSHOT_ROUTE, { snapshotId: ids.paused! });
    expect(paused.body).toMatchObject({ status: "paused" });
    expect(await rowsOf("paused")).toBeGreaterThan(0);
  });
});
