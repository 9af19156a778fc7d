import type { Fault } from "../../dev/simulator/faultInjector";
import { simulatedWorkspace } from "../../dev/simulator/simulatedWorkspace";
import { syncKind } from "../../src/app/inventory";
import { DEFAULT_RETRY } from "../../src/upstream/upstreamClient";
import {
  expectedUsers,
  expectUsersServed,
  fastUpstream,
  guardUnhandledRejections,
  WORKSPACE_ROUTE,
  WORKSPACES_ROUTE,
} from "../support/reliability";
import { readAllItems, routeCaller, type RouteCaller } from "../support/routes";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

// Three Graph pages (999 + 999 + 102), three Power BI pages (2 + 2 + 2), so faults can hit the middle of a run.
const SEED = 5;
const USERS = 2_100;
const WORKSPACES = 6;
const EXPAND = ["dashboards", "datasets"];

let env: TestEnvironment;
let call: RouteCaller;
guardUnhandledRejections();

beforeAll(async () => {
  // Two-second tokens: every run asks Entra again, so token faults hit, and a run outlives its first token.
  env = await startTestEnvironment(
    { users: USERS, workspaces: WORKSPACES, seed: SEED, tokenLifetimeSeconds: 2 },
    { POWERBI_GROUPS_TOP: "2", POWERBI_GROUPS_EXPAND: EXPAND.join(",") },
  );
  call = routeCaller(env.config);
});
afterAll(() => env.close());
afterEach(() => env.tenant.faults.clear());

const page2 = { after: 1 };

describe("transient faults within the retry bounds: the snapshot equals the simulator's data", () => {
  it.each<[string, Omit<Fault, "route">[]]>([
    ["429 with Retry-After, honoured", [{ status: 429, retryAfterSeconds: 7, ...page2 }]],
    ["500, 502 and 503 in a row", [{ status: 500 }, { status: 502 }, { status: 503, retryAfterSeconds: 1 }]],
    ["connection resets", [{ kind: "reset", times: 2, ...page2 }]],
    ["a response slower than the client timeout", [{ kind: "slow", ...page2 }]],
    ["a body that stalls halfway", [{ kind: "stalled", ...page2 }]],
    ["truncated and malformed JSON", [{ kind: "truncated", ...page2 }, { kind: "malformed" }]],
    ["the retry budget used up but not exceeded", [{ status: 503, times: DEFAULT_RETRY.maxRetries, ...page2 }]],
  ])("users: %s", async (_name, faults) => {
    for (const fault of faults) env.tenant.faults.inject({ route: "graph.users", ...fault });
    const { upstream, sleeps } = fastUpstream(800);
    const result = await syncKind("users", env.config, { upstream });
    expect(env.tenant.faults.pending()).toBe(0);
    expect(result).toMatchObject({ status: "succeeded", counts: { users: USERS, invalid: 0 } });
    expect(result.upstream.retries).toBe(sleeps.length);
    expect(sleeps.length).toBeGreaterThanOrEqual(faults.reduce((sum, fault) => sum + (fault.times ?? 1), 0));
    if (faults[0]?.retryAfterSeconds !== undefined) expect(sleeps[0]).toBe(faults[0].retryAfterSeconds * 1000);
    await expectUsersServed(call, result.snapshotId, expectedUsers(env.config, SEED, USERS));
  });

  it("users: the token endpoint down briefly, and tokens that expire mid-run", async () => {
    env.tenant.faults.inject({ route: "token", status: 503, times: 2 });
    // A real wait longer than a token's life between two pages: the retry must go out with a fresh token.
    env.tenant.faults.inject({ route: "graph.users", status: 429, retryAfterSeconds: 3, ...page2 });
    const tokensBefore = env.tenant.calls.issuedTokens.length;
    const result = await syncKind("users", env.config, { upstream: { timeoutMs: 5_000 } });
    expect(env.tenant.faults.pending()).toBe(0);
    expect(result).toMatchObject({ status: "succeeded", counts: { users: USERS } });
    expect(env.tenant.calls.issuedTokens.length - tokensBefore).toBeGreaterThanOrEqual(2);
    expect(env.tenant.calls.count("graph.users", 401)).toBe(0);
    await expectUsersServed(call, result.snapshotId, expectedUsers(env.config, SEED, USERS));
  }, 60_000);

  it.each<[string, Omit<Fault, "route">[]]>([
    ["429 with a Retry-After the run can wait", [{ status: 429, retryAfterSeconds: 30, ...page2 }]],
    ["503 then a reset", [{ status: 503, ...page2 }, { kind: "reset" }]],
    ["truncated, then slow", [{ kind: "truncated", ...page2 }, { kind: "slow" }]],
  ])("workspaces: %s", async (_name, faults) => {
    for (const fault of faults) env.tenant.faults.inject({ route: "powerbi.groups", ...fault });
    const { upstream } = fastUpstream(800);
    const result = await syncKind("workspaces", env.config, { upstream });
    expect(env.tenant.faults.pending()).toBe(0);
    expect(result).toMatchObject({ status: "succeeded", counts: { workspaces: WORKSPACES, invalid: 0 } });
    await expectWorkspacesServed(result.snapshotId);
  });
});

/** Every workspace of the snapshot, listed and one by one, equals the simulator's (arrays not expanded are empty). */
async function expectWorkspacesServed(snapshotId: string): Promise<void> {
  const listed = await readAllItems(call, WORKSPACES_ROUTE, { snapshotId });
  expect(listed.map((workspace) => workspace.id).sort()).toEqual(
    Array.from({ length: WORKSPACES }, (_, index) => simulatedWorkspace(SEED, index).id).sort(),
  );
  for (let index = 0; index < WORKSPACES; index++) {
    const full = simulatedWorkspace(SEED, index) as unknown as Record<string, unknown>;
    const expected: Record<string, unknown> = { ...full };
    for (const artifact of ["users", "reports", "dashboards", "datasets", "dataflows", "workbooks"]) {
      expected[artifact] = EXPAND.includes(artifact) ? (full[artifact] ?? []) : [];
    }
    const answer = await call(WORKSPACE_ROUTE, { snapshotId, workspaceId: full.id as string });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expected);
  }
}
