import { expectedPowerBiLicense, storedUser } from "../support/powerBiRules";
import { simulatedUser, type SimulatedUser } from "../../dev/simulator/simulatedUser";
import { inventoryFor, syncKind } from "../../src/app/inventory";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { ApiClient, errorCode } from "./apiClient";

const SEED = 17;
const USERS = 800;

let env: TestEnvironment;
let client: ApiClient;
let older: string;
let newer: string;
let expected: Record<string, unknown>[];

type Entry = Record<string, unknown> & { id: string };

/** A user as stored: the configured Graph properties and powerBiLicense. */
const stored = (user: SimulatedUser) => storedUser(env.config, user);
const PRO = { skuId: "f8a1db68-be16-40ed-86d5-cb42ce701560", disabledPlans: [] };

beforeAll(async () => {
  env = await startTestEnvironment({ users: USERS, seed: SEED });
  client = new ApiClient(env.config);
  older = (await syncKind("users", env.config)).snapshotId;

  const users = Array.from({ length: USERS }, (_, index) => simulatedUser(SEED, index));
  const enabled = users.findIndex((user, index) => index > 20 && user.accountEnabled);
  // One who loses a Power BI licence with the rest, and one with none who gains Pro.
  const licensed = users.findIndex(
    (user, index) => index > enabled && expectedPowerBiLicense(user.assignedLicenses) !== "none",
  );
  const unlicensed = users.findIndex((user, index) => index > licensed && user.assignedLicenses.length === 0);
  // What the test changes in the tenant between the two syncs; `givenName` is not synced, so it is no change.
  env.tenant.edit({
    removeUsers: [5, 100, USERS - 1],
    addUsers: 4,
    changeUsers: {
      10: { department: "Moved" },
      12: { displayName: "Renamed Person", jobTitle: "CFO" },
      14: { givenName: "Not synced" },
      [enabled]: { accountEnabled: false },
      [licensed]: { assignedLicenses: [] },
      [unlicensed]: { assignedLicenses: [PRO] },
    },
  });
  newer = (await syncKind("users", env.config)).snapshotId;

  // The stored properties a change of the user makes differ: a change of licences also changes powerBiLicense.
  const changed = (index: number, changes: Partial<SimulatedUser>): Entry => {
    const before = stored(users[index]!);
    const after = stored({ ...users[index]!, ...changes });
    const fields = Object.keys(after).filter((field) => JSON.stringify(after[field]) !== JSON.stringify(before[field]));
    return {
      change: "changed",
      id: users[index]!.id,
      fields,
      old: Object.fromEntries(fields.map((field) => [field, before[field]])),
      new: Object.fromEntries(fields.map((field) => [field, after[field]])),
    };
  };
  expected = [
    ...[5, 100, USERS - 1].map((index) => ({ change: "removed", id: users[index]!.id, item: stored(users[index]!) })),
    ...[0, 1, 2, 3].map((k) => {
      const user = simulatedUser(SEED, USERS + k);
      return { change: "added", id: user.id, item: stored(user) };
    }),
    changed(10, { department: "Moved" }),
    changed(12, { displayName: "Renamed Person", jobTitle: "CFO" }),
    changed(enabled, { accountEnabled: false }),
    changed(licensed, { assignedLicenses: [] }),
    changed(unlicensed, { assignedLicenses: [PRO] }),
  ].sort(byId);
  // The licence changes the test relies on, said outright.
  const licenceChanges = expected.filter((entry) => (entry.fields as string[] | undefined)?.includes("powerBiLicense"));
  expect(licenceChanges.map((entry) => entry.new)).toEqual(
    expect.arrayContaining([
      { assignedLicenses: [PRO], powerBiLicense: "pro" },
      expect.objectContaining({ powerBiLicense: "none" }),
    ]),
  );
});
afterAll(() => env.close());

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
const sorted = (items: Record<string, unknown>[]) => (items as Entry[]).sort(byId);

describe("users diff", () => {
  it("pages exactly the differences the test made, in pages of two", async () => {
    const { items, pages } = await client.allPages(
      "diffSnapshots",
      { snapshotId: older, toSnapshotId: newer },
      { top: "2" },
    );
    expect(pages).toBeGreaterThanOrEqual(6);
    expect(sorted(items)).toEqual(expected);
  });

  it("answers with both resolved ids and continues a `latest` diff on the pair it started", async () => {
    const first = await client.call("diffSnapshots", { params: { snapshotId: older, toSnapshotId: "latest" } });
    expect(first.body).toMatchObject({ kind: "users", from: older, to: newer, continuationToken: null });
    expect(sorted(first.body.items as Entry[])).toEqual(expected);
    const { items } = await client.allPages(
      "diffSnapshots",
      { snapshotId: older, toSnapshotId: "latest" },
      { top: "3" },
    );
    expect(sorted(items)).toEqual(expected);
  });

  it("reads the other way round as the opposite changes", async () => {
    const { items } = await client.allPages("diffSnapshots", { snapshotId: newer, toSnapshotId: older });
    const reversed = expected.map((entry) => {
      if (entry.change === "added") return { ...entry, change: "removed" };
      if (entry.change === "removed") return { ...entry, change: "added" };
      return { ...entry, old: entry.new, new: entry.old };
    });
    expect(sorted(items)).toEqual(reversed);
  });

  it("streams every difference as NDJSON", async () => {
    const answer = await client.call("diffSnapshots", {
      params: { snapshotId: older, toSnapshotId: newer },
      query: { format: "ndjson" },
    });
    expect(answer.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const lines = answer.text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Entry);
    expect(lines.sort(byId)).toEqual(expected);
  });

  it("counts the differences in a summary", async () => {
    const answer = await client.call("diffSummary", { params: { snapshotId: older, toSnapshotId: "latest" } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      kind: "users",
      from: older,
      to: newer,
      added: 4,
      removed: 3,
      changed: 5,
      unchanged: USERS - 3 - 5,
      fields: { department: 1, displayName: 1, jobTitle: 1, accountEnabled: 1, assignedLicenses: 2, powerBiLicense: 2 },
    });
  });

  it("finds nothing between a snapshot and itself", async () => {
    const answer = await client.call("diffSnapshots", {
      params: { snapshotId: "latest", toSnapshotId: "latest" },
      query: { kind: "users" },
    });
    expect(answer.body).toMatchObject({ from: newer, to: newer, items: [], continuationToken: null });
  });

  it("is cacheable: both snapshots are immutable", async () => {
    const call = { params: { snapshotId: older, toSnapshotId: newer } };
    const answer = await client.call("diffSnapshots", call);
    const etag = answer.headers.get("etag")!;
    expect(answer.headers.get("cache-control")).toBe("private, max-age=86400");
    const again = await client.call("diffSnapshots", { ...call, headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    const summary = await client.call("diffSummary", call);
    expect(summary.headers.get("etag")).not.toBe(etag);
    const latest = await client.call("diffSnapshots", { params: { snapshotId: older, toSnapshotId: "latest" } });
    expect(latest.headers.get("cache-control")).toBe("private, max-age=60");
  });

  it.each([
    ["latest with latest and no kind", { snapshotId: "latest", toSnapshotId: "latest" }, {}, 400, "KindRequired"],
    ["a malformed id", { snapshotId: "yesterday", toSnapshotId: "latest" }, {}, 400, "InvalidSnapshotId"],
    ["the wrong kind", { snapshotId: "latest", toSnapshotId: "latest" }, { kind: "workspaces" }, 404, "NoSnapshot"],
    [
      "an unknown snapshot",
      { snapshotId: "20991231T000000000Z-users-000000", toSnapshotId: "latest" },
      {},
      404,
      "SnapshotNotFound",
    ],
    [
      "format=csv",
      { snapshotId: "latest", toSnapshotId: "latest" },
      { kind: "users", format: "csv" },
      400,
      "InvalidParameter",
    ],
  ])("answers %s with the right error", async (_, params, query, status, code) => {
    const answer = await client.call("diffSnapshots", { params, query });
    expect([answer.status, errorCode(answer)]).toEqual([status, code]);
  });

  it("refuses snapshots of two kinds, and one that has not succeeded", async () => {
    const workspaces = await syncKind("workspaces", env.config);
    const mixed = await client.call("diffSnapshots", {
      params: { snapshotId: older, toSnapshotId: workspaces.snapshotId },
    });
    expect([mixed.status, errorCode(mixed)]).toEqual([400, "WrongSnapshotKind"]);
    const outcome = await inventoryFor(env.config).request("users");
    if (!("queued" in outcome)) throw new Error("a users sync is already running");
    const running = await client.call("diffSnapshots", {
      params: { snapshotId: older, toSnapshotId: outcome.queued.id },
    });
    expect([running.status, errorCode(running)]).toEqual([409, "SnapshotNotReady"]);
  });
});
