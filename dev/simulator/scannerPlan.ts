import { SeededRandom, seededGuid } from "./seeded";
import { workspaceSummary } from "./simulatedWorkspace";

/**
 * How many items of each kind the scanner shows in the workspace at `index`: cheap (one small random stream), so
 * references into other workspaces can be resolved without building those workspaces.
 */
export interface WorkspacePlan {
  readonly datasets: number;
  readonly reports: number;
  readonly dashboards: number;
  readonly dataflows: number;
  readonly datamarts: number;
  /** Whether the workspace holds Fabric items (only workspaces on a dedicated capacity can). */
  readonly fabric: boolean;
}

/** Index of the workspace that holds one of everything (admin/groups' "Everything once"). */
export const EVERYTHING_WORKSPACE_INDEX = 6;
/** Index of the workspace whose reports are all thin reports on datasets of other workspaces. */
export const THIN_REPORTS_WORKSPACE_INDEX = 2;
/** Reports in the scanner's "Report factory" (admin/groups' index 1), as many as admin/groups shows. */
export const SCAN_BIG_REPORTS = 2000;

const EMPTY: WorkspacePlan = { datasets: 0, reports: 0, dashboards: 0, dataflows: 0, datamarts: 0, fabric: false };
// Pinned plans, so a tenant of ten workspaces already shows every quirk (see the specials of simulatedWorkspace).
const pinned: Readonly<Record<number, WorkspacePlan>> = {
  0: { datasets: 2, reports: 2, dashboards: 1, dataflows: 0, datamarts: 0, fabric: false },
  1: { datasets: 3, reports: SCAN_BIG_REPORTS, dashboards: 1, dataflows: 0, datamarts: 0, fabric: false },
  2: { datasets: 0, reports: 3, dashboards: 1, dataflows: 0, datamarts: 0, fabric: false },
  3: { datasets: 1, reports: 1, dashboards: 0, dataflows: 0, datamarts: 0, fabric: false },
  6: { datasets: 3, reports: 3, dashboards: 1, dataflows: 2, datamarts: 1, fabric: true },
  8: EMPTY,
};

/** The scanner's item counts for a workspace; a pure function of (seed, index). */
export function workspacePlan(seed: number, index: number): WorkspacePlan {
  const fixed = pinned[index];
  if (fixed !== undefined) return fixed;
  const random = new SeededRandom(seed, "scan-plan", index);
  const personal = workspaceSummary(seed, index).type === "PersonalGroup";
  const datasets = personal ? random.int(0, 1) : random.int(0, 3);
  const reports = random.int(0, datasets + 2);
  const dashboards = random.chance(0.4) ? random.int(1, 2) : 0;
  const dataflows = !personal && random.chance(0.3) ? random.int(1, 3) : 0;
  const datamarts = !personal && random.chance(0.03) ? 1 : 0;
  // A datamart brings its own semantic model, so a workspace with one always has a dataset.
  return {
    datasets: Math.max(datasets, datamarts),
    reports,
    dashboards,
    dataflows,
    datamarts,
    fabric: !personal && random.chance(0.4),
  };
}

/** Id of dataset `k` of the workspace at `index` (scanner items have ids of their own, unlike admin/groups'). */
export function scanDatasetId(seed: number, index: number, k: number): string {
  return seededGuid(seed, "scan-dataset", index, k);
}

export function scanReportId(seed: number, index: number, k: number): string {
  return seededGuid(seed, "scan-report", index, k);
}

export function scanDashboardId(seed: number, index: number, k: number): string {
  return seededGuid(seed, "scan-dashboard", index, k);
}

export function scanDataflowId(seed: number, index: number, k: number): string {
  return seededGuid(seed, "scan-dataflow", index, k);
}

export function scanDatamartId(seed: number, index: number, k: number): string {
  return seededGuid(seed, "scan-datamart", index, k);
}

/** A reference to item `k` of the workspace at `index`. */
export interface ItemRef {
  readonly index: number;
  readonly k: number;
}

/**
 * A workspace before `index` that has items of the kind `count` counts, found by a few deterministic probes of the
 * preceding 40 workspaces; undefined when none is found (or `index` is 0).
 */
export function earlierWorkspaceWith(
  seed: number,
  index: number,
  purpose: string,
  count: (plan: WorkspacePlan) => number,
): ItemRef | undefined {
  if (index === 0) return undefined;
  const random = new SeededRandom(seed, "scan-foreign", purpose, index);
  for (let probe = 0; probe < 6; probe += 1) {
    const other = index - 1 - random.int(0, Math.min(index - 1, 40));
    const available = count(workspacePlan(seed, other));
    if (available > 0) return { index: other, k: random.int(0, available - 1) };
  }
  return undefined;
}
