import { odata } from "@azure/data-tables";
import { z } from "zod";
import { badRequest } from "../../api/apiError";
import { prefixCondition, printableParam as printable } from "../../api/filterParams";
import { booleanParam } from "../../api/query";
import { POWER_BI_LICENSES } from "./powerBiLicense";

/** Graph's user types. */
export const USER_TYPES = ["Member", "Guest"] as const;

/** Filter parameters of the users routes; each reads an index column the users sync writes. */
export const usersFilterShape = {
  accountEnabled: booleanParam.optional().describe("true or false"),
  userType: z.enum(USER_TYPES).optional().describe("Member or Guest"),
  department: printable.min(1).max(256).optional().describe("exact department, case-sensitive"),
  search: printable
    .trim()
    .min(1)
    .max(256)
    .optional()
    .describe("prefix of userPrincipalName or displayName, case-insensitive"),
  powerBiLicense: z
    .enum(POWER_BI_LICENSES)
    .optional()
    .describe(
      "ppu, pro, free or none: the user's highest Power BI licence (needs assignedLicenses in GRAPH_USER_SELECT)",
    ),
};

type UsersFilter = z.output<z.ZodObject<typeof usersFilterShape>>;

/**
 * The OData condition for the filters given, on the index columns; undefined when none is. `licensed` says whether
 * the sync selects assignedLicenses, without which users have no powerBiLicense to filter on.
 */
export function usersColumnFilter(query: UsersFilter, licensed: boolean): string | undefined {
  const conditions: string[] = [];
  if (query.accountEnabled !== undefined) conditions.push(odata`accountEnabled eq ${query.accountEnabled}`);
  if (query.userType !== undefined) conditions.push(odata`userType eq ${query.userType}`);
  if (query.department !== undefined) conditions.push(odata`department eq ${query.department}`);
  if (query.powerBiLicense !== undefined) {
    if (!licensed) {
      throw badRequest(
        "NotApplicable",
        "powerBiLicense is derived from assignedLicenses, which GRAPH_USER_SELECT leaves out; " +
          "add it to the setting and sync again",
      );
    }
    conditions.push(odata`powerBiLicense eq ${query.powerBiLicense}`);
  }
  if (query.search !== undefined) {
    // `upn` and `name` hold the lower-cased values.
    conditions.push(`(${prefixCondition("upn", query.search)} or ${prefixCondition("name", query.search)})`);
  }
  return conditions.length === 0 ? undefined : conditions.join(" and ");
}
