import { createInventory, type SyncOutcome } from "../src/app/inventory";
import { loadAppConfig } from "../src/kinds/registry";
import { DEFAULT_RETRY } from "../src/upstream/upstreamClient";

const HOUR = 3_600_000;
/** The resume timer's default schedule (INVENTORY_RESUME_SCHEDULE `0 * * * * *`): every minute. */
const RESUME_TIMER_MS = 60_000;

/** One invocation of the catalog run: the first sync, or a resume. */
export interface CatalogInvocation {
  status: string;
  /** Epoch ms when the invocation started, and its own durationMs. */
  startedAt: number;
  durationMs: number;
  resumeAfter?: string;
  requests: number;
  retries: number;
  rows: number;
  transactions: number;
}

/** What a catalog child reports on its last stdout line. */
export interface CatalogChildReport {
  invocations: CatalogInvocation[];
  /** The last invocation's outcome: the snapshot's status and counts. */
  outcome: Omit<SyncOutcome, "upstream" | "writes">;
  /** Epoch ms: the first invocation's start, and the last one's end. */
  startedAt: number;
  finishedAt: number;
  /** The resume timer's period and the longest Retry-After slept through in-process, both scaled to the window. */
  timerMs: number;
  maxRetryAfterMs: number;
  maxRssKb: number;
  cpuMs: number;
}

/**
 * `node dist/bench/catalogChild.js <windowMs>`: one catalog run through the product's inventory, with the settings
 * the bench put into the environment, continued as a warm host's resume timer would until it is no longer paused.
 * The scanner's budget windows are `windowMs` long instead of an hour, so the product's two clocks that answer to
 * them are scaled by the same factor: the longest Retry-After a call sleeps through (beyond it the run pauses at its
 * checkpoint), and the resume timer's period. One process for every invocation, so its peak RSS is the whole run's.
 */
async function main(): Promise<number> {
  const windowMs = Number(process.argv[2]);
  if (!(windowMs > 0)) throw new Error("usage: catalogChild.js <windowMs>");
  const scale = windowMs / HOUR;
  const timerMs = RESUME_TIMER_MS * scale;
  const maxRetryAfterMs = DEFAULT_RETRY.maxRetryAfterMs * scale;
  const inventory = createInventory(loadAppConfig(), { upstream: { retry: { maxRetryAfterMs } } });
  const invocations: CatalogInvocation[] = [];
  const invoke = async (run: () => Promise<SyncOutcome | undefined>): Promise<SyncOutcome> => {
    const startedAt = Date.now();
    const outcome = await run();
    if (outcome === undefined) throw new Error("the resume found no catalog run to continue");
    invocations.push({
      status: outcome.status,
      startedAt,
      durationMs: outcome.durationMs,
      ...(outcome.resumeAfter === undefined ? {} : { resumeAfter: outcome.resumeAfter }),
      requests: outcome.upstream.requests,
      retries: outcome.upstream.retries,
      rows: outcome.writes?.rows ?? 0,
      transactions: outcome.writes?.transactions ?? 0,
    });
    return outcome;
  };
  const startedAt = Date.now();
  let outcome = await invoke(() => inventory.sync("catalog"));
  while (outcome.status === "paused") {
    // The timer fires on its period's boundaries; the first tick at or after resumeAfter continues the run.
    const resumeAt = Date.parse(outcome.resumeAfter ?? "");
    if (!Number.isFinite(resumeAt)) throw new Error(`a paused run without resumeAfter: ${JSON.stringify(outcome)}`);
    const tick = Math.ceil(resumeAt / timerMs) * timerMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, tick - Date.now())));
    outcome = await invoke(() => inventory.resume("catalog"));
  }
  const finishedAt = Date.now();
  await inventory.close();
  const { upstream: _upstream, writes: _writes, ...result } = outcome;
  const usage = process.resourceUsage();
  const report: CatalogChildReport = {
    invocations,
    outcome: result,
    startedAt,
    finishedAt,
    timerMs,
    maxRetryAfterMs,
    maxRssKb: usage.maxRSS,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return outcome.status === "succeeded" ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
