import { z } from "zod";
import { readItemsPage, rowSetFilter } from "../store/rowReader";
import { json, type ApiHandler } from "./httpHandler";
import { parseQuery, tokenParam, topParam } from "./query";
import { readableSnapshot } from "./snapshotsApi";

const usersQuery = z.object({ top: topParam, continuationToken: tokenParam });

/** GET /snapshots/{snapshotId}/users: the users of a succeeded snapshot, page by page. */
export const listUsers: ApiHandler = async (request, api) => {
  const query = parseQuery(request, usersQuery);
  const snapshot = await readableSnapshot(request, api, "users");
  const position = api.tokens.decode("users", snapshot.id, query.continuationToken);
  const filter = rowSetFilter(api.tenantId, snapshot.id, "users");
  const page = await readItemsPage(api.rows, filter, query.top, position);
  return json({
    snapshotId: snapshot.id,
    items: page.items,
    continuationToken: api.tokens.encode("users", snapshot.id, page.continuationToken),
  });
};
