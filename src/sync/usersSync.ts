import { encodeItem } from "../store/rowCodec";
import { itemKeys } from "../store/rowKeys";
import { listGraphUsers, type GraphUser } from "../sources/graph/graphUsers";
import type { UpstreamClient } from "../upstream/upstreamClient";
import type { KindSync } from "./kindSync";

/** Users snapshots: one row per Graph user, with the fields the API filters on copied into columns. */
export function usersSync(graph: UpstreamClient, select: readonly string[]): KindSync<GraphUser> {
  return {
    kind: "users",
    countNames: ["users"],
    // Graph's next links are not promised to outlive a long pause; a users run is short and starts afresh.
    resumable: false,
    pages: (from) => listGraphUsers(graph, select, typeof from === "string" ? from : undefined),
    idOf: (user) => user.id,
    toRows(user, layout) {
      const keys = itemKeys(layout.tenantId, layout.snapshotId, "users", layout.partitionBits, user.id);
      const columns = {
        accountEnabled: user.accountEnabled ?? undefined,
        userType: user.userType ?? undefined,
        department: user.department ?? undefined,
        upn: user.userPrincipalName?.toLowerCase() ?? undefined,
        name: user.displayName?.toLowerCase() ?? undefined,
      };
      return { rows: encodeItem(keys.partitionKey, keys.rowKey, user, columns), counts: { users: 1 } };
    },
  };
}
