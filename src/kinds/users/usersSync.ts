import { z } from "zod";
import { listGraphUsers } from "../../sources/graph/graphUsers";
import { listSubscribedSkus, type SubscribedSku } from "../../sources/graph/subscribedSkus";
import { sumOf, type KindSync } from "../../sync/contract";
import { pagedSync, type PagedPosition } from "../../sync/pagedSync";
import type { UpstreamClient } from "../../upstream/upstreamClient";
import { licenseRows, LICENSES_ROW_SET } from "./licenseRows";
import { PowerBiPlans } from "./powerBiLicense";
import { POWER_BI_COUNTS, USERS_ROW_SET, userRows } from "./usersRows";

/** True when GRAPH_USER_SELECT names `property`; Graph reads property names in any case. */
const selects = (select: readonly string[], property: string) =>
  select.some((name) => name.toLowerCase() === property.toLowerCase());

/** True when the users sync selects what `powerBiLicense` is derived from. */
export function selectsLicenses(select: readonly string[]): boolean {
  return selects(select, "assignedLicenses");
}

/**
 * The counts of a users snapshot: users and SKUs (`licenses`), and those that GRAPH_USER_SELECT lets it tell:
 * `guests` (userType), `disabled` (accountEnabled) and users per Power BI licence (assignedLicenses).
 */
export function usersCountNames(select: readonly string[]): string[] {
  return [
    "users",
    "licenses",
    ...(selects(select, "userType") ? ["guests"] : []),
    ...(selects(select, "accountEnabled") ? ["disabled"] : []),
    ...(selectsLicenses(select) ? Object.values(POWER_BI_COUNTS) : []),
  ];
}

/**
 * A users run: the subscribed SKUs first (one Graph call), one row each, then every user, whose `powerBiLicense` is
 * read against those SKUs' service plans. A failure of either call fails the run; both are in the snapshot or
 * neither is.
 */
export function usersSync(graph: UpstreamClient, select: readonly string[]): KindSync<PagedPosition<string>> {
  const countNames = usersCountNames(select);
  // A row per user and per SKU; the other counts (guests, users per licence) describe the users.
  const rowsOf = sumOf(["users", "licenses"]);
  const users = (plans: PowerBiPlans | undefined) =>
    pagedSync({
      kind: "users",
      countNames,
      rowsOf,
      // Graph's next links are not promised to outlive a long pause; a users run is short and starts afresh.
      resumable: false,
      itemRowSet: USERS_ROW_SET,
      next: z.string(),
      pages: (from) => listGraphUsers(graph, select, from),
      idOf: (user) => user.id,
      toRows: (user, layout) => userRows(user, layout, plans),
    });
  const skus = (plans: PowerBiPlans) => {
    const seen = new Set<string>();
    return pagedSync<SubscribedSku, string>({
      kind: "licenses",
      countNames,
      rowsOf,
      resumable: false,
      itemRowSet: LICENSES_ROW_SET,
      next: z.string(),
      pages: () => listSubscribedSkus(graph),
      idOf: (sku) => sku.skuId,
      toRows: (sku, layout) => {
        // Should Graph page the list, a SKU listed twice is stored once.
        const id = sku.skuId.toLowerCase();
        if (seen.has(id)) return { rows: [], counts: {} };
        seen.add(id);
        plans.add(sku);
        return licenseRows(sku, layout);
      },
    });
  };
  const listing = users(undefined);
  return {
    ...listing,
    run: async (context) => {
      const plans = new PowerBiPlans();
      // The SKU step's page is not the users' progress.
      const counts = await skus(plans).run({ ...context, progress: () => undefined });
      return users(selectsLicenses(select) ? plans : undefined).run({ ...context, counts });
    },
  };
}
