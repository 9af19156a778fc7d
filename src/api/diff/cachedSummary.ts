import { createHash } from "node:crypto";
import { DerivedStore } from "../../store/derivedStore";
import type { ApiContext } from "../apiContext";
import { diffSummarySchema, type DiffSummary } from "../schemas";
import { summarize } from "./diffSummary";
import { diffSteps, type DiffSides } from "./snapshotDiff";

/** Bumped when summarize() counts differently, so summaries kept by an older version are recomputed. */
const SUMMARY_VERSION = "1";

/**
 * The diff summary of two succeeded snapshots. Both are immutable, so it is computed once (a pass over both
 * snapshots' rows) and kept beside the newer one; after that it is one point read. The name binds the older
 * snapshot and the kind's diff declaration, so a changed declaration is counted again.
 */
export async function cachedSummary(
  api: Pick<ApiContext, "rows" | "tenantId">,
  sides: DiffSides,
): Promise<DiffSummary> {
  const store = new DerivedStore(api.rows, api.tenantId);
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([SUMMARY_VERSION, sides.declaration]))
    .digest("hex")
    .slice(0, 16);
  const name = `diffSummary|${sides.older.id}|${fingerprint}`;
  const kept = diffSummarySchema.safeParse(await store.get(sides.newer.id, name));
  if (kept.success) return kept.data;
  const summary = await summarize(sides, diffSteps(api.rows, sides));
  await store.put(sides.newer.id, name, summary);
  return summary;
}
