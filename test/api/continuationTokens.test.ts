import { createHmac } from "node:crypto";
import { syncKind } from "../../src/app/inventory";
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
});
