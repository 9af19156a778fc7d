import { z } from "zod";
import { listItems, itemsQueryShape, listOrExportResponse } from "./itemsRoute";
import { operation } from "./operation";
import { snapshotPath } from "./paths";
import { usersPageSchema } from "./schemas";
import { usersColumnFilter, usersFilterShape } from "./usersFilter";

const usersQuery = z.object({ ...itemsQueryShape, ...usersFilterShape });

/** GET /snapshots/{snapshotId}/users: the users of a succeeded snapshot, filtered, paged or exported. */
export const listUsersOperation = operation(
  {
    summary: "List or export the users of a snapshot",
    description:
      "Filters combine with `and`. JSON answers page by page; `format=csv` or `format=ndjson` (or an Accept header " +
      "asking for text/csv or application/x-ndjson) streams every matching user. `fields` may name the properties " +
      "of GRAPH_USER_SELECT.",
    tags: ["users"],
    path: snapshotPath,
    query: usersQuery,
    responses: [listOrExportResponse("user", usersPageSchema)],
    errors: [404, 409],
    conditional: true,
  },
  ({ query }, request, api, context) =>
    listItems(
      request,
      api,
      context,
      { kind: "users", columns: usersColumnFilter(query), known: api.config.graph.userSelect },
      query,
    ),
);
export const listUsers = listUsersOperation.handler;
