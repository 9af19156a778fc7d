import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { Fault } from "../../dev/simulator/faultInjector";
import { simulatedWorkspace } from "../../dev/simulator/simulatedWorkspace";
import { syncKind } from "../../src/app/inventory";
import { WORKSPACES_PER_PART } from "../../src/sources/powerbi/adminGroups";
import { createUpstreamClient, type UpstreamClient } from "../../src/upstream/upstreamClient";
import { fastUpstream, guardUnhandledRejections, WORKSPACES_ROUTE } from "../support/reliability";
import { readAllItems, routeCaller } from "../support/routes";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { POWER_BI, tokenFor } from "../simulator/simulatorClient";

// 250 workspaces in pages of 120 (120, 120, 10): each full page is handed out in two parts (100 + 20).
const SEED = 17;
const WORKSPACES = 250;
const TOP = 120;
const PATH = "/v1.0/myorg/admin/groups";
/** The request timeout where a stall is injected: long enough that a clean page read on a loaded machine is not one. */
const STALL_TIMEOUT_MS = 4_000;

let env: TestEnvironment;
guardUnhandledRejections();

beforeAll(async () => {
  env = await startTestEnvironment(
    { users: 10, workspaces: WORKSPACES, seed: SEED },
    { POWERBI_GROUPS_TOP: String(TOP), POWERBI_GROUPS_EXPAND: "users,reports", INVENTORY_INVALID_ITEMS: "skip" },
  );
});
afterAll(() => env.close());
afterEach(() => env.tenant.faults.clear());

/** The product's client for Power BI, on fake time, with a token straight from the simulated tenant. */
function powerBiClient(timeoutMs = 1_500): { client: UpstreamClient; sleeps: number[] } {
  const credential: TokenCredential = {
    getToken: async (): Promise<AccessToken> => ({
      token: await tokenFor(env.tenant, POWER_BI),
      expiresOnTimestamp: Date.now() + 600_000,
    }),
  };
  const { upstream, sleeps } = fastUpstream(timeoutMs);
  const { endpoint, scope } = env.config.upstream.powerbi;
  return {
    client: createUpstreamClient({ service: "powerbi", baseUrl: endpoint, scope, credential, ...upstream }),
    sleeps,
  };
}

const query = { $top: String(TOP), $expand: "users,reports" };
const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, index) => simulatedWorkspace(SEED, from + index).id);

describe("getJsonItems (the upstream seam's read of long pages)", () => {
  it("hands out the items and envelope that getJson parses whole", async () => {
    const { client } = powerBiClient();
    const whole = (await client.getJson(PATH, query)) as Record<string, unknown> & { value: unknown[] };
    const page = await client.getJsonItems(PATH, query, ["value"]);
    const { value, ...envelope } = whole;
    expect(page.count("value")).toBe(TOP);
    expect([...page.items("value")]).toEqual(value);
    expect(page.envelope).toEqual(envelope);
    expect(page.envelope["@odata.count"]).toBe(WORKSPACES);
  });

  it.each<[string, Omit<Fault, "route">[]]>([
    ["cut in half", [{ kind: "truncated" }]],
    ["not JSON", [{ kind: "malformed" }]],
    ["stalled halfway", [{ kind: "stalled" }]],
    ["a reset, then a 503", [{ kind: "reset" }, { status: 503 }]],
  ])("fetches a page whose body was %s again before handing out any item", async (_what, faults) => {
    for (const fault of faults) env.tenant.faults.inject({ route: "powerbi.groups", ...fault });
    const { client, sleeps } = powerBiClient(STALL_TIMEOUT_MS);
    const page = await client.getJsonItems(PATH, query, ["value"]);
    expect(env.tenant.faults.pending()).toBe(0);
    expect(sleeps).toHaveLength(faults.length);
    expect(client.stats).toEqual({ requests: faults.length + 1, retries: faults.length });
    expect([...page.items("value")].map((item) => (item as { id: string }).id)).toEqual(ids(0, TOP));
  });
});

describe("a workspaces sync of pages handed out in parts", () => {
  const call = () => routeCaller(env.config);

  it("stores every workspace once, with its counts, when pages break off and stall mid-run", async () => {
    env.tenant.faults.inject({ route: "powerbi.groups", kind: "truncated", after: 1 });
    env.tenant.faults.inject({ route: "powerbi.groups", kind: "stalled" });
    const { upstream } = fastUpstream(STALL_TIMEOUT_MS);
    const result = await syncKind("workspaces", env.config, { upstream });
    expect(env.tenant.faults.pending()).toBe(0);
    expect(result).toMatchObject({ status: "succeeded", counts: { workspaces: WORKSPACES, invalid: 0 } });
    expect(result.upstream).toEqual({ requests: 5, retries: 2 });
    const listed = await readAllItems(call(), WORKSPACES_ROUTE, { snapshotId: result.snapshotId });
    expect(listed.map((workspace) => workspace.id).sort()).toEqual(ids(0, WORKSPACES).sort());
    const users = Array.from({ length: WORKSPACES }, (_, index) => simulatedWorkspace(SEED, index).users?.length ?? 0);
    expect(result.counts.users).toBe(users.reduce((sum, count) => sum + count, 0));
  });

  it("counts and skips an invalid workspace in a page's second part", async () => {
    const broken = WORKSPACES_PER_PART + 10;
    env.tenant.faults.inject({
      route: "powerbi.groups",
      kind: "rewrite",
      rewrite: (body) => {
        const page = body as { value: Record<string, unknown>[] };
        page.value[broken]!.id = "";
        return page;
      },
    });
    const result = await syncKind("workspaces", env.config, { upstream: fastUpstream().upstream });
    expect(result).toMatchObject({ status: "succeeded", counts: { workspaces: WORKSPACES - 1, invalid: 1 } });
    const listed = await readAllItems(call(), WORKSPACES_ROUTE, { snapshotId: result.snapshotId });
    const expected = ids(0, WORKSPACES).filter((_, index) => index !== broken);
    expect(listed.map((workspace) => workspace.id).sort()).toEqual(expected.sort());
  });
});
