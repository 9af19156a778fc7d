import type { SimulatedUser } from "../../dev/simulator/simulatedUser";
import type { Config } from "../../src/config/config";
import { userSelectOf } from "../../src/kinds/users/usersKind";

/**
 * Issue 12's rule, written out for the tests apart from the product's and the simulator's code: the Power BI
 * licence each SKU of the simulated tenant grants, through which service plan (switched off when an assignment lists
 * it in disabledPlans). Ids are Microsoft's.
 */
export const SKU_RULES: Readonly<Record<string, { sku: string; grants?: { license: string; plan: string } }>> = {
  "05e9a617-0261-4cee-bb44-138d3ef5d965": { sku: "SPE_E3" },
  "06ebc4ee-1bb5-47dd-8120-11324bc54e06": {
    sku: "SPE_E5",
    grants: { license: "pro", plan: "70d33638-9c74-4d01-bfd3-562de28bd4ba" },
  },
  "f8a1db68-be16-40ed-86d5-cb42ce701560": {
    sku: "POWER_BI_PRO",
    grants: { license: "pro", plan: "70d33638-9c74-4d01-bfd3-562de28bd4ba" },
  },
  "c1d032e0-5619-4761-9b5c-75b6831e1711": {
    sku: "PBI_PREMIUM_PER_USER",
    grants: { license: "ppu", plan: "0bf3c642-7bb5-4ccc-884e-59d09df0266c" },
  },
  "a403ebcc-fae0-4ca2-8c8c-7a907fd6c235": {
    sku: "POWER_BI_STANDARD",
    grants: { license: "free", plan: "2049e525-b859-401b-b2a0-e0a31c4b1fe4" },
  },
};

const ORDER = ["none", "free", "pro", "ppu"];

/** The highest licence the user's assignments grant by the table above; a SKU missing from it fails the test. */
export function expectedPowerBiLicense(assignments: SimulatedUser["assignedLicenses"]): string {
  let best = "none";
  for (const { skuId, disabledPlans } of assignments) {
    const rule = SKU_RULES[skuId];
    if (rule === undefined) throw new Error(`the rule table has no SKU ${skuId}`);
    const { grants } = rule;
    if (grants === undefined || disabledPlans.includes(grants.plan)) continue;
    if (ORDER.indexOf(grants.license) > ORDER.indexOf(best)) best = grants.license;
  }
  return best;
}

/** A user as the product stores it: the configured Graph properties, and powerBiLicense when it is derived. */
export function storedUser(config: Config, user: SimulatedUser): Record<string, unknown> {
  const record = user as unknown as Record<string, unknown>;
  const select = userSelectOf(config);
  const stored = Object.fromEntries(select.map((field) => [field, record[field]]));
  if (select.includes("assignedLicenses")) stored.powerBiLicense = expectedPowerBiLicense(user.assignedLicenses);
  return stored;
}

/** The simulated tenant's subscribed SKUs: a users snapshot stores a row for each, besides a row per user. */
export const SKU_COUNT = Object.keys(SKU_RULES).length;
