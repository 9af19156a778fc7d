import { itemListOperation } from "../../api/itemsRoute";
import type { KindRoute } from "../kind";
import { usersPageSchema } from "./userSchema";
import { usersColumnFilter, usersFilterShape } from "./usersFilter";
import { USERS_ROW_SET } from "./usersRows";

/** The users kind's routes; `fields` may name the properties the sync selects. */
export function usersRoutes(select: readonly string[]): KindRoute[] {
  return [
    {
      name: "listUsers",
      route: "snapshots/{snapshotId}/users",
      operation: itemListOperation({
        kind: "users",
        rowSet: USERS_ROW_SET,
        summary: "List or export the users of a snapshot",
        description:
          "Filters combine with `and`. JSON answers page by page; `format=csv` or `format=ndjson` (or an Accept " +
          "header asking for text/csv or application/x-ndjson) streams every matching user. `fields` may name the " +
          "properties of GRAPH_USER_SELECT.",
        tags: ["users"],
        noun: "user",
        pageSchema: usersPageSchema,
        filters: usersFilterShape,
        columns: usersColumnFilter,
        known: select,
      }),
    },
  ];
}
