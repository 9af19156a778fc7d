import type { SimulatedTenant } from "../../dev/simulator/simulatedTenant";
import { simulatedLicenses, simulatedUser } from "../../dev/simulator/simulatedUser";
import { errorCode, getJson, GRAPH, POWER_BI, startTenant, tokenFor } from "./simulatorClient";

const USERS = 400;
const SEED = 3;
const E3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";
const E5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";
const PRO = "f8a1db68-be16-40ed-86d5-cb42ce701560";
const PPU = "c1d032e0-5619-4761-9b5c-75b6831e1711";
const FREE = "a403ebcc-fae0-4ca2-8c8c-7a907fd6c235";
const BI_AZURE_P2 = "70d33638-9c74-4d01-bfd3-562de28bd4ba";

let tenant: SimulatedTenant;
let token: string;

beforeAll(async () => {
  tenant = await startTenant({ users: USERS, seed: SEED });
  token = await tokenFor(tenant, GRAPH);
});
afterAll(() => tenant.close());

interface Sku {
  skuId: string;
  skuPartNumber: string;
  consumedUnits: number;
  prepaidUnits: { enabled: number };
  servicePlans: { servicePlanId: string; servicePlanName: string }[];
}

async function skus(): Promise<Sku[]> {
  const answer = await getJson(tenant, "/v1.0/subscribedSkus", token);
  expect(answer.status).toBe(200);
  const body = answer.body as { "@odata.context": string; value: Sku[] };
  expect(body["@odata.context"]).toBe(`${tenant.url}/v1.0/$metadata#subscribedSkus`);
  expect(body).not.toHaveProperty("@odata.nextLink");
  return body.value;
}

/** Seats per SKU counted over whole generated users, not the simulator's shortcut. */
function seats(count: number, user = (index: number) => simulatedUser(SEED, index).assignedLicenses) {
  const held = new Map<string, number>();
  for (let index = 0; index < count; index++) {
    for (const { skuId } of user(index)) held.set(skuId, (held.get(skuId) ?? 0) + 1);
  }
  return held;
}

describe("Graph /v1.0/subscribedSkus", () => {
  it("lists Pro, PPU, free, an E5 with Pro inside and an E3 without Power BI, seats counted on users", async () => {
    const list = await skus();
    expect(list.map((sku) => [sku.skuId, sku.skuPartNumber])).toEqual([
      [E3, "SPE_E3"],
      [E5, "SPE_E5"],
      [PRO, "POWER_BI_PRO"],
      [PPU, "PBI_PREMIUM_PER_USER"],
      [FREE, "POWER_BI_STANDARD"],
    ]);
    const plans = (skuId: string) =>
      list.find((sku) => sku.skuId === skuId)!.servicePlans.map((plan) => plan.servicePlanName);
    expect(plans(E5)).toContain("BI_AZURE_P2");
    expect(plans(PRO)).toContain("BI_AZURE_P2");
    expect(plans(PPU)).toContain("BI_AZURE_P3");
    expect(plans(FREE)).toContain("BI_AZURE_P0");
    expect(plans(E3).filter((name) => name.startsWith("BI_AZURE"))).toEqual([]);
    const held = seats(USERS);
    for (const sku of list) {
      expect([sku.skuPartNumber, sku.consumedUnits]).toEqual([sku.skuPartNumber, held.get(sku.skuId) ?? 0]);
      expect(sku.prepaidUnits.enabled).toBeGreaterThanOrEqual(sku.consumedUnits);
    }
    expect(list.find((sku) => sku.skuId === PPU)!.prepaidUnits.enabled).toBe(held.get(PPU));
    expect(tenant.subscribedSkus()).toEqual(list);
  });

  it("counts seats again after an edit: removed, changed and added users", async () => {
    const before = await skus();
    tenant.edit({ removeUsers: [0], changeUsers: { 1: { assignedLicenses: [] } }, addUsers: 3 });
    const after = await skus();
    const expected = seats(USERS + 3, (index) => {
      if (index === 0 || index === 1) return [];
      return simulatedUser(SEED, index).assignedLicenses;
    });
    for (const sku of after) expect([sku.skuId, sku.consumedUnits]).toEqual([sku.skuId, expected.get(sku.skuId) ?? 0]);
    // Seats bought stay what they were.
    expect(after.map((sku) => sku.prepaidUnits)).toEqual(before.map((sku) => sku.prepaidUnits));
  });

  it.each([
    ["no token", undefined, 401, "InvalidAuthenticationToken"],
    ["a Power BI token", "powerbi", 401, "InvalidAuthenticationToken"],
  ])("answers %s with Graph's %i", async (_, audience, status, code) => {
    const bearer = audience === undefined ? undefined : await tokenFor(tenant, POWER_BI);
    const answer = await getJson(tenant, "/v1.0/subscribedSkus", bearer);
    expect([answer.status, errorCode(answer.body)]).toEqual([status, code]);
  });

  it("refuses query options it does not know, and answers injected faults in Graph's shape", async () => {
    const answer = await getJson(tenant, "/v1.0/subscribedSkus?$top=1", token);
    expect([answer.status, errorCode(answer.body)]).toEqual([400, "Request_UnsupportedQuery"]);
    tenant.faults.inject({ route: "graph.subscribedSkus", status: 403 });
    const denied = await getJson(tenant, "/v1.0/subscribedSkus", token);
    expect([denied.status, errorCode(denied.body)]).toEqual([403, "Authorization_RequestDenied"]);
    expect(tenant.calls.count("graph.subscribedSkus", 403)).toBe(1);
  });
});

describe("simulated users' licences", () => {
  const users = Array.from({ length: 3000 }, (_, index) => simulatedUser(1, index));

  it("match simulatedLicenses, the shortcut the seat counts use", () => {
    users.forEach((user, index) => expect(simulatedLicenses(1, index)).toEqual(user.assignedLicenses));
  });

  it.each<[string, number, { skuId: string; disabledPlans: string[] }[]]>([
    ["an E5 whose Pro plan is disabled", 2, [{ skuId: E5, disabledPlans: [BI_AZURE_P2] }]],
    [
      "Pro and Premium Per User",
      3,
      [
        { skuId: PRO, disabledPlans: [] },
        { skuId: PPU, disabledPlans: [] },
      ],
    ],
    ["Pro on a disabled account", 6, [{ skuId: PRO, disabledPlans: [] }]],
  ])("pin %s at index %i", (_, index, licenses) => {
    for (const seed of [1, 99]) expect(simulatedUser(seed, index).assignedLicenses).toEqual(licenses);
    expect(simulatedUser(1, 6).accountEnabled).toBe(false);
  });

  it("hold a realistic mix: suites for most members, Power BI add-ons for some, nothing for guests and rooms", () => {
    const members = users.filter((user) => user.userType === "Member" && user.givenName !== null);
    const share = (skuId: string) =>
      members.filter((user) => user.assignedLicenses.some((license) => license.skuId === skuId)).length /
      members.length;
    expect(share(E3)).toBeGreaterThan(0.4);
    expect(share(E5)).toBeGreaterThan(0.15);
    expect(share(PRO)).toBeGreaterThan(0.05);
    expect(share(FREE)).toBeGreaterThan(0.15);
    expect(share(PPU)).toBeGreaterThan(0.01);
    expect(members.filter((user) => user.assignedLicenses.length === 0).length).toBeGreaterThan(0);
    const disabledPro = members.filter((user) =>
      user.assignedLicenses.some((license) => license.skuId === E5 && license.disabledPlans.includes(BI_AZURE_P2)),
    );
    expect(disabledPro.length).toBeGreaterThan(10);
    const others = users.filter((user) => user.userType === "Guest" || user.givenName === null);
    expect(others.every((user) => user.assignedLicenses.length === 0)).toBe(true);
  });
});
