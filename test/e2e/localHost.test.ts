import { inventoryFor } from "../../src/app/inventory";
import { functionDefinitions } from "../../src/functions/definitions";
import { startLocalHost, type LocalHost } from "../../dev/local/localHost";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

let env: TestEnvironment;
let host: LocalHost;
const logs: string[] = [];

beforeAll(async () => {
  env = await startTestEnvironment({ users: 150, workspaces: 12 });
  host = await startLocalHost(functionDefinitions(inventoryFor(env.config)), {
    port: 0,
    log: (line) => logs.push(line),
  });
});
afterAll(async () => {
  await host.close();
  await env.close();
});

async function get(path: string) {
  const response = await fetch(`${host.url}${path}`);
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe("local host", () => {
  it("serves /api/health", async () => {
    const health = await get("/api/health");
    expect(health).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(health.type).toContain("application/json");
  });

  it("answers 404 NoSnapshot before the first sync, in the error shape", async () => {
    const response = await get("/api/snapshots/latest/users");
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: { code: "NoSnapshot", message: "there is no succeeded users snapshot yet" },
    });
  });

  it("runs the timers' sync and serves its users over HTTP", async () => {
    await host.runTimer("syncUsers");
    const page = await get("/api/snapshots/latest/users?top=100");
    expect(page.status).toBe(200);
    expect((page.body.items as unknown[]).length).toBe(100);
    const next = await get(
      `/api/snapshots/latest/users?top=100&continuationToken=${encodeURIComponent(String(page.body.continuationToken))}`,
    );
    expect((next.body.items as unknown[]).length).toBe(50);
    expect(next.body.continuationToken).toBeNull();
  });

  it("matches route parameters with URL decoding", async () => {
    const response = await get("/api/snapshots/latest/workspaces/a%2Fb");
    expect(response.status).toBe(404);
  });

  it("answers unknown routes with 404 in the error shape, never cached", async () => {
    const response = await fetch(`${host.url}/api/nope`);
    expect([response.status, response.headers.get("cache-control")]).toEqual([404, "no-store"]);
    expect(await response.json()).toEqual({ error: { code: "NotFound", message: "no function serves GET /api/nope" } });
  });

  it("answers a method no function takes with 405, the methods it takes in Allow, never cached", async () => {
    const response = await fetch(`${host.url}/api/health`, { method: "DELETE" });
    expect([response.status, response.headers.get("allow"), response.headers.get("cache-control")]).toEqual([
      405,
      "GET",
      "no-store",
    ]);
    expect(await response.json()).toMatchObject({ error: { code: "MethodNotAllowed" } });
  });
});
