import { parse } from "csv-parse/sync";
import { simulatedUser, type SimulatedUser } from "../../dev/simulator/simulatedUser";
import { syncKind } from "../../src/app/inventory";
import { LICENSE_FIELDS } from "../../src/kinds/users/userSchema";
import { ApiClient, errorCode, type Answer } from "../api/apiClient";
import { expectedPowerBiLicense, SKU_RULES } from "../support/powerBiRules";
import { fastUpstream, rowCount, tablesOf } from "../support/reliability";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

const SEED = 12;
const USERS = 1_200;

let env: TestEnvironment;
let client: ApiClient;
let users: SimulatedUser[];
let first: string;

beforeAll(async () => {
  // No workspaces: the one workspaces snapshot is only there to be the wrong kind.
  env = await startTestEnvironment({ users: USERS, workspaces: 0, seed: SEED });
  client = new ApiClient(env.config);
  users = Array.from({ length: USERS }, (_, index) => simulatedUser(SEED, index));
});
afterAll(() => env.close());

const PRO = "f8a1db68-be16-40ed-86d5-cb42ce701560";
const PPU = "c1d032e0-5619-4761-9b5c-75b6831e1711";
const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";

/** Seats per SKU, counted in the test from the users the simulator generates, as edited. */
function seatsOf(list: readonly SimulatedUser[]): Map<string, number> {
  const seats = new Map<string, number>();
  for (const user of list) {
    for (const { skuId } of user.assignedLicenses) seats.set(skuId, (seats.get(skuId) ?? 0) + 1);
  }
  return seats;
}

const csv = (answer: Answer) => parse<Record<string, string>>(answer.bytes, { columns: true });

describe("licences in the users snapshot", () => {
  it("reads subscribedSkus in one call beside the users, into the same snapshot", async () => {
    const result = await syncKind("users", env.config);
    expect(result).toMatchObject({ status: "succeeded", counts: { users: USERS, licenses: 5, invalid: 0 } });
    first = result.snapshotId;
    expect(env.tenant.calls.count("graph.subscribedSkus")).toBe(1);
    expect(env.tenant.calls.count("graph.users")).toBe(Math.ceil(USERS / 999));
    expect(result.upstream.requests).toBe(1 + Math.ceil(USERS / 999));
  });

  it("gives every simulated user the powerBiLicense of the rule table", async () => {
    const { items } = await client.allPages("listUsers", { snapshotId: "latest" }, { top: "1000" });
    const served = new Map(items.map((item) => [item.id as string, item.powerBiLicense]));
    expect(served.size).toBe(USERS);
    for (const user of users) {
      expect({ id: user.id, powerBiLicense: served.get(user.id) }).toEqual({
        id: user.id,
        powerBiLicense: expectedPowerBiLicense(user.assignedLicenses),
      });
    }
    expect(new Set(served.values())).toEqual(new Set(["ppu", "pro", "free", "none"]));
  });

  it.each<[string, number, string]>([
    ["an E3 with a Pro add-on", 0, "pro"],
    ["an E5, which carries Pro", 1, "pro"],
    ["an E5 whose Pro plan is disabled", 2, "none"],
    ["Pro and Premium Per User", 3, "ppu"],
    ["an E3 with the free licence", 4, "free"],
    ["an E3 alone", 5, "none"],
  ])("serves %s (user %i) as %s", async (_, index, license) => {
    const user = users[index]!;
    expect(expectedPowerBiLicense(user.assignedLicenses)).toBe(license);
    const answer = await client.call("listUsers", {
      params: { snapshotId: "latest" },
      query: { search: user.userPrincipalName, fields: "id,powerBiLicense" },
    });
    expect(answer.body.items).toContainEqual({ id: user.id, powerBiLicense: license });
  });

  it("counts guests, disabled accounts and users per licence in the manifest", async () => {
    const answer = await client.call("getSnapshot", { params: { snapshotId: first } });
    const licenses = users.map((user) => expectedPowerBiLicense(user.assignedLicenses));
    const holding = (license: string) => licenses.filter((held) => held === license).length;
    expect(answer.body.counts).toEqual({
      users: USERS,
      licenses: 5,
      guests: users.filter((user) => user.userType === "Guest").length,
      disabled: users.filter((user) => !user.accountEnabled).length,
      powerBiPpu: holding("ppu"),
      powerBiPro: holding("pro"),
      powerBiFree: holding("free"),
      powerBiNone: holding("none"),
      invalid: 0,
    });
    expect(holding("ppu") * holding("pro") * holding("free") * holding("none")).toBeGreaterThan(0);
  });

  it("serves the SKUs as Graph lists them, with powerBi, and seats as the simulated users hold them", async () => {
    const { items } = await client.allPages("listLicenses", { snapshotId: "latest" });
    const truth = env.tenant.subscribedSkus();
    const seats = seatsOf(users);
    expect(items).toHaveLength(truth.length);
    for (const sku of truth) {
      const powerBi = SKU_RULES[sku.skuId]?.grants?.license ?? null;
      expect(items).toContainEqual({ ...sku, powerBi });
      expect(sku.consumedUnits).toBe(seats.get(sku.skuId) ?? 0);
    }
    expect([...seats.keys()].sort()).toEqual(truth.map((sku) => sku.skuId).sort());
  });

  it("pages the SKUs, trims them with fields, and exports them as CSV", async () => {
    const paged = await client.allPages("listLicenses", { snapshotId: first }, { top: "2" });
    expect(paged.pages).toBe(3);
    expect(new Set(paged.items.map((sku) => sku.skuId)).size).toBe(5);
    const trimmed = await client.call("listLicenses", {
      params: { snapshotId: first },
      query: { fields: "skuPartNumber,powerBi" },
    });
    expect((trimmed.body.items as Record<string, unknown>[]).map((sku) => Object.keys(sku))).toEqual(
      Array.from({ length: 5 }, () => ["skuPartNumber", "powerBi"]),
    );
    const file = await client.call("listLicenses", { params: { snapshotId: first }, query: { format: "csv" } });
    expect(file.headers.get("content-disposition")).toBe(`attachment; filename="licenses-${first}.csv"`);
    expect(file.text.split("\r\n")[0]).toBe(LICENSE_FIELDS.join(","));
    const rows = csv(file);
    const pro = rows.find((row) => row.skuId === PRO)!;
    const served = paged.items.find((sku) => sku.skuId === PRO)!;
    expect(pro).toMatchObject({
      skuPartNumber: "POWER_BI_PRO",
      powerBi: "pro",
      consumedUnits: String(served.consumedUnits),
    });
    expect(JSON.parse(pro.prepaidUnits!)).toEqual(served.prepaidUnits);
  });

  it("shows a change of licence in the next diff, and the new seat counts", async () => {
    // User 2's E5 gets its Pro plan back; user 5 (an E3 alone) gains Premium Per User.
    const edited = {
      2: { assignedLicenses: [{ skuId: E5, disabledPlans: [] }] },
      5: { assignedLicenses: [...users[5]!.assignedLicenses, { skuId: PPU, disabledPlans: [] }] },
    };
    env.tenant.edit({ changeUsers: edited });
    const second = await syncKind("users", env.config);
    expect(second.status).toBe("succeeded");
    const { items } = await client.allPages("diffSnapshots", { snapshotId: first, toSnapshotId: second.snapshotId });
    expect(items).toHaveLength(2);
    expect(items).toContainEqual({
      change: "changed",
      id: users[2]!.id,
      fields: ["assignedLicenses", "powerBiLicense"],
      old: { assignedLicenses: users[2]!.assignedLicenses, powerBiLicense: "none" },
      new: { assignedLicenses: edited[2].assignedLicenses, powerBiLicense: "pro" },
    });
    expect(items).toContainEqual(
      expect.objectContaining({ id: users[5]!.id, new: { ...edited[5], powerBiLicense: "ppu" } }),
    );
    const before = await client.allPages("listLicenses", { snapshotId: first });
    const after = await client.allPages("listLicenses", { snapshotId: second.snapshotId });
    const seats = (list: Record<string, unknown>[], skuId: string) =>
      list.find((sku) => sku.skuId === skuId)?.consumedUnits as number;
    expect(seats(after.items, PPU)).toBe(seats(before.items, PPU) + 1);
    expect(seats(after.items, E5)).toBe(seats(before.items, E5));
    const summary = await client.call("getSnapshot", { params: { snapshotId: second.snapshotId } });
    const counts = summary.body.counts as Record<string, number>;
    const firstCounts = (await client.call("getSnapshot", { params: { snapshotId: first } })).body.counts as Record<
      string,
      number
    >;
    expect([counts.powerBiPro, counts.powerBiPpu, counts.powerBiNone]).toEqual([
      firstCounts.powerBiPro! + 1,
      firstCounts.powerBiPpu! + 1,
      firstCounts.powerBiNone! - 2,
    ]);
  });

  it("fails the users snapshot on a 403 from subscribedSkus, naming the permission; the last one stays", async () => {
    const latest = (await client.call("getSnapshot", { params: { snapshotId: "latest" }, query: { kind: "users" } }))
      .body.id as string;
    const usersCalls = env.tenant.calls.count("graph.users");
    env.tenant.faults.inject({ route: "graph.subscribedSkus", status: 403 });
    const result = await syncKind("users", env.config);
    expect(result.status).toBe("failed");
    expect(result.error).toContain("Organization.Read.All");
    expect(result.error).toContain("LicenseAssignment.Read.All");
    expect(result.error).toContain("admin consent");
    expect(result.error).toContain("Authorization_RequestDenied");
    // The SKUs come first, so the failed run listed no users.
    expect(env.tenant.calls.count("graph.users")).toBe(usersCalls);
    const failed = await client.call("getSnapshot", { params: { snapshotId: result.snapshotId } });
    expect(failed.body).toMatchObject({ status: "failed", error: result.error });
    expect(await rowCount(await tablesOf(env.config), env.tenant.tenantId, result.snapshotId)).toBe(0);
    for (const name of ["listUsers", "listLicenses"]) {
      const answer = await client.call(name, { params: { snapshotId: "latest" }, query: { top: "1" } });
      expect([name, answer.status, answer.body.snapshotId]).toEqual([name, 200, latest]);
    }
    const refused = await client.call("listLicenses", { params: { snapshotId: result.snapshotId } });
    expect([refused.status, errorCode(refused)]).toEqual([409, "SnapshotNotReady"]);
  });

  it("retries a transient failure of subscribedSkus like any other Graph call", async () => {
    const { upstream, sleeps } = fastUpstream();
    env.tenant.faults.inject({ route: "graph.subscribedSkus", status: 503, times: 2 });
    const result = await syncKind("users", env.config, { upstream });
    expect(result).toMatchObject({ status: "succeeded", counts: { users: USERS, licenses: 5 } });
    expect(result.upstream.retries).toBe(2);
    expect(sleeps).toHaveLength(2);
  });

  it("follows a next link, should Graph page the SKUs, and stores each SKU once", async () => {
    const calls = env.tenant.calls.count("graph.subscribedSkus");
    env.tenant.faults.inject({
      route: "graph.subscribedSkus",
      kind: "rewrite",
      rewrite: (body) => {
        const page = body as { value: unknown[] };
        return { ...page, value: page.value.slice(0, 2), "@odata.nextLink": `${env.tenant.url}/v1.0/subscribedSkus` };
      },
    });
    const result = await syncKind("users", env.config);
    expect(result).toMatchObject({ status: "succeeded", counts: { users: USERS, licenses: 5 } });
    expect(env.tenant.calls.count("graph.subscribedSkus")).toBe(calls + 2);
    const { items } = await client.allPages("listLicenses", { snapshotId: result.snapshotId });
    expect(items.map((sku) => sku.skuId).sort()).toEqual(Object.keys(SKU_RULES).sort());
  });

  it("serves licences of users snapshots only", async () => {
    const workspaces = await syncKind("workspaces", env.config);
    const answer = await client.call("listLicenses", { params: { snapshotId: workspaces.snapshotId } });
    expect([answer.status, errorCode(answer)]).toEqual([400, "WrongSnapshotKind"]);
  });
});
