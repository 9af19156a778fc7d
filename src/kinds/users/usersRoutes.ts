import { itemListOperation } from "../../api/itemsRoute";
import type { KindRoute } from "../kind";
import { LICENSES_ROW_SET } from "./licenseRows";
import { LICENSE_FIELDS, licensesPageSchema, usersPageSchema } from "./userSchema";
import { usersColumnFilter, usersFilterShape } from "./usersFilter";
import { USERS_ROW_SET } from "./usersRows";
import { selectsLicenses } from "./usersSync";

/** The users kind's routes: users (`fields` may name the properties the sync selects) and subscribed SKUs. */
export function usersRoutes(select: readonly string[]): KindRoute[] {
  const licensed = selectsLicenses(select);
  return [
    {
      name: "listUsers",
      route: "snapshots/{snapshotId}/users",
      operation: itemListOperation({
        kind: "users",
        rowSet: USERS_ROW_SET,
        itemCounts: ["users"],
        summary: "List or export the users of a snapshot",
        description:
          "Filters combine with `and`. JSON answers page by page; `format=csv` or `format=ndjson` (or an Accept " +
          "header asking for text/csv or application/x-ndjson) streams every matching user. `fields` may name the " +
          "properties of GRAPH_USER_SELECT, and powerBiLicense when it selects assignedLicenses.",
        tags: ["users"],
        noun: "user",
        pageSchema: usersPageSchema,
        filters: usersFilterShape,
        columns: (query) => usersColumnFilter(query, licensed),
        known: licensed ? [...select, "powerBiLicense"] : select,
      }),
    },
    {
      name: "listLicenses",
      route: "snapshots/{snapshotId}/licenses",
      operation: itemListOperation({
        kind: "users",
        rowSet: LICENSES_ROW_SET,
        itemCounts: ["licenses"],
        summary: "List or export the subscribed SKUs (licences) of a users snapshot",
        description:
          "The tenant's subscribed SKUs as Graph lists them when the users snapshot was taken, with `powerBi`. " +
          "Seats left are prepaidUnits.enabled - consumedUnits. JSON answers page by page; `format=csv` or " +
          "`format=ndjson` streams them all.",
        tags: ["users"],
        noun: "subscribed SKU",
        pageSchema: licensesPageSchema,
        filters: {},
        columns: () => undefined,
        known: LICENSE_FIELDS,
      }),
    },
  ];
}
