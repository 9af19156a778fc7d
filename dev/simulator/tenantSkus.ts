import { seededGuid } from "./seeded";
import { SERVICE_PLANS, SKUS, type AssignedLicense, type SkuPartNumber } from "./simulatedSkus";
import { simulatedLicenses } from "./simulatedUser";
import type { TenantEdits } from "./tenantEdits";

/** A subscribedSku as Graph's `GET /v1.0/subscribedSkus` returns it. */
export interface SubscribedSku {
  accountName: string;
  accountId: string;
  appliesTo: "User";
  capabilityStatus: "Enabled";
  consumedUnits: number;
  id: string;
  prepaidUnits: { enabled: number; suspended: number; warning: number; lockedOut: number };
  servicePlans: { servicePlanId: string; servicePlanName: string; provisioningStatus: "Success"; appliesTo: "User" }[];
  skuId: string;
  skuPartNumber: string;
  subscriptionIds: string[];
}

type Seats = Map<string, number>;

/**
 * The tenant's subscribed SKUs. `consumedUnits` are the seats its users hold now, counted over every user; the count
 * is kept until the next edit, so a tenant of 100,000 users counts once, not on every call.
 */
export class TenantSkus {
  private generated: Seats | undefined;
  private current: { version: number; seats: Seats } | undefined;

  constructor(private readonly tenant: { tenantId: string; seed: number; users: number; edits: TenantEdits }) {}

  /** The SKUs as Graph serves them now. */
  list(): SubscribedSku[] {
    const { tenantId, seed } = this.tenant;
    this.generated ??= seatsOf(this.tenant.users, (index) => simulatedLicenses(seed, index));
    const seats = this.seatsNow();
    return (Object.keys(SKUS) as SkuPartNumber[]).map((name) => {
      const sku = SKUS[name];
      return {
        accountName: "contoso",
        accountId: tenantId,
        appliesTo: "User",
        capabilityStatus: "Enabled",
        consumedUnits: seats.get(sku.skuId) ?? 0,
        id: `${tenantId}_${sku.skuId}`,
        prepaidUnits: {
          enabled: sku.enabledUnits(this.generated?.get(sku.skuId) ?? 0),
          suspended: 0,
          warning: 0,
          lockedOut: 0,
        },
        servicePlans: sku.servicePlans.map((plan) => ({
          servicePlanId: SERVICE_PLANS[plan],
          servicePlanName: plan,
          provisioningStatus: "Success",
          appliesTo: "User",
        })),
        skuId: sku.skuId,
        skuPartNumber: name,
        subscriptionIds: [seededGuid(tenantId, "subscription", name)],
      };
    });
  }

  private seatsNow(): Seats {
    const { seed, users, edits } = this.tenant;
    if (edits.version === 0) return this.generated!;
    if (this.current?.version !== edits.version) {
      const seats = seatsOf(users + edits.addedUsers, (index) => edits.licenses(seed, index));
      this.current = { version: edits.version, seats };
    }
    return this.current.seats;
  }
}

function seatsOf(users: number, licensesOf: (index: number) => AssignedLicense[] | undefined): Seats {
  const seats: Seats = new Map();
  for (let index = 0; index < users; index++) {
    for (const license of licensesOf(index) ?? []) seats.set(license.skuId, (seats.get(license.skuId) ?? 0) + 1);
  }
  return seats;
}
