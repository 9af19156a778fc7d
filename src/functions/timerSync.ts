import type { InvocationContext, Timer } from "@azure/functions";
import type { Config } from "../config/config";
import { LeaseTakenError } from "../store/lease";
import { SNAPSHOT_KINDS, type SnapshotKind } from "../store/snapshot";
import { safeMessage } from "../sync/safeMessage";
import { resumePausedSync, syncKind, type SyncOutcome } from "../sync/syncService";

type Run = (
  kind: SnapshotKind,
  config: Config,
  hooks: { log: (message: string) => void },
) => Promise<SyncOutcome | undefined>;

/**
 * A timer handler that runs one sync (or, with `resumePausedSync`, continues a paused one). A failed sync fails the
 * invocation, so it shows in monitoring; a run of the same kind already in progress is not a failure.
 */
export function timerSync(kind: SnapshotKind, config: Config, run: Run = syncKind) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    let result: SyncOutcome | undefined;
    try {
      result = await run(kind, config, { log: (message) => context.log(message) });
    } catch (error) {
      if (error instanceof LeaseTakenError) {
        context.log(`${kind} sync skipped: ${error.message}`);
        return;
      }
      throw new Error(safeMessage(error), { cause: error });
    }
    if (result === undefined) return;
    context.log(JSON.stringify(result));
    if (result.status === "failed") throw new Error(`${kind} sync failed: ${result.error ?? "unknown error"}`);
  };
}

/** The frequent timer: for every kind, continues a paused run or starts a requested one. */
export function timerResume(config: Config) {
  const perKind = SNAPSHOT_KINDS.map((kind) => timerSync(kind, config, resumePausedSync));
  return async (timer: Timer, context: InvocationContext): Promise<void> => {
    const failures: unknown[] = [];
    for (const resume of perKind) await resume(timer, context).catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  };
}
