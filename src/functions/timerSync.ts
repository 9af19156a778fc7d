import type { InvocationContext, Timer } from "@azure/functions";
import type { RunHooks, SyncOutcome } from "../app/inventory";
import { safeMessage } from "../common/safeMessage";
import { LeaseTakenError } from "../store/lease";

type Run = (hooks: RunHooks) => Promise<SyncOutcome | undefined>;

/**
 * A timer handler that runs one sync (or continues one). A failed sync fails the invocation, so it shows in
 * monitoring; a run of the same kind already in progress is not a failure.
 */
export function timerSync(kind: string, run: Run) {
  return async (_timer: Timer, context: InvocationContext): Promise<void> => {
    let result: SyncOutcome | undefined;
    try {
      result = await run({ log: (message) => context.log(message) });
    } catch (error) {
      if (error instanceof LeaseTakenError) {
        context.log(`${kind} sync skipped: ${error.message}`);
        return;
      }
      throw new Error(`${kind} sync: ${safeMessage(error)}`, { cause: error });
    }
    if (result === undefined) return;
    context.log(JSON.stringify(result));
    if (result.status === "failed") throw new Error(`${kind} sync failed: ${result.error ?? "unknown error"}`);
  };
}

/**
 * The frequent timer: for every kind, starts a queued run or continues a paused one. Every kind is tried whatever
 * the others did; each failure is logged, and the invocation fails naming them all.
 */
export function timerResume(
  kinds: readonly string[],
  resume: (kind: string, hooks: RunHooks) => Promise<SyncOutcome | undefined>,
) {
  const perKind = kinds.map((kind) => [kind, timerSync(kind, (hooks) => resume(kind, hooks))] as const);
  return async (timer: Timer, context: InvocationContext): Promise<void> => {
    const failures: string[] = [];
    for (const [kind, handler] of perKind) {
      try {
        await handler(timer, context);
      } catch (error) {
        const message = safeMessage(error);
        context.error(`Resuming ${kind} failed: ${message}`);
        failures.push(message);
      }
    }
    if (failures.length > 0) throw new Error(`${failures.length} resumed sync(s) failed: ${failures.join("; ")}`);
  };
}
