import { listedWorkspaceIndices, type ModifiedQuery } from "../dev/simulator/scannerModified";
import type { SimulatedTenant } from "../dev/simulator/simulatedTenant";
import type { SimulatorRoute } from "../dev/simulator/simulatorRoute";

/** What a catalog run lists with the default settings: no personal workspaces, no inactive ones. */
export const LISTED: ModifiedQuery = { excludePersonalWorkspaces: true, excludeInActiveWorkspaces: true };

/**
 * The simulated tenant's size (generated workspaces) whose catalog lists exactly `listed`: about one in three
 * generated workspaces is personal or not active, and the figures are per workspace scanned.
 */
export function tenantSizeListing(seed: number, listed: number): number {
  const view = { seed, workspaceCount: 2 * listed + 100, removed: () => false, version: () => 0, modifiedAt: () => 0 };
  const indices = listedWorkspaceIndices(view, LISTED);
  const last = indices[listed - 1];
  if (last === undefined) throw new Error(`no simulated tenant of up to ${view.workspaceCount} lists ${listed}`);
  return last + 1;
}

/** The generated indices of every 50th listed workspace: the 2 % an incremental run finds changed. */
export function changedIndices(seed: number, tenantSize: number): number[] {
  const view = { seed, workspaceCount: tenantSize, removed: () => false, version: () => 0, modifiedAt: () => 0 };
  return listedWorkspaceIndices(view, LISTED).filter((_, position) => position % 50 === 25);
}

export const SCANNER_ROUTES = [
  "powerbi.modified",
  "powerbi.getInfo",
  "powerbi.scanStatus",
  "powerbi.scanResult",
] as const satisfies readonly SimulatorRoute[];
type ScannerRoute = (typeof SCANNER_ROUTES)[number];

/** The status of a call the service took: getInfo answers 202 with the scan, the others 200. */
const ACCEPTED: Record<ScannerRoute, number> = {
  "powerbi.modified": 200,
  "powerbi.getInfo": 202,
  "powerbi.scanStatus": 200,
  "powerbi.scanResult": 200,
};

/** Calls the tenant has served so far on each scanner route: all of them, and those it took. */
export type ScannerCalls = Record<ScannerRoute, { all: number; accepted: number }>;

export function scannerCalls(tenant: SimulatedTenant): ScannerCalls {
  return Object.fromEntries(
    SCANNER_ROUTES.map((route) => [
      route,
      { all: tenant.calls.count(route), accepted: tenant.calls.count(route, ACCEPTED[route]) },
    ]),
  ) as ScannerCalls;
}

export function callsSince(before: ScannerCalls, after: ScannerCalls): ScannerCalls {
  return Object.fromEntries(
    SCANNER_ROUTES.map((route) => [
      route,
      { all: after[route].all - before[route].all, accepted: after[route].accepted - before[route].accepted },
    ]),
  ) as ScannerCalls;
}
