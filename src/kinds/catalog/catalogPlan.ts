import { odata } from "@azure/data-tables";
import { listWorkspaceIds, SCAN_CHUNK, type ScanOption } from "../../sources/powerbi/scanner";
import { encodeItem } from "../../store/rowCodec";
import { idFromRowKey, itemKeys } from "../../store/rowKeys";
import { readItems, readRows, rowSetFilter } from "../../store/rowReader";
import type { RunContext } from "../../sync/contract";
import type { UpstreamClient } from "../../upstream/upstreamClient";
import { WORKSPACE_TYPE } from "./catalogItems";
import { CATALOG_ROW_SETS } from "./catalogRows";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How much earlier than the previous listing an incremental run asks from, for clocks and late modification flags. */
const SAFETY_MS = 10 * MINUTE;
/** The service wants `modifiedSince` at least 30 minutes and at most 30 days old. */
const NEWEST_SINCE_MS = 31 * MINUTE;
const OLDEST_SINCE_MS = 30 * DAY - SAFETY_MS;

/** What a run decided when it started, kept in its position, and by a succeeded snapshot for the next run. */
export interface CatalogPlan {
  /** When the full list of workspace ids was taken: the next incremental run asks for changes since then. */
  listedAt: string;
  /** When the newest full scan this snapshot builds on started. */
  fullScanAt: string;
  /** The scan options and the personal-workspaces choice it was made with; another choice needs a full scan. */
  options: readonly ScanOption[];
  includePersonal: boolean;
  /** Chunks of at most 100 ids: every listed workspace, and those to scan (the rest are carried over). */
  allChunks: number;
  scanChunks: number;
  listed: number;
  toScan: number;
}

export interface PlanSettings {
  options: readonly ScanOption[];
  includePersonal: boolean;
  fullScanDays: number;
}

type PlanList = "all" | "scan";

/**
 * Lists every workspace (one call) and decides what to scan: with a previous snapshot that is recent enough, made
 * with the same options and whose full scan is younger than `fullScanDays`, the workspaces modified since it
 * listed (one more call) and those it does not hold; otherwise all of them. The lists are written as rows of this
 * snapshot, so every invocation reads the same plan.
 */
export async function makePlan(
  context: RunContext<unknown>,
  powerbi: UpstreamClient,
  settings: PlanSettings,
  previous: CatalogPlan | undefined,
): Promise<CatalogPlan> {
  const now = context.now();
  const all = distinct(await listWorkspaceIds(powerbi, { includePersonal: settings.includePersonal }));
  const since = incrementalSince(previous, settings, now);
  let scan = all;
  if (since !== undefined) {
    const modified = new Set(
      (await listWorkspaceIds(powerbi, { includePersonal: settings.includePersonal, modifiedSince: since })).map((id) =>
        id.toLowerCase(),
      ),
    );
    const held = await heldWorkspaces(context);
    scan = all.filter((id) => modified.has(id.toLowerCase()) || !held.has(id.toLowerCase()));
    context.log(
      `Catalog ${context.layout.snapshotId}: ${all.length} workspaces, ${scan.length} modified or new since ${since.toISOString()}; the rest carried over`,
    );
  } else {
    context.log(`Catalog ${context.layout.snapshotId}: a full scan of ${all.length} workspaces`);
  }
  const allChunks = await writeList(context, "all", all);
  const scanChunks = await writeList(context, "scan", scan);
  return {
    listedAt: now.toISOString(),
    fullScanAt: since === undefined ? now.toISOString() : previous!.fullScanAt,
    options: settings.options,
    includePersonal: settings.includePersonal,
    allChunks,
    scanChunks,
    listed: all.length,
    toScan: scan.length,
  };
}

/** `modifiedSince` for an incremental run, or undefined when this run must scan everything. */
function incrementalSince(previous: CatalogPlan | undefined, settings: PlanSettings, now: Date): Date | undefined {
  if (previous === undefined) return undefined;
  const sameScan =
    previous.includePersonal === settings.includePersonal &&
    [...previous.options].sort().join() === [...settings.options].sort().join();
  const fullScanAge = now.getTime() - Date.parse(previous.fullScanAt);
  if (!sameScan || !(fullScanAge < settings.fullScanDays * DAY)) return undefined;
  const since = Math.min(Date.parse(previous.listedAt) - SAFETY_MS, now.getTime() - NEWEST_SINCE_MS);
  return now.getTime() - since <= OLDEST_SINCE_MS ? new Date(since) : undefined;
}

/** The workspaces the previous snapshot holds, lower-cased. */
async function heldWorkspaces(context: RunContext<unknown>): Promise<Set<string>> {
  const previous = context.previous!;
  const filter = rowSetFilter(
    context.layout.tenantId,
    previous.id,
    CATALOG_ROW_SETS.items,
    odata`type eq ${WORKSPACE_TYPE}`,
  );
  const held = new Set<string>();
  for await (const row of readRows(context.tables.rows, filter, ["RowKey"])) held.add(idFromRowKey(String(row.rowKey)));
  return held;
}

function distinct(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const key = id.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function chunkKeys(context: RunContext<unknown>, list: PlanList, index: number) {
  const { tenantId, snapshotId, partitionBits } = context.layout;
  return itemKeys(
    tenantId,
    snapshotId,
    CATALOG_ROW_SETS.plan,
    partitionBits,
    `${list}-${String(index).padStart(6, "0")}`,
  );
}

async function writeList(context: RunContext<unknown>, list: PlanList, ids: readonly string[]): Promise<number> {
  const chunks = Math.ceil(ids.length / SCAN_CHUNK);
  for (let index = 0; index < chunks; index++) {
    const keys = chunkKeys(context, list, index);
    await context.write(
      encodeItem(keys.partitionKey, keys.rowKey, ids.slice(index * SCAN_CHUNK, (index + 1) * SCAN_CHUNK)),
    );
  }
  return chunks;
}

/** The ids of one chunk of a plan list. */
export async function planChunk(context: RunContext<unknown>, list: PlanList, index: number): Promise<string[]> {
  const keys = chunkKeys(context, list, index);
  const filter = odata`PartitionKey eq ${keys.partitionKey} and RowKey ge ${keys.rowKey} and RowKey lt ${`${keys.rowKey}~~`}`;
  for await (const { item } of readItems<string[]>(context.tables.rows, filter)) return item;
  throw new Error(`the plan of ${context.layout.snapshotId} lacks its ${list} chunk ${index}`);
}

/** Every id of a plan list, lower-cased: one read over the plan's rows, not one per chunk. */
export async function planIds(context: RunContext<unknown>, list: PlanList): Promise<Set<string>> {
  const ids = new Set<string>();
  const { tenantId, snapshotId } = context.layout;
  const filter = rowSetFilter(tenantId, snapshotId, CATALOG_ROW_SETS.plan);
  for await (const { rowKey, item } of readItems<string[]>(context.tables.rows, filter)) {
    if (idFromRowKey(rowKey).startsWith(`${list}-`)) for (const id of item) ids.add(id.toLowerCase());
  }
  return ids;
}
