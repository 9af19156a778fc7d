import { WORKSPACE_ARTIFACTS } from "../../src/sources/powerbi/adminGroups";
import {
  BIG_REPORTS_WORKSPACE_INDEX,
  BIG_USERS_WORKSPACE_INDEX,
  simulatedWorkspace,
} from "../../dev/simulator/simulatedWorkspace";
import { syncKind } from "../../src/app/inventory";
import { apiCaller, readAllPages, type ApiCall } from "../support/apiCalls";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

const SEED = 11;
const WORKSPACES = 90;
const TOP = 40;

let env: TestEnvironment;
let api: ApiCall;

beforeAll(async () => {
  env = await startTestEnvironment({ workspaces: WORKSPACES, seed: SEED }, { POWERBI_GROUPS_TOP: String(TOP) });
  api = apiCaller(env.config);
});
afterAll(() => env.close());

/** What the simulator holds, as the API should serve it: every artifact array present. */
function expectedWorkspace(index: number): Record<string, unknown> {
  const group = simulatedWorkspace(SEED, index) as unknown as Record<string, unknown>;
  return { ...group, ...Object.fromEntries(WORKSPACE_ARTIFACTS.map((artifact) => [artifact, group[artifact] ?? []])) };
}

function expectedCounts() {
  const counts: Record<string, number> = { workspaces: WORKSPACES, invalid: 0, dedicated: 0, personal: 0, orphaned: 0 };
  for (const artifact of WORKSPACE_ARTIFACTS) counts[artifact] = 0;
  for (let index = 0; index < WORKSPACES; index++) {
    const group = simulatedWorkspace(SEED, index);
    for (const artifact of WORKSPACE_ARTIFACTS) counts[artifact]! += group[artifact]?.length ?? 0;
    if (group.isOnDedicatedCapacity === true) counts.dedicated!++;
    if (group.type === "PersonalGroup") counts.personal!++;
    // A workspace Power BI sends without users is not known to be orphaned.
    const users = group.users;
    if (users !== undefined && !users.some((user) => user.groupUserAccessRight === "Admin")) counts.orphaned!++;
  }
  return counts;
}

/** Asserts that a snapshot holds exactly the simulator's workspaces and artifacts. */
async function expectExactly(snapshotId: string) {
  const { items } = await readAllPages(api, "listWorkspaces", { snapshotId }, 25);
  const ids = items.map((item) => item.id as string);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBe(WORKSPACES);
  for (let index = 0; index < WORKSPACES; index++) {
    const expected = expectedWorkspace(index);
    const answer = await api("getWorkspace", { snapshotId, workspaceId: expected.id as string });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expected);
  }
}

describe("workspaces sync end to end", () => {
  let firstSnapshot: string;

  it("stores every workspace and artifact in the minimum number of Power BI calls", async () => {
    env.tenant.calls.reset();
    const result = await syncKind("workspaces", env.config);
    expect(result).toMatchObject({ status: "succeeded", counts: expectedCounts() });
    // Counted by hand above, so the figures the dashboard charts cannot all be zero by mistake.
    expect(Object.values(expectedCounts()).filter((count) => count > 0).length).toBeGreaterThan(8);
    expect(env.tenant.calls.count("powerbi.groups")).toBe(Math.ceil(WORKSPACES / TOP));
    firstSnapshot = result.snapshotId;
    await expectExactly(firstSnapshot);
  });

  it("keeps a 5,000-user and a 2,000-report workspace whole", async () => {
    const big = await api("getWorkspace", {
      snapshotId: "latest",
      workspaceId: simulatedWorkspace(SEED, BIG_USERS_WORKSPACE_INDEX).id,
    });
    expect((big.body.users as unknown[]).length).toBe(5000);
    const reports = await api("getWorkspace", {
      snapshotId: "latest",
      workspaceId: simulatedWorkspace(SEED, BIG_REPORTS_WORKSPACE_INDEX).id,
    });
    expect((reports.body.reports as unknown[]).length).toBe(2000);
  });

  it("spreads a budget-limited run over three invocations into one exact snapshot, never served before it is done", async () => {
    env.tenant.calls.reset();
    let clock = Date.now();
    const now = () => new Date(clock);
    env.tenant.budget.limit(1, 3392);

    const first = await syncKind("workspaces", env.config, { now });
    expect(first.status).toBe("paused");
    expect(first.counts.workspaces).toBe(TOP);
    // The paused snapshot is not served; `latest` is still the previous succeeded one.
    expect((await api("listWorkspaces", { snapshotId: first.snapshotId })).status).toBe(409);
    expect((await api("getSnapshot", { snapshotId: "latest" }, { kind: "workspaces" })).body.id).toBe(firstSnapshot);

    // Before Retry-After has passed, a run does not call Power BI at all.
    const early = await syncKind("workspaces", env.config, { now });
    expect(early).toMatchObject({ snapshotId: first.snapshotId, status: "paused" });
    expect(env.tenant.calls.count("powerbi.groups")).toBe(2);

    clock += 3393_000;
    env.tenant.budget.limit(1, 3392);
    const second = await syncKind("workspaces", env.config, { now });
    expect(second).toMatchObject({ snapshotId: first.snapshotId, status: "paused" });
    expect(second.counts.workspaces).toBe(2 * TOP);

    clock += 3393_000;
    env.tenant.budget.limit(1, 3392);
    const third = await syncKind("workspaces", env.config, { now });
    expect(third).toMatchObject({ snapshotId: first.snapshotId, status: "succeeded", counts: expectedCounts() });
    expect(env.tenant.calls.count("powerbi.groups", 200)).toBe(Math.ceil(WORKSPACES / TOP));
    await expectExactly(third.snapshotId);
    expect((await api("getSnapshot", { snapshotId: "latest" }, { kind: "workspaces" })).body.id).toBe(third.snapshotId);
  });
});

describe("workspaces sync over unstable paging", () => {
  it("de-duplicates shifted pages, loses nothing, and spares the empty last call when the count is a multiple of $top", async () => {
    const shifted = await startTestEnvironment(
      { workspaces: 80, seed: 5, unstablePaging: true },
      { POWERBI_GROUPS_TOP: "40" },
    );
    try {
      const result = await syncKind("workspaces", shifted.config);
      expect(result.status).toBe("succeeded");
      expect(result.counts.workspaces).toBe(80);
      // 0-39, then 37-76 (three seen again), then 77-79: three calls, and no fourth for an empty page.
      expect(shifted.tenant.calls.count("powerbi.groups", 200)).toBe(3);
      const { items } = await readAllPages(apiCaller(shifted.config), "listWorkspaces", {
        snapshotId: result.snapshotId,
      });
      const ids = new Set(items.map((item) => item.id));
      expect(ids.size).toBe(80);
      for (let index = 0; index < 80; index++) expect(ids.has(simulatedWorkspace(5, index).id)).toBe(true);
    } finally {
      await shifted.close();
    }
  });

  it("takes exactly ceil(workspaces / $top) calls on stable paging", async () => {
    const stable = await startTestEnvironment({ workspaces: 80, seed: 5 }, { POWERBI_GROUPS_TOP: "40" });
    try {
      expect((await syncKind("workspaces", stable.config)).counts.workspaces).toBe(80);
      expect(stable.tenant.calls.count("powerbi.groups")).toBe(2);
    } finally {
      await stable.close();
    }
  });
});

describe("a paused workspaces run that stalls", () => {
  it("is marked failed with the reason, and the next run starts a fresh snapshot", async () => {
    const stalled = await startTestEnvironment(
      { workspaces: 30, seed: 9, powerBiBudget: { calls: 1, retryAfterSeconds: 3000 } },
      { POWERBI_GROUPS_TOP: "10", INVENTORY_STALL_MINUTES: "60" },
    );
    try {
      let clock = Date.now();
      const now = () => new Date(clock);
      const paused = await syncKind("workspaces", stalled.config, { now });
      expect(paused.status).toBe("paused");
      clock += 61 * 60_000;
      stalled.tenant.budget.limit(100, 1);
      const fresh = await syncKind("workspaces", stalled.config, { now });
      expect(fresh.snapshotId).not.toBe(paused.snapshotId);
      expect(fresh.status).toBe("succeeded");
      const stalledApi = apiCaller(stalled.config);
      const old = await stalledApi("getSnapshot", { snapshotId: paused.snapshotId });
      expect(old.body).toMatchObject({
        status: "failed",
        error: expect.stringContaining("abandoned: no progress since") as unknown,
      });
    } finally {
      await stalled.close();
    }
  });
});
