import type { ItemRows, RowLayout } from "../../sync/contract";
import type { GraphUser } from "../../sources/graph/graphUsers";
import { encodeItem } from "../../store/rowCodec";
import { itemKeys } from "../../store/rowKeys";

export const USERS_ROW_SET = "users";

/** One row per Graph user, with the fields the users route filters on copied into index columns. */
export function userRows(user: GraphUser, layout: RowLayout): ItemRows {
  const keys = itemKeys(layout.tenantId, layout.snapshotId, USERS_ROW_SET, layout.partitionBits, user.id);
  const columns = {
    accountEnabled: user.accountEnabled ?? undefined,
    userType: user.userType ?? undefined,
    department: user.department ?? undefined,
    upn: user.userPrincipalName?.toLowerCase() ?? undefined,
    name: user.displayName?.toLowerCase() ?? undefined,
  };
  return { rows: encodeItem(keys.partitionKey, keys.rowKey, user, columns), counts: { users: 1 } };
}
