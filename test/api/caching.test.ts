import { syncKind } from "../../src/app/inventory";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient, type Call } from "./apiClient";

let env: TestEnvironment;
let client: ApiClient;
let first: string;

beforeAll(async () => {
  env = await startTestEnvironment({ users: 120, workspaces: 10, seed: 3 });
  client = new ApiClient(env.config);
  first = (await syncKind("users", env.config)).snapshotId;
  expect((await syncKind("workspaces", env.config)).status).toBe("succeeded");
});
afterAll(() => env.close());

async function etagOf(name: string, call: Call): Promise<string> {
  const answer = await client.call(name, call);
  expect(answer.status).toBe(200);
  const etag = answer.headers.get("etag");
  expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
  return etag!;
}

const workspaceId = async () =>
  ((await client.call("listWorkspaces", { params: { snapshotId: "latest" } })).body.items as { id: string }[])[0]!.id;

describe("conditional GETs", () => {
  it.each<[string, () => Promise<Call>]>([
    ["listUsers", () => Promise.resolve({ params: { snapshotId: "latest" } })],
    ["listUsers", () => Promise.resolve({ params: { snapshotId: "latest" }, query: { format: "csv" } })],
    ["listWorkspaces", () => Promise.resolve({ params: { snapshotId: "latest" }, query: { state: "Active" } })],
    ["getWorkspace", async () => ({ params: { snapshotId: "latest", workspaceId: await workspaceId() } })],
    ["getSnapshot", () => Promise.resolve({ params: { snapshotId: "latest" }, query: { kind: "users" } })],
  ])("%s answers If-None-Match with 304 and no body", async (name, request) => {
    const call = await request();
    const etag = await etagOf(name, call);
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const answer = await client.call(name, { ...call, headers: { "if-none-match": header } });
      expect(answer.status).toBe(304);
      expect(answer.bytes.length).toBe(0);
      expect(answer.headers.get("etag")).toBe(etag);
      expect(answer.headers.get("cache-control")).toBe("private, max-age=60");
    }
    const changed = await client.call(name, { ...call, headers: { "if-none-match": '"something-else"' } });
    expect(changed.status).toBe(200);
    expect(changed.bytes.length).toBeGreaterThan(0);
  });

  it("caches a named snapshot longer than `latest`, with the same tag for the same bytes", async () => {
    const named = await client.call("listUsers", { params: { snapshotId: first } });
    const latest = await client.call("listUsers", { params: { snapshotId: "latest" } });
    expect(named.headers.get("cache-control")).toBe("private, max-age=86400");
    expect(latest.headers.get("cache-control")).toBe("private, max-age=60");
    expect(named.headers.get("etag")).toBe(latest.headers.get("etag"));
    expect(named.headers.get("vary")).toBe("Accept");
  });

  it("gives every query and format its own tag, whichever way the format was asked for", async () => {
    const call = { params: { snapshotId: first } };
    const tags = [
      await etagOf("listUsers", call),
      await etagOf("listUsers", { ...call, query: { top: "5" } }),
      await etagOf("listUsers", { ...call, query: { userType: "Guest" } }),
      await etagOf("listUsers", { ...call, query: { fields: "id" } }),
      await etagOf("listUsers", { ...call, query: { format: "csv" } }),
      await etagOf("listUsers", { ...call, query: { format: "csv", bom: "true" } }),
      await etagOf("listUsers", { ...call, query: { format: "ndjson" } }),
    ];
    expect(new Set(tags).size).toBe(tags.length);
    expect(await etagOf("listUsers", { ...call, headers: { accept: "text/csv" } })).toBe(tags[4]);
    expect(await etagOf("listUsers", { ...call, query: { top: "100", code: "a-key" } })).toBe(tags[0]);
  });

  it("moves `latest`'s tag when a new snapshot succeeds, and keeps the old snapshot's", async () => {
    const call = { params: { snapshotId: "latest" } };
    const before = await etagOf("listUsers", call);
    const second = await syncKind("users", env.config);
    expect(second.status).toBe("succeeded");
    const stale = await client.call("listUsers", { ...call, headers: { "if-none-match": before } });
    expect(stale.status).toBe(200);
    expect(stale.body.snapshotId).toBe(second.snapshotId);
    expect(stale.headers.get("etag")).not.toBe(before);
    const old = await client.call("listUsers", { params: { snapshotId: first }, headers: { "if-none-match": before } });
    expect(old.status).toBe(304);
  });

  it("never caches errors", async () => {
    const answer = await client.call("listUsers", { params: { snapshotId: "latest" }, query: { top: "0" } });
    expect(answer.status).toBe(400);
    expect(answer.headers.get("etag")).toBeNull();
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });
});
