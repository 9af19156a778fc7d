/**
 * The simulated tenant's subscriptions: real SKU and service plan ids and names (Microsoft's licensing service plan
 * reference), so licence reports built on the inventory look familiar. Power BI comes as a service plan, alone or
 * inside a suite, as in real tenants.
 */
export const SERVICE_PLANS = {
  BI_AZURE_P0: "2049e525-b859-401b-b2a0-e0a31c4b1fe4",
  BI_AZURE_P2: "70d33638-9c74-4d01-bfd3-562de28bd4ba",
  BI_AZURE_P3: "0bf3c642-7bb5-4ccc-884e-59d09df0266c",
  EXCHANGE_S_FOUNDATION: "113feb6c-3fe4-4440-bddc-54d774bf0318",
  EXCHANGE_S_ENTERPRISE: "efb87545-963c-4e0d-99df-69c6916d9eb0",
  TEAMS1: "57ff2da0-773e-42df-b2af-ffb7a2317929",
  SHAREPOINTENTERPRISE: "5dbe027f-2339-4123-9542-606e4d348a72",
  OFFICESUBSCRIPTION: "43de0ff5-c92c-492b-9116-175376d08c38",
} as const;
export type ServicePlanName = keyof typeof SERVICE_PLANS;

export interface SimulatedSku {
  readonly skuId: string;
  readonly skuPartNumber: SkuPartNumber;
  readonly servicePlans: readonly ServicePlanName[];
  /** Seats bought, from the seats assigned when the tenant was generated: how admins size their subscriptions. */
  readonly enabledUnits: (assignedAtStart: number) => number;
}

const OFFICE: readonly ServicePlanName[] = [
  "EXCHANGE_S_ENTERPRISE",
  "TEAMS1",
  "SHAREPOINTENTERPRISE",
  "OFFICESUBSCRIPTION",
];
const roundUp = (value: number, step: number) => Math.ceil(value / step) * step;

/** The subscribed SKUs, in the order Graph lists them. */
export const SKUS = {
  SPE_E3: {
    skuId: "05e9a617-0261-4cee-bb44-138d3ef5d965",
    skuPartNumber: "SPE_E3",
    servicePlans: OFFICE,
    enabledUnits: (assigned: number) => roundUp(assigned * 1.05 + 10, 50),
  },
  SPE_E5: {
    skuId: "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
    skuPartNumber: "SPE_E5",
    servicePlans: [...OFFICE, "BI_AZURE_P2"],
    enabledUnits: (assigned: number) => roundUp(assigned + 25, 25),
  },
  POWER_BI_PRO: {
    skuId: "f8a1db68-be16-40ed-86d5-cb42ce701560",
    skuPartNumber: "POWER_BI_PRO",
    servicePlans: ["EXCHANGE_S_FOUNDATION", "BI_AZURE_P2"],
    enabledUnits: (assigned: number) => roundUp(assigned * 1.1 + 5, 10),
  },
  // Every seat bought is assigned: none left.
  PBI_PREMIUM_PER_USER: {
    skuId: "c1d032e0-5619-4761-9b5c-75b6831e1711",
    skuPartNumber: "PBI_PREMIUM_PER_USER",
    servicePlans: ["EXCHANGE_S_FOUNDATION", "BI_AZURE_P3"],
    enabledUnits: (assigned: number) => assigned,
  },
  // The free licence is self-service; Microsoft shows a million units for it.
  POWER_BI_STANDARD: {
    skuId: "a403ebcc-fae0-4ca2-8c8c-7a907fd6c235",
    skuPartNumber: "POWER_BI_STANDARD",
    servicePlans: ["EXCHANGE_S_FOUNDATION", "BI_AZURE_P0"],
    enabledUnits: () => 1_000_000,
  },
} as const satisfies Record<string, Omit<SimulatedSku, "skuPartNumber"> & { skuPartNumber: string }>;
export type SkuPartNumber = keyof typeof SKUS;

/** A user's licence as Graph's `assignedLicenses` holds it. */
export interface AssignedLicense {
  skuId: string;
  disabledPlans: string[];
}

/** An assignment of `sku` with `disabled` plans switched off. */
export function assigned(sku: SkuPartNumber, ...disabled: ServicePlanName[]): AssignedLicense {
  return { skuId: SKUS[sku].skuId, disabledPlans: disabled.map((plan) => SERVICE_PLANS[plan]) };
}
