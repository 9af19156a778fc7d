import { booleanSetting, integerSetting, listSetting, ncrontabSetting } from "../../config/settings";
import { SCAN_OPTIONS } from "../../sources/powerbi/scanner";
import { defineKind } from "../kind";
import { catalogDashboard } from "./catalogDashboard";
import { CATALOG_ROW_SETS } from "./catalogRows";
import { catalogRoutes } from "./catalogRoutes";
import { catalogSync } from "./catalogRun";

/**
 * Catalog snapshots: every workspace as Power BI's scanner API describes it, with its items, their users,
 * endorsement and labels, the data sources and the lineage between them. Exact and incremental: each run lists every
 * workspace id, scans what changed since the previous snapshot (and everything at least every
 * CATALOG_FULL_SCAN_DAYS), and carries the rest over; a deleted workspace is gone.
 */
export const catalogKind = defineKind({
  name: "catalog",
  description: "every Power BI workspace as the scanner API describes it, with items, data sources and lineage",
  settings: {
    CATALOG_SYNC_SCHEDULE: ncrontabSetting("0 0 3 * * *"),
    CATALOG_SCAN: listSetting(SCAN_OPTIONS, ["lineage", "datasourceDetails", "getArtifactUsers"]),
    CATALOG_FULL_SCAN_DAYS: integerSetting(1, 30, 7),
    CATALOG_INCLUDE_PERSONAL: booleanSetting(false),
  },
  configure: (settings) => ({
    schedule: settings.CATALOG_SYNC_SCHEDULE,
    sync: ({ powerbi }) =>
      catalogSync(powerbi, {
        options: settings.CATALOG_SCAN,
        includePersonal: settings.CATALOG_INCLUDE_PERSONAL,
        fullScanDays: settings.CATALOG_FULL_SCAN_DAYS,
      }),
    diff: {
      rowSet: CATALOG_ROW_SETS.items,
      arrays: { users: ["identifier", "graphId"], tiles: ["id"], tables: ["name"] },
    },
    routes: catalogRoutes(),
    dashboard: catalogDashboard,
  }),
});
