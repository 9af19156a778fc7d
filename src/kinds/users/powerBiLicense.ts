import type { SubscribedSku } from "../../sources/graph/subscribedSkus";

/** A user's Power BI licence, highest first: Premium Per User, Pro, free, or none. */
export const POWER_BI_LICENSES = ["ppu", "pro", "free", "none"] as const;
export type PowerBiLicense = (typeof POWER_BI_LICENSES)[number];
type PowerBiPlan = Exclude<PowerBiLicense, "none">;

/**
 * Power BI's service plans by id (API-FACTS.md). Plans, not SKU names, say who holds Power BI: suites carry it
 * (E5 holds BI_AZURE_P2), and a tenant may hold SKUs this code has never heard of.
 */
const POWER_BI_PLANS: ReadonlyMap<string, PowerBiPlan> = new Map([
  ["0bf3c642-7bb5-4ccc-884e-59d09df0266c", "ppu"], // BI_AZURE_P3
  ["70d33638-9c74-4d01-bfd3-562de28bd4ba", "pro"], // BI_AZURE_P2
  ["2049e525-b859-401b-b2a0-e0a31c4b1fe4", "free"], // BI_AZURE_P0
]);

const RANK: Readonly<Record<PowerBiLicense, number>> = { none: 0, free: 1, pro: 2, ppu: 3 };

const higher = (a: PowerBiLicense, b: PowerBiLicense): PowerBiLicense => (RANK[b] > RANK[a] ? b : a);

/** A user's licence assignment as Graph lists it in `assignedLicenses`. */
export interface LicenseAssignment {
  readonly skuId: string;
  readonly disabledPlans?: readonly string[] | null | undefined;
}

/** The SKU's own highest Power BI plan, or null when it has none. */
export function skuPowerBi(sku: SubscribedSku): PowerBiPlan | null {
  let best: PowerBiLicense = "none";
  for (const { servicePlanId } of sku.servicePlans ?? []) {
    best = higher(best, POWER_BI_PLANS.get(servicePlanId.toLowerCase()) ?? "none");
  }
  return best === "none" ? null : best;
}

/** The Power BI plans of each subscribed SKU: what a user's assignments are read against. Ids match in any case. */
export class PowerBiPlans {
  private readonly bySku = new Map<string, { planId: string; plan: PowerBiPlan }[]>();

  add(sku: SubscribedSku): void {
    const plans = (sku.servicePlans ?? []).flatMap(({ servicePlanId }) => {
      const planId = servicePlanId.toLowerCase();
      const plan = POWER_BI_PLANS.get(planId);
      return plan === undefined ? [] : [{ planId, plan }];
    });
    this.bySku.set(sku.skuId.toLowerCase(), plans);
  }

  /**
   * The highest Power BI plan among the assigned SKUs' plans that the assignment does not disable. A SKU the tenant
   * does not list (a subscription since removed) grants nothing.
   */
  licenseOf(assignments: readonly LicenseAssignment[]): PowerBiLicense {
    let best: PowerBiLicense = "none";
    for (const { skuId, disabledPlans } of assignments) {
      for (const { planId, plan } of this.bySku.get(skuId.toLowerCase()) ?? []) {
        const disabled = disabledPlans?.some((id) => id.toLowerCase() === planId) ?? false;
        if (!disabled) best = higher(best, plan);
      }
    }
    return best;
  }
}
