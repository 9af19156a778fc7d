import { WORKSPACE_ARTIFACTS } from "../../src/sources/powerbi/adminGroups";
import type { AdminGroup, GroupUser } from "../../dev/simulator/powerBiTypes";
import { simulatedWorkspace } from "../../dev/simulator/simulatedWorkspace";
import { syncKind } from "../../src/app/inventory";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient } from "./apiClient";

const SEED = 19;
const WORKSPACES = 40;

let env: TestEnvironment;
let client: ApiClient;
let older: string;
let newer: string;
let expected: Entry[];

type Entry = Record<string, unknown> & { id: string };
type Workspace = Record<string, unknown>;

/** A workspace as the list serves it: without its arrays. */
function listed(workspace: AdminGroup): Workspace {
  const copy: Workspace = { ...workspace };
  for (const artifact of WORKSPACE_ARTIFACTS) delete copy[artifact];
  return copy;
}

const none = { added: [], removed: [], changed: [] };
const newcomer: GroupUser = {
  identifier: "new.admin@contoso.com",
  displayName: "New Admin",
  graphId: "7b0c8f44-0000-4000-8000-000000000001",
  principalType: "User",
  groupUserAccessRight: "Admin",
};

beforeAll(async () => {
  env = await startTestEnvironment({ workspaces: WORKSPACES, seed: SEED });
  client = new ApiClient(env.config);
  older = (await syncKind("workspaces", env.config)).snapshotId;

  const all = Array.from({ length: WORKSPACES }, (_, index) => simulatedWorkspace(SEED, index));
  const pick = (predicate: (w: AdminGroup) => boolean, taken: number[]) =>
    all.findIndex((w, index) => index >= 9 && !taken.includes(index) && predicate(w));
  const promoted = pick((w) => (w.users ?? []).some((u) => u.groupUserAccessRight !== "Admin"), []);
  const reshuffled = pick((w) => (w.users ?? []).length >= 2, [promoted]);
  const reported = pick((w) => w.reports.length >= 1, [promoted, reshuffled]);
  const renamed = pick(() => true, [promoted, reshuffled, reported]);
  const removed = pick(() => true, [promoted, reshuffled, reported, renamed]);
  const member = all[promoted]!.users!.findIndex((u) => u.groupUserAccessRight !== "Admin");
  const dropped = all[reshuffled]!.users!.at(-1)!;
  const report = all[reported]!.reports[0]!;
  const newReport = { ...report, id: "0f3a5d2e-0000-4000-8000-00000000000a", name: "New report" };

  // What the test changes in the tenant between the two syncs.
  const users = (w: Workspace) => w.users as GroupUser[];
  env.tenant.edit({
    removeWorkspaces: [removed],
    addWorkspaces: 2,
    changeWorkspaces: {
      [renamed]: (w) => ({ ...w, name: "Renamed workspace" }),
      [promoted]: (w) => ({
        ...w,
        users: users(w).map((u, i) => (i === member ? { ...u, groupUserAccessRight: "Admin" } : u)),
      }),
      [reshuffled]: (w) => ({ ...w, users: [...users(w).slice(0, -1), newcomer] }),
      [reported]: (w) => ({ ...w, reports: [...(w.reports as unknown[]).slice(1), newReport] }),
    },
  });
  newer = (await syncKind("workspaces", env.config)).snapshotId;

  const changed = (index: number, own: Partial<Entry>, artifacts: Record<string, unknown>): Entry => ({
    change: "changed",
    id: all[index]!.id,
    fields: [],
    old: {},
    new: {},
    ...own,
    artifacts,
  });
  const before = all[promoted]!.users![member]!;
  expected = [
    { change: "removed", id: all[removed]!.id, item: listed(all[removed]!) },
    ...[0, 1].map((k) => {
      const workspace = simulatedWorkspace(SEED, WORKSPACES + k);
      return { change: "added", id: workspace.id, item: listed(workspace) };
    }),
    changed(renamed, { fields: ["name"], old: { name: all[renamed]!.name }, new: { name: "Renamed workspace" } }, {}),
    changed(
      promoted,
      {},
      {
        users: {
          ...none,
          changed: [
            {
              key: before.identifier,
              fields: ["groupUserAccessRight"],
              old: { groupUserAccessRight: before.groupUserAccessRight },
              new: { groupUserAccessRight: "Admin" },
            },
          ],
        },
      },
    ),
    changed(reshuffled, {}, { users: { added: [newcomer], removed: [dropped], changed: [] } }),
    changed(reported, {}, { reports: { added: [newReport], removed: [report], changed: [] } }),
  ].sort(byId);
});
afterAll(() => env.close());

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

describe("workspaces diff", () => {
  it("reports workspaces added, removed, renamed, and their access and artifact changes", async () => {
    const { items } = await client.allPages("diffSnapshots", { snapshotId: older, toSnapshotId: newer }, { top: "2" });
    expect((items as Entry[]).sort(byId)).toEqual(expected);
  });

  it("streams the same as NDJSON, resolving `latest` from the other side's kind", async () => {
    const answer = await client.call("diffSnapshots", {
      params: { snapshotId: older, toSnapshotId: "latest" },
      query: { format: "ndjson" },
    });
    const lines = answer.text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Entry);
    expect(lines.sort(byId)).toEqual(expected);
  });

  it("counts workspaces and artifact changes in the summary", async () => {
    const answer = await client.call("diffSummary", { params: { snapshotId: older, toSnapshotId: newer } });
    expect(answer.body).toEqual({
      kind: "workspaces",
      from: older,
      to: newer,
      added: 2,
      removed: 1,
      changed: 4,
      unchanged: WORKSPACES - 1 - 4,
      fields: { name: 1 },
      artifacts: {
        users: { added: 1, removed: 1, changed: 1 },
        reports: { added: 1, removed: 1, changed: 0 },
        dashboards: { added: 0, removed: 0, changed: 0 },
        datasets: { added: 0, removed: 0, changed: 0 },
        dataflows: { added: 0, removed: 0, changed: 0 },
        workbooks: { added: 0, removed: 0, changed: 0 },
      },
    });
  });
});
