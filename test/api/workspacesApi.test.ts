import { WORKSPACE_ARTIFACTS } from "../../src/sources/powerbi/adminGroups";
import type { AdminGroup } from "../../dev/simulator/powerBiTypes";
import { simulatedWorkspace } from "../../dev/simulator/simulatedWorkspace";
import { syncKind } from "../../src/app/inventory";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient, errorCode, errorMessage } from "./apiClient";

const SEED = 5;
const WORKSPACES = 120;

let env: TestEnvironment;
let client: ApiClient;
let workspaces: AdminGroup[];

beforeAll(async () => {
  env = await startTestEnvironment({ workspaces: WORKSPACES, seed: SEED });
  client = new ApiClient(env.config);
  workspaces = Array.from({ length: WORKSPACES }, (_, index) => simulatedWorkspace(SEED, index));
  expect(await syncKind("workspaces", env.config)).toMatchObject({ status: "succeeded" });
});
afterAll(() => env.close());

/** A workspace as the list serves it: without its arrays. */
function listed(workspace: AdminGroup): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...workspace };
  for (const artifact of WORKSPACE_ARTIFACTS) delete copy[artifact];
  return copy;
}

const hasAdmin = (w: AdminGroup) => w.users!.some((user) => user.groupUserAccessRight === "Admin");
const capacity = () => workspaces.find((w) => w.capacityId !== undefined)!.capacityId!;

describe("workspaces filters", () => {
  it.each<[string, () => Record<string, string>, (workspace: AdminGroup) => boolean]>([
    ["type Workspace", () => ({ type: "Workspace" }), (w) => w.type === "Workspace"],
    ["type PersonalGroup", () => ({ type: "PersonalGroup" }), (w) => w.type === "PersonalGroup"],
    ["state Deleted", () => ({ state: "Deleted" }), (w) => w.state === "Deleted"],
    ["state Active", () => ({ state: "Active" }), (w) => w.state === "Active"],
    ["dedicated capacity", () => ({ isOnDedicatedCapacity: "true" }), (w) => w.isOnDedicatedCapacity],
    ["shared capacity", () => ({ isOnDedicatedCapacity: "false" }), (w) => !w.isOnDedicatedCapacity],
    ["a capacity, as Power BI writes it", () => ({ capacityId: capacity() }), (w) => w.capacityId === capacity()],
    ["a capacity, in lower case", () => ({ capacityId: capacity().toLowerCase() }), (w) => w.capacityId === capacity()],
    ["orphaned", () => ({ orphaned: "true" }), (w) => w.users !== undefined && !hasAdmin(w)],
    ["not orphaned", () => ({ orphaned: "false" }), (w) => w.users !== undefined && hasAdmin(w)],
    [
      "several at once",
      () => ({ type: "Workspace", state: "Active", orphaned: "false" }),
      (w) => w.type === "Workspace" && w.state === "Active" && w.users !== undefined && hasAdmin(w),
    ],
  ])("selects %s on the server, across pages", async (_, query, predicate) => {
    const expected = workspaces.filter(predicate);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(WORKSPACES);
    const { items } = await client.allPages("listWorkspaces", { snapshotId: "latest" }, { ...query(), top: "7" });
    expect(items.map((item) => item.id).sort()).toEqual(expected.map((w) => w.id).sort());
    const byId = new Map(expected.map((w) => [w.id, w]));
    for (const item of items) expect(item).toEqual(listed(byId.get(item.id as string)!));
  });

  it.each([
    ["a type in the wrong case", { type: "workspace" }, "InvalidParameter", ['"Workspace"', '"PersonalGroup"']],
    ["an unknown state", { state: "Gone" }, "InvalidParameter", ['"Active"', '"Deleted"', '"Removing"']],
    ["a capacity that is no GUID", { capacityId: "abc" }, "InvalidParameter", ["GUID"]],
    ["orphaned=yes", { orphaned: "yes" }, "InvalidParameter", ['"true"']],
    ["an array in fields", { fields: "id,users" }, "UnknownField", ["isOnDedicatedCapacity"]],
    ["a users filter", { userType: "Guest" }, "UnknownParameter", ["type", "state", "capacityId", "orphaned"]],
  ])("answers %s with 400 naming what is allowed", async (_, query, code, mentions) => {
    const answer = await client.call("listWorkspaces", { params: { snapshotId: "latest" }, query });
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe(code);
    for (const text of mentions) expect(errorMessage(answer)).toContain(text);
  });
});

describe("fields", () => {
  it("trims listed workspaces", async () => {
    const { items } = await client.allPages("listWorkspaces", { snapshotId: "latest" }, { fields: "name,id" });
    expect(items).toHaveLength(WORKSPACES);
    const byId = new Map(workspaces.map((w) => [w.id, w]));
    for (const item of items) expect(item).toEqual({ name: byId.get(item.id as string)!.name, id: item.id });
  });

  it("trims one workspace to some properties and arrays", async () => {
    const workspace = workspaces[6]!;
    const answer = await client.call("getWorkspace", {
      params: { snapshotId: "latest", workspaceId: workspace.id },
      query: { fields: "id,users,reports" },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: workspace.id, users: workspace.users, reports: workspace.reports });
  });

  it("serves a workspace without arrays when fields names none", async () => {
    const workspace = workspaces[0]!;
    const answer = await client.call("getWorkspace", {
      params: { snapshotId: "latest", workspaceId: workspace.id },
      query: { fields: "name,state" },
    });
    expect(answer.body).toEqual({ name: workspace.name, state: workspace.state });
  });
});
