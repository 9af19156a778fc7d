import { z } from "zod";
import { flag, itemsPageSchema, named, text } from "../../api/schemas";
import { POWER_BI_LICENSES } from "./powerBiLicense";

export const userSchema = named(
  "User",
  "A Microsoft Graph user with the properties of GRAPH_USER_SELECT, named as Graph names them, and powerBiLicense.",
  z.looseObject({
    id: z.string(),
    displayName: text,
    userPrincipalName: text,
    mail: text,
    accountEnabled: flag,
    userType: text,
    department: text,
    powerBiLicense: z
      .enum(POWER_BI_LICENSES)
      .optional()
      .describe(
        "derived: the highest Power BI service plan among the assigned SKUs' plans that are not disabled " +
          "(BI_AZURE_P3 ppu, BI_AZURE_P2 pro, BI_AZURE_P0 free), or none; " +
          "absent when GRAPH_USER_SELECT leaves out assignedLicenses",
      ),
  }),
);

export const usersPageSchema = itemsPageSchema("UsersPage", "One page of users.", userSchema);

/** Graph's subscribedSku properties: what `fields` may name for licences, and the default CSV columns. */
export const LICENSE_FIELDS = [
  "skuId",
  "skuPartNumber",
  "powerBi",
  "capabilityStatus",
  "consumedUnits",
  "prepaidUnits",
  "appliesTo",
  "servicePlans",
  "subscriptionIds",
  "accountId",
  "accountName",
  "id",
] as const;

const count = z.number().nullish();

export const subscribedSkuSchema = named(
  "SubscribedSku",
  "A Microsoft Graph subscribedSku, named as Graph names it, and powerBi.",
  z.looseObject({
    skuId: z.string(),
    skuPartNumber: text,
    capabilityStatus: text,
    consumedUnits: count.describe("seats assigned"),
    prepaidUnits: z
      .looseObject({ enabled: count, suspended: count, warning: count, lockedOut: count })
      .nullish()
      .describe("seats bought; enabled - consumedUnits are the seats left"),
    servicePlans: z
      .array(
        z.looseObject({ servicePlanId: z.string(), servicePlanName: text, provisioningStatus: text, appliesTo: text }),
      )
      .nullish(),
    appliesTo: text,
    powerBi: z
      .enum(["ppu", "pro", "free"])
      .nullable()
      .describe("derived: the SKU's highest Power BI service plan (BI_AZURE_P3, P2, P0), or null without one"),
  }),
);

export const licensesPageSchema = itemsPageSchema("LicensesPage", "One page of subscribed SKUs.", subscribedSkuSchema);
