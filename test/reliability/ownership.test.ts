import { simulatedWorkspace } from "../../dev/simulator/simulatedWorkspace";
import { inventoryFor, syncKind } from "../../src/app/inventory";
import { LeaseLostError } from "../../src/store/lease";
import { LEASE_MS } from "../../src/sync/kindRuns";
import {
  expectedUsers,
  expectUsersServed,
  fastUpstream,
  guardUnhandledRejections,
  manifestsOf,
  rowCount,
  tablesOf,
  testClock,
  WORKSPACES_ROUTE,
} from "../support/reliability";
import { readAllItems, routeCaller } from "../support/routes";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

// Three pages of ten workspaces, without arrays: small enough to check whole, long enough to stop in the middle.
const SEED = 23;
const WORKSPACES = 30;
const SETTINGS = { POWERBI_GROUPS_TOP: "10", POWERBI_GROUPS_EXPAND: "" };
const LEASE_EXPIRED = LEASE_MS + 1_000;

guardUnhandledRejections();

const workspaceIds = (count: number) =>
  Array.from({ length: count }, (_, index) => simulatedWorkspace(SEED, index).id).sort();

async function servedIds(env: TestEnvironment, snapshotId: string): Promise<string[]> {
  const items = await readAllItems(routeCaller(env.config), WORKSPACES_ROUTE, { snapshotId });
  return items.map((item) => item.id as string).sort();
}

/** Resolves once the simulated tenant has received `count` calls to a route (and is holding the last, if told to). */
async function untilCalls(env: TestEnvironment, route: "powerbi.groups" | "graph.users", count: number) {
  const deadline = Date.now() + 30_000;
  while (env.tenant.calls.records().filter((call) => call.route === route).length < count) {
    if (Date.now() > deadline) throw new Error(`no ${count} calls to ${route} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("a run that loses its lease while a page is in flight", () => {
  let env: TestEnvironment;
  beforeAll(async () => {
    env = await startTestEnvironment({ workspaces: WORKSPACES, seed: SEED }, SETTINGS);
  });
  afterAll(() => env.close());
  afterEach(() => env.tenant.faults.clear());

  it("stops at once and deletes nothing, while the run that took over finishes the snapshot", async () => {
    const clock = testClock();
    env.tenant.calls.reset();
    // Page 2 of the first run takes longer than the lease (by the shared clock, moved below).
    env.tenant.faults.inject({ route: "powerbi.groups", kind: "slow", delayMs: 1_500, after: 1 });
    const first = syncKind("workspaces", env.config, { now: clock.now }).catch((error: unknown) => error);
    await untilCalls(env, "powerbi.groups", 1);
    clock.advance(LEASE_EXPIRED);
    const second = await syncKind("workspaces", env.config, { now: clock.now });
    expect(second.status).toBe("succeeded");
    const lost = await first;
    expect(lost).toBeInstanceOf(LeaseLostError);
    const manifests = manifestsOf(env.config, await tablesOf(env.config));
    expect(await manifests.get(second.snapshotId)).toMatchObject({ status: "succeeded", counts: { workspaces: 30 } });
    expect(await servedIds(env, second.snapshotId)).toEqual(workspaceIds(WORKSPACES));
    expect(await rowCount(await tablesOf(env.config), env.tenant.tenantId, second.snapshotId)).toBe(WORKSPACES);
  });

  it("whose clock says it still holds it: its next manifest write is refused, and it deletes nothing", async () => {
    const mine = testClock();
    const theirs = testClock(Date.now() + LEASE_EXPIRED);
    env.tenant.faults.inject({ route: "powerbi.groups", kind: "slow", delayMs: 1_500, after: 1 });
    env.tenant.calls.reset();
    const first = syncKind("workspaces", env.config, { now: mine.now }).catch((error: unknown) => error);
    await untilCalls(env, "powerbi.groups", 1);
    // Another instance whose clock runs ahead takes the lease over and finishes before the first wakes up.
    const second = await syncKind("workspaces", env.config, { now: theirs.now });
    expect(second.status).toBe("succeeded");
    expect(await first).toBeInstanceOf(LeaseLostError);
    const manifests = manifestsOf(env.config, await tablesOf(env.config));
    expect(await manifests.get(second.snapshotId)).toMatchObject({ status: "succeeded", counts: { workspaces: 30 } });
    expect(await servedIds(env, second.snapshotId)).toEqual(workspaceIds(WORKSPACES));
  });

  it("keeps its lease with a heartbeat while a page is in flight, so nobody takes over a live run", async () => {
    const tables = await tablesOf(env.config);
    const lease = () =>
      tables.snapshots.getEntity<{ expiresAt: string }>(`${env.tenant.tenantId}|leases`, "sync-workspaces");
    env.tenant.faults.inject({ route: "powerbi.groups", kind: "slow", delayMs: 1_500, after: 1 });
    env.tenant.calls.reset();
    const run = syncKind("workspaces", env.config, { heartbeatMs: 100 });
    await untilCalls(env, "powerbi.groups", 1);
    const before = (await lease()).expiresAt;
    await new Promise((resolve) => setTimeout(resolve, 700));
    const during = (await lease()).expiresAt;
    expect(Date.parse(during)).toBeGreaterThan(Date.parse(before));
    expect(await run).toMatchObject({ status: "succeeded" });
  });
});

describe("a run and its invocations", () => {
  let env: TestEnvironment;
  beforeAll(async () => {
    env = await startTestEnvironment({ workspaces: WORKSPACES, users: 2_100, seed: SEED }, SETTINGS);
  });
  afterAll(() => env.close());
  afterEach(() => env.tenant.faults.clear());

  it("saves its position before the invocation's time limit and pauses; each resume goes one step on", async () => {
    env.tenant.calls.reset();
    const inventory = inventoryFor(env.config);
    // A limit already passed: every invocation stops at its first checkpoint.
    const hooks = { deadline: new Date(0) };
    const first = await inventory.sync("workspaces", hooks);
    expect(first).toMatchObject({ status: "paused", counts: { workspaces: 10 } });
    expect(Date.parse(first.resumeAfter!)).toBeLessThanOrEqual(Date.now());
    const second = await inventory.resume("workspaces", hooks);
    expect(second).toMatchObject({ snapshotId: first.snapshotId, status: "paused", counts: { workspaces: 20 } });
    const third = await inventory.resume("workspaces", hooks);
    expect(third).toMatchObject({ snapshotId: first.snapshotId, status: "paused", counts: { workspaces: 30 } });
    // The service's count says all 30 are in, but the run spanned pauses: the short page must confirm the end.
    const fourth = await inventory.resume("workspaces", hooks);
    expect(fourth).toMatchObject({ snapshotId: first.snapshotId, status: "succeeded", counts: { workspaces: 30 } });
    // One call a page, none repeated.
    expect(env.tenant.calls.count("powerbi.groups")).toBe(4);
    expect(await servedIds(env, first.snapshotId)).toEqual(workspaceIds(WORKSPACES));
  });

  it("a users run at its time limit drops its rows and starts again later, since Graph's links do not keep", async () => {
    const paused = await syncKind("users", env.config, { deadline: new Date(0) });
    expect(paused).toMatchObject({ status: "paused", counts: { users: 0 } });
    const tables = await tablesOf(env.config);
    expect(await rowCount(tables, env.tenant.tenantId, paused.snapshotId)).toBe(0);
    const resumed = await inventoryFor(env.config).resume("users");
    expect(resumed).toMatchObject({ snapshotId: paused.snapshotId, status: "succeeded", counts: { users: 2_100 } });
    await expectUsersServed(routeCaller(env.config), paused.snapshotId, expectedUsers(env.config, SEED, 2_100));
  });

  it("a users run throttled for longer than it may wait pauses, calls nothing before then, and then starts again", async () => {
    const clock = testClock();
    env.tenant.faults.inject({ route: "graph.users", status: 429, retryAfterSeconds: 3_600, after: 1 });
    const { upstream } = fastUpstream();
    const paused = await syncKind("users", env.config, { now: clock.now, upstream });
    expect(paused).toMatchObject({ status: "paused", counts: { users: 0 } });
    expect(Date.parse(paused.resumeAfter!)).toBe(clock.now().getTime() + 3_600_000);
    env.tenant.calls.reset();
    const early = await inventoryFor(env.config).resume("users", { now: clock.now });
    expect(early).toMatchObject({ snapshotId: paused.snapshotId, status: "paused" });
    expect(env.tenant.calls.count("graph.users")).toBe(0);
    clock.advance(3_601_000);
    const resumed = await inventoryFor(env.config).resume("users", { now: clock.now });
    expect(resumed).toMatchObject({ snapshotId: paused.snapshotId, status: "succeeded", counts: { users: 2_100 } });
    await expectUsersServed(routeCaller(env.config), paused.snapshotId, expectedUsers(env.config, SEED, 2_100));
  });

  it("a crash after the last checkpoint: the next run finishes the snapshot without calling Power BI again", async () => {
    const clock = testClock();
    env.tenant.calls.reset();
    // The lease runs out right after the last page's checkpoint, before the run records success: as a crash there.
    const crashed = await syncKind("workspaces", env.config, {
      now: clock.now,
      onProgress: ({ pages }) => void (pages === 3 && clock.advance(LEASE_EXPIRED)),
    }).catch((error: unknown) => error);
    expect(crashed).toBeInstanceOf(LeaseLostError);
    expect(env.tenant.calls.count("powerbi.groups")).toBe(3);
    const next = await syncKind("workspaces", env.config, { now: clock.now });
    expect(next).toMatchObject({ status: "succeeded", counts: { workspaces: 30 } });
    expect(env.tenant.calls.count("powerbi.groups")).toBe(3);
    expect(await servedIds(env, next.snapshotId)).toEqual(workspaceIds(WORKSPACES));
  });
});

describe("a run that spans a pause", () => {
  it("does not end on a count from before the pause: the short page confirms the end", async () => {
    // Pages overlap by three rows, as when the service shifts them; two workspaces go while the run is paused.
    const env = await startTestEnvironment(
      { workspaces: WORKSPACES, seed: SEED, unstablePaging: 3, powerBiBudget: { calls: 1, retryAfterSeconds: 3_600 } },
      SETTINGS,
    );
    try {
      const clock = testClock();
      const paused = await syncKind("workspaces", env.config, { now: clock.now });
      expect(paused).toMatchObject({ status: "paused", counts: { workspaces: 10 } });
      env.tenant.edit({ removeWorkspaces: [0, 1] });
      env.tenant.budget.limit(100, 1);
      clock.advance(3_601_000);
      const done = await syncKind("workspaces", env.config, { now: clock.now });
      expect(done).toMatchObject({ snapshotId: paused.snapshotId, status: "succeeded" });
      // Seen so far reaches the service's new count of 28 on page 3 (0-28, counting the two that went), but
      // workspace 29 is still to come: only the short fourth page ends the run.
      const served = await servedIds(env, done.snapshotId);
      expect(served).toEqual(
        expect.arrayContaining(
          workspaceIds(WORKSPACES).filter(
            (id) => id !== simulatedWorkspace(SEED, 0).id && id !== simulatedWorkspace(SEED, 1).id,
          ),
        ),
      );
      expect(served).toContain(simulatedWorkspace(SEED, 29).id);
    } finally {
      await env.close();
    }
  });
});
