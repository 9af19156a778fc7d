import { randomUUID } from "node:crypto";
import { DEFAULT_SCAN_ERROR, type ScanInfo, type ScannerControl } from "./scannerControl";
import { settingsOf, type ScannerOptions, type ScannerSettings } from "./scannerSettings";
import { ScannerBudgets, type BudgetState, type ScannerCall } from "./scannerBudget";
import {
  lineageClosure,
  workspaceLineageEdges,
  type LineageClosure,
  type LineageDirection,
  type LineageEdge,
} from "./scannerLineage";
import {
  generatedModifiedAgoMs,
  listedWorkspaceId,
  listedWorkspaceIndices,
  type ModifiedQuery,
  type ScannerTenantView,
} from "./scannerModified";
import {
  scanOptions,
  type DatasourceInstance,
  type ScanError,
  type ScanOptions,
  type ScanStatus,
  type WorkspaceInfo,
  type WorkspaceInfoResponse,
} from "./scannerTypes";
import { scannedWorkspace } from "./scannerWorkspace";
import { workspaceSummary } from "./simulatedWorkspace";
import type { TenantEdits } from "./tenantEdits";

/** One workspace of a scan as the tenant had it when the scan was requested. */
interface ScanEntry {
  readonly index: number;
  readonly version: number;
  readonly changes: number;
}

interface Scan {
  readonly id: string;
  readonly createdAt: number;
  readonly options: ScanOptions;
  readonly entries: readonly ScanEntry[];
  readonly error: ScanError | undefined;
}

/** The simulated scanner's state: budgets, scans and their lifecycle, over the tenant's data and edits. */
export class ScannerService implements ScannerControl {
  readonly settings: ScannerSettings;
  readonly startedAt: number;
  readonly budgets: ScannerBudgets;
  private readonly scanMap = new Map<string, Scan>();
  private readonly failures: ScanError[] = [];
  private readonly idIndex = new Map<string, number>();

  constructor(
    private readonly seed: number,
    private readonly generatedWorkspaces: number,
    private readonly edits: TenantEdits,
    options: ScannerOptions = {},
  ) {
    this.settings = settingsOf(options);
    this.startedAt = this.settings.now();
    this.budgets = new ScannerBudgets(this.settings.now, this.startedAt, this.settings.windowMs, this.settings.limits);
  }

  now(): number {
    return this.settings.now();
  }

  failNext(count = 1, error: ScanError = DEFAULT_SCAN_ERROR): void {
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError("failNext needs a positive count");
    for (let n = 0; n < count; n += 1) this.failures.push(error);
  }

  expireResults(): void {
    this.scanMap.clear();
  }

  budget(call: ScannerCall): BudgetState {
    return this.budgets.state(call);
  }

  resetBudgets(): void {
    this.budgets.reset();
  }

  setLimit(call: ScannerCall, calls: number): void {
    this.budgets.setLimit(call, calls);
  }

  activeScans(): number {
    return this.live().filter((scan) => this.statusOf(scan) === "NotStarted" || this.statusOf(scan) === "Running")
      .length;
  }

  scans(): readonly ScanInfo[] {
    return this.live().map((scan) => ({
      id: scan.id,
      createdAt: scan.createdAt,
      status: this.statusOf(scan),
      options: scan.options,
      workspaceIds: scan.entries.map((entry) => workspaceSummary(this.seed, entry.index).id),
    }));
  }

  view(): ScannerTenantView {
    const edits = this.edits;
    const generated = this.generatedWorkspaces;
    const startedAt = this.startedAt;
    const seed = this.seed;
    return {
      seed,
      workspaceCount: generated + edits.addedWorkspaces,
      removed: (index) => edits.workspaceRemoved(index),
      version: (index) => edits.workspaceVersion(index),
      modifiedAt: (index) =>
        edits.workspaceEditedAt(index, generated) ?? startedAt - generatedModifiedAgoMs(seed, index),
    };
  }

  expectedListedIds(query: ModifiedQuery = {}): string[] {
    return listedWorkspaceIndices(this.view(), query).map((index) => listedWorkspaceId(this.seed, index));
  }

  expectedWorkspaceInfo(index: number, options: Partial<ScanOptions>): WorkspaceInfo | undefined {
    const entry = this.entryOf(index);
    return entry === undefined ? undefined : this.infoOf(entry, options).info;
  }

  expectedResult(workspaceIds: readonly string[], options: Partial<ScanOptions>): WorkspaceInfoResponse {
    return this.resultOf(this.entriesOf(workspaceIds), scanOptions(options));
  }

  expectedLineageEdges(query: ModifiedQuery = {}): LineageEdge[] {
    const options = scanOptions({ lineage: true });
    const edges = new Map<string, LineageEdge>();
    for (const index of listedWorkspaceIndices(this.view(), query)) {
      const entry = this.entryOf(index);
      if (entry === undefined) continue;
      for (const edge of workspaceLineageEdges(this.infoOf(entry, options).info))
        edges.set(`${edge.from} ${edge.to}`, edge);
    }
    return [...edges.values()];
  }

  expectedLineage(id: string, direction: LineageDirection, query: ModifiedQuery = {}): LineageClosure {
    return lineageClosure(this.expectedLineageEdges(query), id, direction);
  }

  /** Starts a scan of the given ids (already validated); undefined when 16 scans are already under way. */
  startScan(workspaceIds: readonly string[], options: ScanOptions): { id: string; createdAt: number } | undefined {
    if (this.activeScans() >= this.settings.maxConcurrentScans) return undefined;
    const scan: Scan = {
      id: randomUUID(),
      createdAt: this.now(),
      options,
      entries: this.entriesOf(workspaceIds),
      error: this.failures.shift(),
    };
    this.scanMap.set(scan.id, scan);
    return { id: scan.id, createdAt: scan.createdAt };
  }

  /** A live scan's id, creation, status and error; undefined when unknown or expired. */
  scanState(id: string): { createdAt: number; status: ScanStatus; error: ScanError | undefined } | undefined {
    const scan = this.liveScan(id);
    return scan === undefined
      ? undefined
      : { createdAt: scan.createdAt, status: this.statusOf(scan), error: scan.error };
  }

  /** The result of a live, succeeded scan, built from the tenant as it was when the scan was requested. */
  scanResult(id: string): WorkspaceInfoResponse | undefined {
    const scan = this.liveScan(id);
    if (scan === undefined || this.statusOf(scan) !== "Succeeded") return undefined;
    return this.resultOf(scan.entries, scan.options);
  }

  private resultOf(entries: readonly ScanEntry[], options: ScanOptions): WorkspaceInfoResponse {
    const datasources = new Map<string, DatasourceInstance>();
    const misconfigured = new Map<string, DatasourceInstance>();
    const workspaces = entries.map((entry) => {
      const scanned = this.infoOf(entry, options);
      for (const instance of scanned.datasources) datasources.set(instance.datasourceId, instance);
      for (const instance of scanned.misconfigured) misconfigured.set(instance.datasourceId, instance);
      return scanned.info;
    });
    if (!options.datasourceDetails) return { workspaces };
    return {
      workspaces,
      datasourceInstances: [...datasources.values()],
      misconfiguredDatasourceInstances: [...misconfigured.values()],
    };
  }

  private infoOf(entry: ScanEntry, options: Partial<ScanOptions>): ReturnType<typeof scannedWorkspace> {
    const scanned = scannedWorkspace(this.seed, entry.index, options, entry.version);
    return { ...scanned, info: this.edits.changedWorkspace(entry.index, scanned.info, entry.changes) };
  }

  private entryOf(index: number): ScanEntry | undefined {
    const count = this.generatedWorkspaces + this.edits.addedWorkspaces;
    if (!Number.isSafeInteger(index) || index < 0 || index >= count || this.edits.workspaceRemoved(index)) {
      return undefined;
    }
    return { index, version: this.edits.workspaceVersion(index), changes: this.edits.workspaceChangeCount(index) };
  }

  /** Entries of the workspaces the ids name now, in request order, each once. */
  private entriesOf(workspaceIds: readonly string[]): ScanEntry[] {
    const count = this.generatedWorkspaces + this.edits.addedWorkspaces;
    for (let index = this.idIndex.size; index < count; index += 1) {
      this.idIndex.set(workspaceSummary(this.seed, index).id, index);
    }
    const seen = new Set<number>();
    const entries: ScanEntry[] = [];
    for (const id of workspaceIds) {
      const index = this.idIndex.get(id.toLowerCase());
      if (index === undefined || seen.has(index)) continue;
      seen.add(index);
      const entry = this.entryOf(index);
      if (entry !== undefined) entries.push(entry);
    }
    return entries;
  }

  private statusOf(scan: Scan): ScanStatus {
    const elapsed = this.now() - scan.createdAt;
    if (elapsed >= this.settings.scanDelayMs) return scan.error === undefined ? "Succeeded" : "Failed";
    return elapsed < this.settings.scanDelayMs / 2 ? "NotStarted" : "Running";
  }

  private live(): Scan[] {
    return [...this.scanMap.keys()].flatMap((id) => this.liveScan(id) ?? []);
  }

  /** The scan, unless unknown or older than the result lifetime (then forgotten). */
  private liveScan(id: string): Scan | undefined {
    const scan = this.scanMap.get(id.toLowerCase());
    if (scan === undefined) return undefined;
    if (this.now() - scan.createdAt >= this.settings.resultLifetimeMs) {
      this.scanMap.delete(scan.id);
      return undefined;
    }
    return scan;
  }
}
