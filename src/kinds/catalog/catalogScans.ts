import { scanResult, scanStatus, submitScan, type ScanOption, type ScanResult } from "../../sources/powerbi/scanner";
import type { StoredRow } from "../../store/rowCodec";
import type { Counts, RunContext } from "../../sync/contract";
import { UpstreamError } from "../../upstream/upstreamError";
import { add } from "./catalogCarry";
import { edgesInto, workspaceItems } from "./catalogItems";
import { planChunk } from "./catalogPlan";
import { edgeRows, foundDatasourceRows, itemColumns, itemCounts, itemRows } from "./catalogRows";

/** The service runs at most 16 scans at once; beyond, getInfo answers 429 without Retry-After. */
export const MAX_SCANS_IN_FLIGHT = 16;
/** A scan's status is asked after this long, then at doubling intervals up to MAX_POLL_MS. */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 30_000;
/** A getInfo that failed without an answer may have started a scan we know nothing of: count it this long. */
const GHOST_MS = 10 * 60_000;
/** After a getInfo without an answer, the next is sent after this long, doubling while they keep failing. */
const SUBMIT_RETRY_MS = 1_000;
/** A scan that ends Failed is submitted once more before its workspaces are given up. */
const ATTEMPTS = 2;
/**
 * Rows written between two checkpoints at most. A checkpoint waits for every write, and one per scan would send
 * transactions of a few rows each; a run that dies between two collects those scans' results again.
 */
const ROWS_PER_CHECKPOINT = 20_000;

/** A scan this run submitted and has not collected: which plan chunk it covers, and how many tries it is. */
export interface SubmittedScan {
  chunk: number;
  scanId: string;
  attempt: number;
}

/** Where the scan phase stands; saved at every checkpoint, so a paused run collects what it had submitted. */
export interface ScanProgress {
  /** The next chunk of the plan's scan list never submitted. */
  nextChunk: number;
  inFlight: SubmittedScan[];
  /** Chunks to submit again (their scan failed once, or expired), before new ones. */
  again: { chunk: number; attempt: number }[];
  /** Chunks whose scan failed on every attempt. */
  failed: number[];
}

export interface ScanPhase {
  context: RunContext<unknown>;
  powerbi: Parameters<typeof submitScan>[0];
  options: readonly ScanOption[];
  scanChunks: number;
  counts: Counts;
  /** Checkpoints the progress (rows written so far become durable with it). */
  save: (progress: ScanProgress) => Promise<void>;
}

/**
 * Scans every chunk of the plan's scan list, up to 16 scans in flight: submit, poll with backoff, collect the
 * result and write its items, edges and data sources, checkpointing after each collected scan. A 429 without
 * Retry-After lowers the number in flight instead of failing; a spent getInfo budget stops new scans until those in
 * flight are collected, then pauses the run until it refills; another long throttle or the invocation's end
 * checkpoints and pauses at once (submitted scans are collected after it, expired ones submitted again); a scan that
 * fails is tried once more, then its workspaces are counted as `scanFailed`. With `mode` "submit" it only submits
 * what there is room for, checkpoints, and returns: those scans run while the run does other work.
 */
export async function scanAll(phase: ScanPhase, start: ScanProgress, mode: "all" | "submit" = "all"): Promise<void> {
  const { context, counts } = phase;
  const progress: ScanProgress = structuredClone(start);
  const polls = new Map<string, { at: number; delayMs: number }>();
  // After a pause, every scan is asked about at once.
  for (const scan of progress.inFlight) polls.set(scan.scanId, { at: 0, delayMs: FIRST_POLL_MS });
  let limit = MAX_SCANS_IN_FLIGHT;
  const ghosts: number[] = [];
  let failedSubmits = 0;
  let submitAfter = 0;
  /**
   * The getInfo budget is spent until `until`: nothing more is submitted, but the scans in flight are still collected
   * (their results count in this window's scanResult budget); once none is left, the run pauses.
   */
  let throttled: { error: UpstreamError; until: number } | undefined;
  let rowsSinceCheckpoint = 0;
  const checkpoint = async () => {
    rowsSinceCheckpoint = 0;
    await phase.save(structuredClone(progress));
  };
  const pauseOn = async (error: unknown): Promise<never> => {
    // A long throttle, or the run told to stop: what was submitted is kept, to be collected later. (A run that lost
    // its lease fails this checkpoint, and stops as it must.)
    if ((error instanceof UpstreamError && error.retryAfterMs !== undefined) || context.signal.aborted) {
      await checkpoint();
    }
    throw error;
  };
  while (progress.nextChunk < phase.scanChunks || progress.again.length > 0 || progress.inFlight.length > 0) {
    try {
      context.checkDeadline();
    } catch (error) {
      await checkpoint();
      throw error;
    }
    let moved = false;
    const now = Date.now();
    while (ghosts.length > 0 && ghosts[0]! <= now) ghosts.shift();
    if (throttled !== undefined && throttled.until <= now) throttled = undefined;
    if (throttled !== undefined && progress.inFlight.length === 0) {
      // Everything submitted is collected. The checkpoint takes a while; the wait left after it is the pause's.
      await checkpoint();
      const leftMs = throttled.until - Date.now();
      if (leftMs > 0) throw waitingFor(throttled.error, leftMs);
      throttled = undefined;
    }

    // Submit while there is room: scans to repeat first, then new chunks.
    while (throttled === undefined && Date.now() >= submitAfter && progress.inFlight.length + ghosts.length < limit) {
      const next =
        progress.again[0] ??
        (progress.nextChunk < phase.scanChunks ? { chunk: progress.nextChunk, attempt: 1 } : undefined);
      if (next === undefined) break;
      const ids = await planChunk(context, "scan", next.chunk);
      let scanId: string;
      try {
        scanId = (await submitScan(phase.powerbi, ids, phase.options)).id;
        failedSubmits = 0;
      } catch (error) {
        if (isConcurrencyLimit(error)) {
          limit = Math.max(1, progress.inFlight.length);
          break;
        }
        if (error instanceof UpstreamError && error.retryAfterMs !== undefined) {
          throttled = { error, until: Date.now() + error.retryAfterMs };
          break;
        }
        if (!(error instanceof UpstreamError) || isRefusal(error)) return pauseOn(error);
        // No answer, or a 5xx: the service may have started the scan anyway. It occupies a slot until it ends.
        ghosts.push(Date.now() + GHOST_MS);
        if (++failedSubmits >= 3) throw error;
        submitAfter = Date.now() + SUBMIT_RETRY_MS * 2 ** (failedSubmits - 1);
        break;
      }
      if (progress.again[0] === next) progress.again.shift();
      else progress.nextChunk++;
      progress.inFlight.push({ chunk: next.chunk, scanId, attempt: next.attempt });
      polls.set(scanId, { at: Date.now() + FIRST_POLL_MS, delayMs: FIRST_POLL_MS });
      moved = true;
    }
    if (mode === "submit") break;

    // Ask about the scans due, and collect the first one that succeeded.
    for (const scan of [...progress.inFlight]) {
      const poll = polls.get(scan.scanId) ?? { at: 0, delayMs: FIRST_POLL_MS };
      if (poll.at > Date.now()) continue;
      const status = await statusOf(phase, scan).catch(pauseOn);
      if (status === "Running") {
        const delayMs = Math.min(MAX_POLL_MS, poll.delayMs * 2);
        polls.set(scan.scanId, { at: Date.now() + delayMs, delayMs });
        continue;
      }
      moved = true;
      // Read while the scan is still in flight: a throttled read pauses the run with the scan kept, to be collected
      // by a later invocation.
      const result = status === "Succeeded" ? await resultOf(phase, scan).catch(pauseOn) : undefined;
      progress.inFlight = progress.inFlight.filter((other) => other !== scan);
      polls.delete(scan.scanId);
      if (status === "Expired") {
        progress.again.push({ chunk: scan.chunk, attempt: scan.attempt });
        continue;
      }
      if (status === "Failed") {
        if (scan.attempt < ATTEMPTS) {
          progress.again.push({ chunk: scan.chunk, attempt: scan.attempt + 1 });
        } else {
          progress.failed.push(scan.chunk);
          add(counts, { scanFailed: (await planChunk(context, "scan", scan.chunk)).length });
          context.log(`The scan of chunk ${scan.chunk} failed ${ATTEMPTS} times; its workspaces are left out`);
          await checkpoint();
        }
        continue;
      }
      if (result === undefined) {
        progress.again.push({ chunk: scan.chunk, attempt: scan.attempt });
        continue;
      }
      rowsSinceCheckpoint += await writeResult(phase, scan.chunk, result);
      limit = Math.min(MAX_SCANS_IN_FLIGHT, limit + 1);
      if (rowsSinceCheckpoint >= ROWS_PER_CHECKPOINT) await checkpoint();
      context.progress({ pages: progress.nextChunk, items: counts.items ?? 0 });
      break;
    }
    if (!moved) {
      // Nothing to do until a scan is due: a good moment to make what was collected durable.
      if (rowsSinceCheckpoint > 0) await checkpoint();
      const retry = submitAfter > Date.now() ? [submitAfter] : [];
      await sleepUntilDue(polls, [...ghosts, ...retry], context.signal);
    }
  }
  await checkpoint();
}

/** The statuses that matter here: Running (NotStarted too), Succeeded, Failed, or Expired (gone from the service). */
async function statusOf(
  phase: ScanPhase,
  scan: SubmittedScan,
): Promise<"Running" | "Succeeded" | "Failed" | "Expired"> {
  try {
    const { status } = await scanStatus(phase.powerbi, scan.scanId);
    return status === "NotStarted" ? "Running" : status;
  } catch (error) {
    if (error instanceof UpstreamError && error.status === 404) return "Expired";
    throw error;
  }
}

/** A succeeded scan's result, or undefined when it has expired meanwhile. */
async function resultOf(phase: ScanPhase, scan: SubmittedScan): Promise<ScanResult | undefined> {
  try {
    return await scanResult(phase.powerbi, scan.scanId);
  } catch (error) {
    if (error instanceof UpstreamError && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * Writes the items, edges and data sources of one scan result, and says how many rows; listed workspaces missing
 * from it are counted `unreturned`.
 */
async function writeResult(phase: ScanPhase, chunk: number, result: ScanResult): Promise<number> {
  const { context, counts } = phase;
  const returned = new Set<string>();
  let rows = 0;
  const write = async (batch: StoredRow[]) => {
    rows += batch.length;
    await context.write(batch);
  };
  for (const raw of result.workspaces) {
    if (typeof raw !== "object" || raw === null || typeof (raw as { id?: unknown }).id !== "string") continue;
    const workspace = raw as Record<string, unknown> & { id: string };
    returned.add(workspace.id.toLowerCase());
    for (const item of workspaceItems(workspace)) {
      await write(itemRows(item, context.layout));
      add(counts, itemCounts(itemColumns(item)));
      for (const edge of edgesInto(item)) {
        await write(edgeRows(edge, item, context.layout));
        add(counts, { edges: 1 });
      }
    }
    add(counts, { scanned: 1 });
  }
  for (const raw of result.datasourceInstances ?? []) {
    const id = (raw as { datasourceId?: unknown } | null)?.datasourceId;
    // The served data source rows, with usedBy, are made once every edge is in (catalogFinish).
    if (typeof id === "string")
      await context.write(foundDatasourceRows({ ...(raw as object), datasourceId: id }, chunk, context.layout));
  }
  const listed = await planChunk(context, "scan", chunk);
  add(counts, { unreturned: listed.filter((id) => !returned.has(id.toLowerCase())).length });
  return rows;
}

/** The getInfo throttle with the wait that is left of it: the run pauses until the budget refills. */
function waitingFor(error: UpstreamError, retryAfterMs: number): UpstreamError {
  const { service, status, serviceCode, requestId, path, detail } = error;
  return new UpstreamError({ service, status, serviceCode, requestId, path, detail, retryAfterMs });
}

function isConcurrencyLimit(error: unknown): boolean {
  return error instanceof UpstreamError && error.status === 429 && error.retryAfterMs === undefined;
}

/** A 4xx other than a throttle: the service refused the request as such, and will again. */
function isRefusal(error: UpstreamError): boolean {
  return (
    error.status !== undefined &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408 &&
    error.status !== 429
  );
}

/**
 * Waits until the next poll is due or another moment in `wakeAt` comes (a slot held by a lost submission frees up, a
 * submission may be tried again), or the run must stop.
 */
async function sleepUntilDue(
  polls: ReadonlyMap<string, { at: number }>,
  wakeAt: readonly number[],
  signal: AbortSignal,
): Promise<void> {
  const due = Math.min(...[...polls.values()].map((poll) => poll.at), ...wakeAt, Date.now() + MAX_POLL_MS);
  const ms = Math.max(10, due - Date.now());
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
