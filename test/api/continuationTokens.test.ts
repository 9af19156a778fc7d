import { createHmac } from "node:crypto";
import { createInventory, inventoryFor, syncKind } from "../../src/app/inventory";
import { getInventoryTables } from "../../src/store/tables";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient, errorCode } from "./apiClient";

let env: TestEnvironment;
let client: ApiClient;
let usersA: string;
let usersB: string;
let workspaces: string;

beforeAll(async () => {
  env = await startTestEnvironment({ users: 60, workspaces: 12, seed: 9 });
  client = new ApiClient(env.config);
  usersA = (await syncKind("users", env.config)).snapshotId;
  env.tenant.edit({ changeUsers: { 3: { department: "Moved" } }, addUsers: 2 });
  usersB = (await syncKind("users", env.config)).snapshotId;
  workspaces = (await syncKind("workspaces", env.config)).snapshotId;
});
afterAll(() => env.close());

async function tokenOf(name: string, params: Record<string, string>, query: Record<string, string> = {}) {
  const answer = await client.call(name, { params, query: { top: "5", ...query } });
  expect(answer.status).toBe(200);
  const token = answer.body.continuationToken;
  expect(typeof token).toBe("string");
  return token as string;
}

describe("continuation tokens", () => {
  it("reject a token of another snapshot, route or list with 400", async () => {
    const fromA = await tokenOf("listUsers", { snapshotId: usersA });
    const fromWorkspaces = await tokenOf("listWorkspaces", { snapshotId: workspaces });
    const fromSnapshots = await tokenOf("listSnapshots", {}, { top: "1" });
    const fromDiff = await tokenOf("diffSnapshots", { snapshotId: usersA, toSnapshotId: usersB }, { top: "1" });
    const cases: [string, Record<string, string>, string][] = [
      ["listUsers", { snapshotId: usersB }, fromA],
      ["listUsers", { snapshotId: usersB }, fromWorkspaces],
      ["listWorkspaces", { snapshotId: workspaces }, fromA],
      ["listUsers", { snapshotId: usersA }, fromSnapshots],
      ["listUsers", { snapshotId: usersA }, fromDiff],
      ["diffSnapshots", { snapshotId: usersB, toSnapshotId: usersA }, fromDiff],
      ["listSnapshots", {}, fromA],
    ];
    for (const [name, params, token] of cases) {
      const answer = await client.call(name, { params, query: { continuationToken: token } });
      expect([name, answer.status, errorCode(answer)]).toEqual([name, 400, "InvalidContinuationToken"]);
    }
  });

  it("reject edited, truncated and made-up tokens with 400, never a 5xx", async () => {
    const token = await tokenOf("listUsers", { snapshotId: usersA });
    const [body, signature] = token.split(".") as [string, string];
    const position = JSON.parse(Buffer.from(body, "base64url").toString()) as Record<string, string>;
    const edited = Buffer.from(JSON.stringify({ ...position, p: "00000000|x" })).toString("base64url");
    const unsigned = Buffer.from(JSON.stringify({ r: "users", s: usersA, p: "ffffffff|z" })).toString("base64url");
    const wrongKey = createHmac("sha256", "guess").update(unsigned).digest("base64url");
    const forged = [
      `${edited}.${signature}`,
      `${unsigned}.${wrongKey}`,
      token.slice(0, -1),
      `${token}.extra`,
      "%%%",
      ".",
      "a.b",
      "x".repeat(4096),
      "\u0000\uffff.\ud800",
      Buffer.from("null").toString("base64url") + "." + signature,
    ];
    for (const continuationToken of forged) {
      for (const snapshotId of [usersA, "latest"]) {
        const answer = await client.call("listUsers", { params: { snapshotId }, query: { continuationToken } });
        expect([continuationToken.slice(0, 30), answer.status, errorCode(answer)]).toEqual([
          continuationToken.slice(0, 30),
          400,
          "InvalidContinuationToken",
        ]);
      }
    }
    expect(client.errors).toEqual([]);
  });

  it("let `latest` keep paging the snapshot a token came from", async () => {
    const token = await tokenOf("listUsers", { snapshotId: usersA });
    const next = await client.call("listUsers", {
      params: { snapshotId: "latest" },
      query: { continuationToken: token },
    });
    expect(next.status).toBe(200);
    expect(next.body.snapshotId).toBe(usersA);
    const { items } = await client.allPages("listUsers", { snapshotId: "latest" }, { top: "7" });
    expect(new Set(items.map((item) => item.id)).size).toBe(62);
  });

  it("bind the filters and fields of the first page: other ones are a 400, another top is fine", async () => {
    const query = { userType: "Member", fields: "id,displayName" };
    const token = await tokenOf("listUsers", { snapshotId: usersA }, query);
    const again = (extra: Record<string, string>) =>
      client.call("listUsers", { params: { snapshotId: usersA }, query: { ...extra, continuationToken: token } });
    expect((await again({ ...query, top: "3" })).status).toBe(200);
    for (const other of [
      { ...query, userType: "Guest" },
      { fields: "id,displayName" },
      { ...query, fields: "id" },
      { ...query, search: "a" },
    ]) {
      const answer = await again(other);
      expect([JSON.stringify(other), answer.status, errorCode(answer)]).toEqual([
        JSON.stringify(other),
        400,
        "InvalidContinuationToken",
      ]);
    }
  });

  it("are signed with a random secret the deployment keeps in storage, not with anything public", async () => {
    const tables = await getInventoryTables(env.config.storage);
    const { value } = await tables.snapshots.getEntity<{ value: string }>("~deployment", "continuation-token-key");
    expect(Buffer.from(value, "base64")).toHaveLength(32);
    const row = { partitionKey: "~deployment", rowKey: "continuation-token-key", value };
    // Another instance of the same deployment reads the same secret, so its tokens work there too.
    const token = await tokenOf("listUsers", { snapshotId: usersA });
    const other = new ApiClient(createInventory(env.config));
    expect(
      (await other.call("listUsers", { params: { snapshotId: usersA }, query: { continuationToken: token } })).status,
    ).toBe(200);
    // A deployment with another secret refuses them, though tenant, route and snapshot are the same.
    await tables.snapshots.updateEntity({ ...row, value: Buffer.alloc(32, 7).toString("base64") }, "Replace");
    try {
      const elsewhere = new ApiClient(createInventory(env.config));
      const answer = await elsewhere.call("listUsers", {
        params: { snapshotId: usersA },
        query: { continuationToken: token },
      });
      expect([answer.status, errorCode(answer)]).toEqual([400, "InvalidContinuationToken"]);
    } finally {
      await tables.snapshots.updateEntity(row, "Replace");
    }
  });

  it("answer a genuinely signed token whose position is garbage with 400, never a 5xx", async () => {
    const { tokens } = await inventoryFor(env.config).api();
    const garbage = ["not a position", "{", "eyJuZXh0UGFydGl0aW9uS2V5IjoxfQ", "0000000000000-x", ""];
    const cases: [
      string,
      Record<string, string>,
      { route: string; snapshot: string; query: Record<string, string | undefined> },
    ][] = [
      ["listSnapshots", {}, { route: "snapshots", snapshot: "", query: { kind: undefined } }],
      ["listSnapshots", {}, { route: "snapshots", snapshot: "", query: { kind: "users" } }],
      ["listUsers", { snapshotId: usersA }, { route: "users", snapshot: usersA, query: {} }],
      [
        "diffSnapshots",
        { snapshotId: usersA, toSnapshotId: usersB },
        { route: "diff", snapshot: `${usersA} ${usersB}`, query: {} },
      ],
    ];
    for (const [name, params, scope] of cases) {
      for (const position of garbage) {
        const continuationToken = tokens.encode(scope, position);
        if (continuationToken === null) throw new Error("a position always makes a token");
        const query: Record<string, string> = { continuationToken };
        if (scope.query.kind !== undefined) query.kind = scope.query.kind;
        const answer = await client.call(name, { params, query });
        expect([name, position, answer.status, errorCode(answer)]).toEqual([
          name,
          position,
          400,
          "InvalidContinuationToken",
        ]);
      }
    }
    expect(client.errors).toEqual([]);
  });
});
