import { ManifestStore } from "../store/manifestStore";
import { safeMessage } from "../common/safeMessage";
import type { KindSync, SyncOptions, SyncResult } from "./contract";
import { applyRetention } from "./retention";
import { runSync } from "./runSync";

/**
 * One invocation of a kind's sync (runSync), then, when it succeeded, the kind's retention: what every timer,
 * `npm run sync` and the resume timer run.
 */
export async function syncSnapshot<P>(
  source: KindSync<P>,
  options: SyncOptions & { retentionDays: number },
): Promise<SyncResult | undefined> {
  const result = await runSync(source, options);
  if (result?.status !== "succeeded") return result;
  const log = options.log ?? (() => undefined);
  const manifests = new ManifestStore(options.tables.snapshots, options.tenantId);
  try {
    await applyRetention(
      manifests,
      options.tables.rows,
      options.tenantId,
      source.kind,
      options.retentionDays,
      options.now?.(),
      log,
    );
  } catch (error) {
    // Housekeeping: the snapshot stands, and the next successful run of the kind tries again.
    log(`Retention of ${source.kind} snapshots failed: ${safeMessage(error)}`);
  }
  return result;
}
