import { odata } from "@azure/data-tables";
import { z } from "zod";
import { badRequest } from "../../api/apiError";
import { booleanParam } from "../../api/query";
import { POWER_BI_LICENSES } from "./powerBiLicense";

/** Graph's user types. */
export const USER_TYPES = ["Member", "Guest"] as const;

// The service refuses control characters in a filter; refusing them here keeps that a 400 rather than a 500.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const printable = z.string().regex(/^[^\u0000-\u001f\u007f]*$/, "must not contain control characters");

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
    // `upn` and `name` hold the lower-cased values; a prefix is the range [prefix, the prefix's successor).
    const from = query.search.toLowerCase();
    const to = prefixSuccessor(from);
    conditions.push(
      to === undefined
        ? odata`(upn ge ${from} or name ge ${from})`
        : odata`((upn ge ${from} and upn lt ${to}) or (name ge ${from} and name lt ${to}))`,
    );
  }
  return conditions.length === 0 ? undefined : conditions.join(" and ");
}

/**
 * The least string greater than every string that starts with `prefix`: its last code point plus one. Code points,
 * not UTF-16 units, so the bound also holds where the service orders strings by their UTF-8 bytes. Undefined when
 * there is none (a prefix of U+10FFFF only).
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const points = [...prefix];
  const last = points.pop()?.codePointAt(0);
  if (last === undefined) return undefined;
  if (last === 0x10ffff) return prefixSuccessor(points.join(""));
  // The surrogate range is not a character; the next one after it is U+E000.
  return points.join("") + String.fromCodePoint(last + 1 === 0xd800 ? 0xe000 : last + 1);
}
