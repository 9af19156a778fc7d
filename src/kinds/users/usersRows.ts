import type { ItemRows, RowLayout } from "../../sync/contract";
import type { GraphUser } from "../../sources/graph/graphUsers";
import { encodeItem } from "../../store/rowCodec";
import { itemKeys } from "../../store/rowKeys";
import type { PowerBiLicense, PowerBiPlans } from "./powerBiLicense";

export const USERS_ROW_SET = "users";

/** The manifest count of the users holding each Power BI licence. */
export const POWER_BI_COUNTS: Readonly<Record<PowerBiLicense, string>> = {
  ppu: "powerBiPpu",
  pro: "powerBiPro",
  free: "powerBiFree",
  none: "powerBiNone",
};

/**
 * One row per Graph user, with the fields the users route filters on copied into index columns. With `plans` (when
 * the sync selects assignedLicenses) the user gains `powerBiLicense`, derived from its assignments; it is set on
 * `user` itself.
 */
export function userRows(user: GraphUser, layout: RowLayout, plans?: PowerBiPlans): ItemRows {
  const keys = itemKeys(layout.tenantId, layout.snapshotId, USERS_ROW_SET, layout.partitionBits, user.id);
  const license = plans?.licenseOf(user.assignedLicenses ?? []);
  const columns = {
    accountEnabled: user.accountEnabled ?? undefined,
    userType: user.userType ?? undefined,
    department: user.department ?? undefined,
    upn: user.userPrincipalName?.toLowerCase() ?? undefined,
    name: user.displayName?.toLowerCase() ?? undefined,
    powerBiLicense: license,
  };
  // Each count starts at zero with the run (usersCountNames); a user adds to those it belongs to.
  const counts: Record<string, number> = { users: 1 };
  if (user.userType === "Guest") counts.guests = 1;
  if (user.accountEnabled === false) counts.disabled = 1;
  if (license !== undefined) counts[POWER_BI_COUNTS[license]] = 1;
  // The parsed user is this run's own: adding the field to it costs far less than copying every user (measured).
  if (license !== undefined) user.powerBiLicense = license;
  return { rows: encodeItem(keys.partitionKey, keys.rowKey, user, columns), counts };
}
