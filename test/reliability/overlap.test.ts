import { Lease, LeaseTakenError } from "../../src/store/lease";
import { inventoryFor, syncKind } from "../../src/app/inventory";
import {
  guardUnhandledRejections,
  manifestsOf,
  manifestsOfKind,
  rowCount,
  tablesOf,
  testClock,
} from "../support/reliability";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { SKU_COUNT } from "../support/powerBiRules";

const USERS = 1_100;

let env: TestEnvironment;
guardUnhandledRejections();

beforeAll(async () => {
  env = await startTestEnvironment({ users: USERS, workspaces: 3 });
});
afterAll(() => env.close());
afterEach(() => env.tenant.faults.clear());

async function usersManifests() {
  return manifestsOfKind(manifestsOf(env.config, await tablesOf(env.config)), "users");
}

/** Holds the first Graph page long enough that a second run certainly starts while the first is in progress. */
function holdFirstPage(): void {
  env.tenant.faults.inject({ route: "graph.users", kind: "slow", delayMs: 1_500 });
}

async function untilRunning(): Promise<string> {
  for (;;) {
    const running = (await usersManifests()).find((record) => record.status === "running");
    if (running !== undefined) return running.id;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("overlapping runs of one kind: exactly one writes", () => {
  it("two timers: one run succeeds, the other is refused by the lease, and one snapshot results", async () => {
    const before = (await usersManifests()).length;
    holdFirstPage();
    const [first, second] = await Promise.allSettled([syncKind("users", env.config), syncKind("users", env.config)]);
    const outcomes = [first, second];
    const fulfilled = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const rejected = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(fulfilled[0]!.value).toMatchObject({ status: "succeeded", counts: { users: USERS } });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(LeaseTakenError);
    const after = await usersManifests();
    expect(after).toHaveLength(before + 1);
    const tables = await tablesOf(env.config);
    expect(await rowCount(tables, env.tenant.tenantId, fulfilled[0]!.value.snapshotId)).toBe(USERS + SKU_COUNT);
  });

  it("a timer run in progress, then an on-demand request: the request is refused and names the run", async () => {
    const before = (await usersManifests()).length;
    holdFirstPage();
    const timer = syncKind("users", env.config);
    const runningId = await untilRunning();
    const request = await inventoryFor(env.config).request("users");
    expect(request).toEqual({ alreadyRunning: runningId });
    await expect(timer).resolves.toMatchObject({ snapshotId: runningId, status: "succeeded" });
    expect(await usersManifests()).toHaveLength(before + 1);
  });

  it("an on-demand request, then the resume timer and a scheduled run at once: one runs the queued snapshot", async () => {
    const before = (await usersManifests()).length;
    const outcome = await inventoryFor(env.config).request("users");
    if (!("queued" in outcome)) throw new Error("a users sync is already running");
    const queued = outcome.queued;
    holdFirstPage();
    const outcomes = await Promise.allSettled([
      inventoryFor(env.config).resume("users"),
      syncKind("users", env.config),
    ]);
    const results = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
    const refusals = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as unknown] : []));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ snapshotId: queued.id, status: "succeeded", counts: { users: USERS } });
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toBeInstanceOf(LeaseTakenError);
    expect(await usersManifests()).toHaveLength(before + 1);
  });

  it("the lease itself: of many concurrent takers, new or after expiry, exactly one wins", async () => {
    const tables = await tablesOf(env.config);
    const clock = testClock();
    const lease = () =>
      new Lease(tables.snapshots, env.tenant.tenantId, "overlap-test", 60_000, () => clock.now().getTime());
    const race = async () => {
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, async () => lease().acquire()));
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(LeaseTakenError);
      }
    };
    await race();
    // The holder died without releasing; once its lease expires, again exactly one of many takes it.
    await expect(lease().acquire()).rejects.toBeInstanceOf(LeaseTakenError);
    clock.advance(60_001);
    await race();
  });
});
