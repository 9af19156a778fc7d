import type { BudgetState, ScannerCall } from "./scannerBudget";
import type { LineageClosure, LineageDirection, LineageEdge } from "./scannerLineage";
import type { ModifiedQuery, ScannerTenantView } from "./scannerModified";
import type { ScannerSettings } from "./scannerSettings";
import type { ScanError, ScanOptions, ScanStatus, WorkspaceInfo, WorkspaceInfoResponse } from "./scannerTypes";

/** What tests can see of a scan. */
export interface ScanInfo {
  readonly id: string;
  readonly createdAt: number;
  readonly status: ScanStatus;
  readonly options: ScanOptions;
  /** The workspaces found when it was requested (unknown and removed ids are not among them). */
  readonly workspaceIds: readonly string[];
}

/** The default error of a scan made to fail with failNext(). */
export const DEFAULT_SCAN_ERROR: ScanError = {
  code: "ScanFailed",
  message: "The scan failed because of an internal error. Try scanning these workspaces again.",
};

/** What tests and the bench control of the simulated scanner (`tenant.scanner`). */
export interface ScannerControl {
  /** The scanner's clock (the `now` option). */
  now(): number;
  /** When the tenant started, on that clock: generated modified times count back from it. */
  readonly startedAt: number;
  readonly settings: Readonly<ScannerSettings>;
  /** The next `count` scans requested (default 1) end Failed with `error` (default {@link DEFAULT_SCAN_ERROR}). */
  failNext(count?: number, error?: ScanError): void;
  /** Every scan made so far expires now: its status and result answer 404, as after 24 hours. */
  expireResults(): void;
  /** The budget of one call in the current window (a window of `settings.windowMs`, counted from `startedAt`). */
  budget(call: ScannerCall): BudgetState;
  /** Refills every budget now. */
  resetBudgets(): void;
  /** Sets the calls per window of one call. */
  setLimit(call: ScannerCall, calls: number): void;
  /** Scans NotStarted or Running now. */
  activeScans(): number;
  /** Every scan not yet expired, oldest first. */
  scans(): readonly ScanInfo[];
  /** The tenant as the scanner sees it now (for the pure truth functions). */
  view(): ScannerTenantView;
  /** The ids admin/workspaces/modified would list now (with its casing quirk), for an already valid query. */
  expectedListedIds(query?: ModifiedQuery): string[];
  /** The WorkspaceInfo a scan made now would hold for the workspace at `index` (edits applied); undefined if removed. */
  expectedWorkspaceInfo(index: number, options: Partial<ScanOptions>): WorkspaceInfo | undefined;
  /** The result a scan of these ids (any case; unknown ones skipped) made now would give. */
  expectedResult(workspaceIds: readonly string[], options: Partial<ScanOptions>): WorkspaceInfoResponse;
  /** The lineage edges (see workspaceLineageEdges) of the workspaces `query` lists now, scanned with lineage. */
  expectedLineageEdges(query?: ModifiedQuery): LineageEdge[];
  /** The downstream or upstream closure of an id over {@link expectedLineageEdges}. */
  expectedLineage(id: string, direction: LineageDirection, query?: ModifiedQuery): LineageClosure;
}
