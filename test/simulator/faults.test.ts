import { ClientSecretCredential, ManagedIdentityCredential } from "@azure/identity";
import type { FaultKind } from "../../dev/simulator/faultInjector";
import type { SimulatedTenant } from "../../dev/simulator/simulatedTenant";
import type { SimulatorRoute } from "../../dev/simulator/simulatorRoute";
import {
  errorCode,
  getJson,
  GRAPH,
  POWER_BI,
  startTenant,
  tokenFor,
  VAULT,
  useManagedIdentityOf,
  restoreManagedIdentityEnvironment,
} from "./simulatorClient";

let tenant: SimulatedTenant;
let graphToken: string;
let powerBiToken: string;

beforeAll(async () => {
  tenant = await startTenant({ users: 30, workspaces: 12 });
  graphToken = await tokenFor(tenant, GRAPH);
  powerBiToken = await tokenFor(tenant, POWER_BI);
});
afterAll(() => tenant.close());
afterEach(() => tenant.faults.clear());

const USERS = "/v1.0/users?$top=5&$select=id,displayName";
const GROUPS = "/v1.0/myorg/admin/groups?$top=2";

function get(path: string, signal?: AbortSignal): Promise<Response> {
  const token = path.startsWith("/v1.0/users") ? graphToken : powerBiToken;
  return fetch(`${tenant.url}${path}`, { headers: { authorization: `Bearer ${token}` }, ...(signal && { signal }) });
}

describe("status faults", () => {
  it.each<{ route: SimulatorRoute; path: string; status: number; retryAfter?: number; code: string }>([
    { route: "graph.users", path: USERS, status: 429, retryAfter: 7, code: "TooManyRequests" },
    { route: "graph.users", path: USERS, status: 500, code: "generalException" },
    { route: "graph.users", path: USERS, status: 502, code: "BadGateway" },
    { route: "graph.users", path: USERS, status: 503, retryAfter: 2, code: "serviceNotAvailable" },
    { route: "powerbi.groups", path: GROUPS, status: 429, retryAfter: 3392, code: "TooManyRequests" },
    { route: "powerbi.groups", path: GROUPS, status: 500, code: "InternalServerError" },
    { route: "powerbi.groups", path: GROUPS, status: 503, code: "ServiceUnavailable" },
  ])(
    "$route answers $status (Retry-After $retryAfter) as $code, then recovers",
    async ({ route, path, status, retryAfter, code }) => {
      tenant.faults.inject({ route, status, ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }) });
      const faulted = await get(path);
      expect(faulted.status).toBe(status);
      expect(faulted.headers.get("retry-after")).toBe(retryAfter === undefined ? null : String(retryAfter));
      expect(errorCode(await faulted.json())).toBe(code);
      expect((await get(path)).status).toBe(200);
    },
  );

  it("applies `times` to consecutive requests and `after` skips the first ones", async () => {
    tenant.calls.reset();
    tenant.faults.inject({ route: "graph.users", status: 503, after: 2, times: 2 });
    const statuses: number[] = [];
    for (let call = 0; call < 5; call++) statuses.push((await get(USERS)).status);
    expect(statuses).toEqual([200, 200, 503, 503, 200]);
    expect(tenant.calls.count("graph.users", 503)).toBe(2);
    expect(tenant.faults.pending()).toBe(0);
  });

  it("sends a custom body when given one", async () => {
    tenant.faults.inject({ route: "powerbi.groups", status: 200, body: { value: [{ name: "no id" }] } });
    expect(await (await get(GROUPS)).json()).toEqual({ value: [{ name: "no id" }] });
  });

  it("takes the token endpoint down; MSAL then throttles that credential by itself", async () => {
    const credential = (): ClientSecretCredential =>
      new ClientSecretCredential(tenant.tenantId, tenant.clientId, tenant.clientSecret, {
        authorityHost: tenant.url,
        disableInstanceDiscovery: true,
        retryOptions: { maxRetries: 0 },
      });
    const throttled = credential();
    tenant.calls.reset();
    tenant.faults.inject({ route: "token", status: 503, times: 10 });
    await expect(throttled.getToken(`${GRAPH}/.default`)).rejects.toThrow(/AADSTS90033/);
    expect(tenant.calls.count("token", 503)).toBe(1);
    tenant.faults.clear("token");
    // MSAL remembers a 429/5xx for Retry-After (default 60 s) and fails the same request again without calling.
    await expect(throttled.getToken(`${GRAPH}/.default`)).rejects.toThrow(/AADSTS90033/);
    expect(tenant.calls.count("token")).toBe(1);
    await expect(credential().getToken(`${GRAPH}/.default`)).resolves.toMatchObject({
      token: expect.any(String) as unknown,
    });
  });
});

describe("managed identity faults", () => {
  afterAll(restoreManagedIdentityEnvironment);

  it("fails the identity endpoint in the App Service error shape, then recovers", async () => {
    useManagedIdentityOf(tenant);
    tenant.faults.inject({ route: "msi", status: 500 });
    const credential = new ManagedIdentityCredential({ retryOptions: { maxRetries: 0 } });
    await expect(credential.getToken(`${VAULT}/.default`)).rejects.toThrow(/Injected fault: 500/);
    await expect(credential.getToken(`${VAULT}/.default`)).resolves.toMatchObject({
      token: expect.any(String) as unknown,
    });
    expect(
      tenant.calls
        .records()
        .filter((call) => call.route === "msi")
        .map((call) => call.status),
    ).toEqual([500, 200]);
  });
});

describe("transport faults", () => {
  it("resets the connection without an answer", async () => {
    tenant.faults.inject({ route: "graph.users", kind: "reset" });
    await expect(get(USERS)).rejects.toThrow(/fetch failed/);
    expect(tenant.calls.records().at(-1)).toMatchObject({ route: "graph.users", status: 0, fault: "reset" });
    expect((await get(USERS)).status).toBe(200);
  });

  it("holds a slow request past the client's timeout", async () => {
    tenant.faults.inject({ route: "powerbi.groups", kind: "slow" });
    const started = Date.now();
    await expect(get(GROUPS, AbortSignal.timeout(150))).rejects.toThrow(/aborted|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await get(GROUPS)).status).toBe(200);
  });

  it("answers normally after `delayMs` when one is given", async () => {
    tenant.faults.inject({ route: "graph.users", kind: "slow", delayMs: 120 });
    const started = Date.now();
    const answer = await get(USERS);
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(((await answer.json()) as { value: unknown[] }).value).toHaveLength(5);
  });

  it("releases a held request when the tenant closes", async () => {
    const closing = await startTenant({ users: 3 });
    const token = await tokenFor(closing, GRAPH);
    closing.faults.inject({ route: "graph.users", kind: "slow" });
    const pending = fetch(`${closing.url}/v1.0/users`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await closing.close();
    await expect(pending).rejects.toThrow(/fetch failed/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("body faults", () => {
  async function realText(path: string): Promise<string> {
    return (await get(path)).text();
  }

  it.each<[FaultKind, SimulatorRoute, string]>([
    ["truncated", "graph.users", USERS],
    ["truncated", "powerbi.groups", GROUPS],
    ["malformed", "graph.users", USERS],
    ["malformed", "powerbi.groups", GROUPS],
  ])("%s on %s sends 200 with a body that is not JSON", async (kind, route, path) => {
    const real = await realText(path);
    tenant.faults.inject({ route, kind });
    const answer = await get(path);
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    if (kind === "truncated") expect(real.startsWith(text) && text.length === Math.floor(real.length / 2)).toBe(true);
    else expect(text.length).toBe(real.length + 1);
  });

  it("rewrites the real answer, e.g. to break one item of a page", async () => {
    tenant.faults.inject({
      route: "graph.users",
      kind: "rewrite",
      rewrite: (body) => {
        const page = body as { value: Record<string, unknown>[] };
        delete page.value[1]?.id;
        return page;
      },
    });
    const page = (await (await get(USERS)).json()) as { value: Record<string, unknown>[] };
    expect(page.value.map((user) => "id" in user)).toEqual([true, false, true, true, true]);
  });
});

describe("unknown requests", () => {
  it.each(["/", "/v1.0/groups", "/v1.0/users/delta", "/common/discovery/instance", "/v1.0/myorg/groups"])(
    "answers %s with a JSON 404",
    async (path) => {
      const answer = await getJson(tenant, path, graphToken);
      expect(answer.status).toBe(404);
      expect(errorCode(answer.body)).toBe("NotFound");
    },
  );

  it("refuses to queue a fault for a route that does not exist", () => {
    expect(() => tenant.faults.inject({ route: "graph.groups" as SimulatorRoute })).toThrow(RangeError);
    expect(() => tenant.faults.inject({ route: "graph.users", times: 0 })).toThrow(RangeError);
  });
});
