import { z } from "zod";
import type { Config } from "../../config/config";
import { ncrontabSetting, optionalTextSetting } from "../../config/settings";
import { defineKind } from "../kind";
import { usersDashboard } from "./usersDashboard";
import { USERS_ROW_SET } from "./usersRows";
import { usersRoutes } from "./usersRoutes";
import { usersSync } from "./usersSync";

/** The Graph user properties we snapshot by default (all list-safe; see API-FACTS.md). */
export const DEFAULT_USER_SELECT = [
  "id",
  "displayName",
  "userPrincipalName",
  "mail",
  "accountEnabled",
  "userType",
  "createdDateTime",
  "department",
  "jobTitle",
  "companyName",
  "officeLocation",
  "usageLocation",
  "assignedLicenses",
  "onPremisesSyncEnabled",
  "externalUserState",
] as const;

/** GRAPH_USER_SELECT: property names, `id` always among them. */
const userSelect = optionalTextSetting.transform((value, context): readonly string[] => {
  if (value === undefined) return DEFAULT_USER_SELECT;
  const fields = value.split(",").map((field) => field.trim());
  const bad = fields.find((field) => !/^[A-Za-z][A-Za-z0-9]*$/.test(field));
  if (bad !== undefined) {
    context.addIssue({ code: "custom", message: `"${bad}" is not a property name` });
    return z.NEVER;
  }
  return fields.includes("id") ? fields : ["id", ...fields];
});

/** Users snapshots: every Graph user, one row each, and the tenant's subscribed SKUs (licences). */
export const usersKind = defineKind({
  name: "users",
  description: "every Graph user, and the tenant's subscribed SKUs",
  settings: {
    USERS_SYNC_SCHEDULE: ncrontabSetting("0 0 2 * * *"),
    GRAPH_USER_SELECT: userSelect,
  },
  configure: (settings) => ({
    schedule: settings.USERS_SYNC_SCHEDULE,
    sync: ({ graph }) => usersSync(graph, settings.GRAPH_USER_SELECT),
    diff: { rowSet: USERS_ROW_SET },
    routes: usersRoutes(settings.GRAPH_USER_SELECT),
    dashboard: usersDashboard,
  }),
});

/** The `$select` a users run asks for, as configured (GRAPH_USER_SELECT, parsed with the app's settings). */
export function userSelectOf(config: Config): readonly string[] {
  return config.settings.GRAPH_USER_SELECT as readonly string[];
}
