import { z } from "zod";
import { SCAN_OPTIONS } from "../../sources/powerbi/scanner";
import { InvalidItemsError, sumOf, type Counts, type KindSync, type RunContext } from "../../sync/contract";
import type { UpstreamClient } from "../../upstream/upstreamClient";
import { carryOver } from "./catalogCarry";
import { finishDatasources } from "./catalogFinish";
import { makePlan, planIds, type CatalogPlan, type PlanSettings } from "./catalogPlan";
import { scanAll, type ScanProgress } from "./catalogScans";

/** The counts every catalog snapshot reports; item types add theirs as they are met (`Report`, `Lakehouse`, ...). */
export const CATALOG_COUNTS = [
  "workspaces",
  "scanned",
  "carried",
  "items",
  "SemanticModel",
  "Report",
  "Dashboard",
  "Dataflow",
  "Datamart",
  "datasources",
  "edges",
  "unendorsedModels",
  "unlabelledModels",
  "scanFailed",
  "unreturned",
] as const;

const planSchema = z.object({
  listedAt: z.string(),
  fullScanAt: z.string(),
  options: z.array(z.enum(SCAN_OPTIONS)).readonly(),
  includePersonal: z.boolean(),
  allChunks: z.number().int().min(0),
  scanChunks: z.number().int().min(0),
  listed: z.number().int().min(0),
  toScan: z.number().int().min(0),
});

/** Where a catalog run stands, phase by phase; a succeeded snapshot keeps it (phase `done`) for the next run. */
const positionSchema = z.object({
  plan: planSchema,
  phase: z.enum(["carry", "scan", "finish", "done"]),
  carry: z.object({ partition: z.number().int().min(0) }),
  scan: z.object({
    nextChunk: z.number().int().min(0),
    inFlight: z.array(z.object({ chunk: z.number().int().min(0), scanId: z.string(), attempt: z.number().int() })),
    again: z.array(z.object({ chunk: z.number().int().min(0), attempt: z.number().int() })),
    failed: z.array(z.number().int().min(0)),
  }),
});
export type CatalogPosition = z.output<typeof positionSchema>;

export type CatalogSettings = PlanSettings;

/**
 * A catalog run: plan (the full id list, and what to scan), carry the rest over from the previous snapshot, scan,
 * then finish the data sources. Every phase checkpoints, so a throttled or timed-out run goes on where it stopped
 * in a later invocation, without repeating or losing a call.
 */
export function catalogSync(powerbi: UpstreamClient, settings: CatalogSettings): KindSync<CatalogPosition> {
  return {
    kind: "catalog",
    countNames: CATALOG_COUNTS,
    // Every row set has partitions of its own, so they are sized by the items row set (every workspace and item);
    // each lineage set holds a row per edge, about as many, and the data sources far fewer.
    rowsOf: sumOf(["workspaces", "items"]),
    resumable: true,
    position: positionSchema,
    run: (context) => run(context, powerbi, settings),
  };
}

async function run(
  context: RunContext<CatalogPosition>,
  powerbi: UpstreamClient,
  settings: CatalogSettings,
): Promise<Counts> {
  const counts = { ...context.counts };
  let position = context.position ?? (await planned(context, powerbi, settings, counts));
  const save = async (changes: Partial<CatalogPosition>) => {
    position = { ...position, ...changes };
    await context.checkpoint(position, counts);
  };
  const scanPhase = { context, powerbi, options: settings.options, scanChunks: position.plan.scanChunks, counts };
  const saveScan = (scan: ScanProgress) => save({ scan });
  if (position.phase === "carry") {
    if (context.previous !== undefined && position.plan.toScan < position.plan.listed) {
      // The first scans run at the service while the rest is copied: a small change is scanned by the time the
      // copy ends, rather than after it.
      await scanAll({ ...scanPhase, save: saveScan }, position.scan, "submit");
      const all = await planIds(context, "all");
      const scanned = await planIds(context, "scan");
      const carried = new Set([...all].filter((id) => !scanned.has(id)));
      await carryOver(context, carried, position.carry, counts, (carry) => save({ carry }));
    }
    await save({ phase: "scan" });
  }
  if (position.phase === "scan") {
    await scanAll({ ...scanPhase, save: saveScan }, position.scan);
    await save({ phase: "finish" });
  }
  if (position.phase === "finish") {
    await finishDatasources(context, counts);
    const failed = counts.scanFailed ?? 0;
    if (failed > 0 && context.onInvalidItem === "fail") {
      throw new InvalidItemsError(
        failed,
        `${failed} workspace(s) could not be scanned: their scans failed twice (INVENTORY_INVALID_ITEMS=skip keeps the snapshot without them)`,
      );
    }
    await save({ phase: "done" });
  }
  return counts;
}

/** The first step of a run: the plan, checkpointed, so every later invocation reads the same one. */
async function planned(
  context: RunContext<CatalogPosition>,
  powerbi: UpstreamClient,
  settings: CatalogSettings,
  counts: Counts,
): Promise<CatalogPosition> {
  const previous = positionSchema.safeParse(context.previous?.position);
  const basis: CatalogPlan | undefined =
    previous.success && previous.data.phase === "done" ? previous.data.plan : undefined;
  const plan = await makePlan(context, powerbi, settings, basis);
  const position: CatalogPosition = {
    plan,
    phase: "carry",
    carry: { partition: 0 },
    scan: { nextChunk: 0, inFlight: [], again: [], failed: [] },
  };
  await context.checkpoint(position, counts);
  context.checkDeadline();
  return position;
}
