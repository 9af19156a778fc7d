import { userSelectOf } from "../../src/kinds/users/usersKind";
import { storedUser } from "../support/powerBiRules";
import { parse } from "csv-parse/sync";
import { WORKSPACE_ARTIFACTS } from "../../src/sources/powerbi/adminGroups";
import { WORKSPACE_FIELDS } from "../../src/kinds/workspaces/workspaceSchemas";
import { functionDefinitions } from "../../src/functions/definitions";
import { startLocalHost, type LocalHost } from "../../dev/local/localHost";
import { simulatedUser, type SimulatedUser } from "../../dev/simulator/simulatedUser";
import { simulatedWorkspace } from "../../dev/simulator/simulatedWorkspace";
import { syncKind, inventoryFor } from "../../src/app/inventory";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient, type Answer } from "./apiClient";

const SEED = 13;
const USERS = 2_100;
const WORKSPACES = 30;

let env: TestEnvironment;
let client: ApiClient;
let users: SimulatedUser[];
let snapshotId: string;

beforeAll(async () => {
  env = await startTestEnvironment({ users: USERS, workspaces: WORKSPACES, seed: SEED });
  client = new ApiClient(env.config);
  users = Array.from({ length: USERS }, (_, index) => simulatedUser(SEED, index));
  snapshotId = (await syncKind("users", env.config)).snapshotId;
  expect((await syncKind("workspaces", env.config)).status).toBe("succeeded");
});
afterAll(() => env.close());

/** What a CSV cell holds for a value: text as is, nested values as JSON, nothing for null. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return typeof value === "string" ? value : JSON.stringify(value);
}

function csvRecords(answer: Answer, bom = false): Record<string, string>[] {
  expect(answer.status).toBe(200);
  return parse<Record<string, string>>(answer.bytes, { columns: true, bom });
}

function expectedRows(list: readonly Record<string, unknown>[], columns: readonly string[]) {
  return list.map((item) => Object.fromEntries(columns.map((column) => [column, cell(item[column])])));
}

const byId = (a: { id?: unknown }, b: { id?: unknown }) => String(a.id).localeCompare(String(b.id));

describe("CSV export", () => {
  it("streams every user, all pages, with a header of the configured properties and powerBiLicense", async () => {
    const answer = await client.call("listUsers", { params: { snapshotId: "latest" }, query: { format: "csv" } });
    expect(answer.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    expect(answer.headers.get("content-disposition")).toBe(`attachment; filename="users-${snapshotId}.csv"`);
    const columns = [...userSelectOf(env.config), "powerBiLicense"];
    expect(answer.text.startsWith(`${columns.join(",")}\r\n`)).toBe(true);
    const records = csvRecords(answer);
    expect(records).toHaveLength(USERS);
    const expected = expectedRows(
      users.map((user) => storedUser(env.config, user)),
      columns,
    );
    expect(records.sort(byId)).toEqual(expected.sort(byId));
  });

  it("applies filters and fields, which also order the columns", async () => {
    const answer = await client.call("listUsers", {
      params: { snapshotId },
      query: { format: "csv", userType: "Guest", fields: "userPrincipalName,displayName,assignedLicenses,id" },
    });
    const columns = ["userPrincipalName", "displayName", "assignedLicenses", "id"];
    expect(answer.text.split("\r\n")[0]).toBe(columns.join(","));
    const guests = users.filter((user) => user.userType === "Guest") as unknown as Record<string, unknown>[];
    expect(guests.length).toBeGreaterThan(50);
    expect(csvRecords(answer).sort(byId)).toEqual(expectedRows(guests, columns).sort(byId));
  });

  it("starts with a UTF-8 byte order mark for Excel when asked", async () => {
    const answer = await client.call("listUsers", {
      params: { snapshotId: "latest" },
      query: { format: "csv", bom: "true", search: "田中" },
    });
    expect([...answer.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = csvRecords(answer, true);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(record.displayName!.startsWith("田中")).toBe(true);
  });

  it("is chosen by an Accept header too", async () => {
    const answer = await client.call("listUsers", {
      params: { snapshotId: "latest" },
      headers: { accept: "text/csv, application/json;q=0.5" },
    });
    expect(answer.headers.get("content-type")).toContain("text/csv");
    expect(csvRecords(answer)).toHaveLength(USERS);
    const json = await client.call("listUsers", { params: { snapshotId: "latest" }, headers: { accept: "*/*" } });
    expect(json.headers.get("content-type")).toContain("application/json");
  });

  it("exports workspaces with the documented properties as columns, newlines and quotes intact", async () => {
    const answer = await client.call("listWorkspaces", { params: { snapshotId: "latest" }, query: { format: "csv" } });
    expect(answer.text.split("\r\n")[0]).toBe(WORKSPACE_FIELDS.join(","));
    const workspaces = Array.from({ length: WORKSPACES }, (_, index) => {
      const workspace: Record<string, unknown> = { ...simulatedWorkspace(SEED, index) };
      for (const artifact of WORKSPACE_ARTIFACTS) delete workspace[artifact];
      return workspace;
    });
    expect(workspaces.some((w) => String(w.description).includes("\n"))).toBe(true);
    expect(csvRecords(answer).sort(byId)).toEqual(expectedRows(workspaces, WORKSPACE_FIELDS).sort(byId));
  });
});

describe("NDJSON export", () => {
  it("streams one whole user per line, powerBiLicense included", async () => {
    const answer = await client.call("listUsers", { params: { snapshotId: "latest" }, query: { format: "ndjson" } });
    expect(answer.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(answer.text.endsWith("}\n")).toBe(true);
    const lines = answer.text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const expected = users.map((user) => storedUser(env.config, user));
    expect(lines.every((line) => typeof line.powerBiLicense === "string")).toBe(true);
    expect(lines.sort(byId)).toEqual(expected.sort(byId));
  });

  it("is chosen by Accept: application/x-ndjson, with filters", async () => {
    const answer = await client.call("listWorkspaces", {
      params: { snapshotId: "latest" },
      query: { state: "Deleted", fields: "id,state" },
      headers: { accept: "application/x-ndjson" },
    });
    const lines = answer.text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const deleted = Array.from({ length: WORKSPACES }, (_, i) => simulatedWorkspace(SEED, i)).filter(
      (w) => w.state === "Deleted",
    );
    expect(lines.sort(byId)).toEqual(deleted.map((w) => ({ id: w.id, state: "Deleted" })).sort(byId));
  });
});

describe("exports over HTTP", () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startLocalHost(functionDefinitions(inventoryFor(env.config)), { port: 0, log: () => undefined });
  });
  afterAll(() => host.close());

  it("streams the CSV in chunks through the local host", async () => {
    const response = await fetch(`${host.url}/api/snapshots/latest/users?format=csv&bom=true`);
    expect(response.status).toBe(200);
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    const bytes = Buffer.from(await response.arrayBuffer());
    const records = parse<Record<string, string>>(bytes, { columns: true, bom: true });
    expect(records.map((record) => record.id).sort()).toEqual(users.map((user) => user.id).sort());
  });

  it("answers a matching If-None-Match with an empty 304 through the local host", async () => {
    const url = `${host.url}/api/snapshots/latest/users?format=csv`;
    const first = await fetch(url);
    const etag = first.headers.get("etag")!;
    await first.arrayBuffer();
    const again = await fetch(url, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    expect(again.headers.get("etag")).toBe(etag);
  });
});
