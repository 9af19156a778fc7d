import { loadAppConfig } from "../../src/kinds/registry";
import { safeMessage } from "../../src/common/safeMessage";
import { syncKind, type SyncOutcome } from "../../src/app/inventory";

/** What the soak test asks of this long-lived host process, one message at a time. */
export type SoakRequest = { type: "sync"; kind: string; nowMs: number } | { type: "measure" };

export type SoakReply =
  | { type: "sync"; outcome?: SyncOutcome; error?: string }
  | { type: "measure"; retained: number }
  | { type: "unhandled"; reason: string };

/**
 * A long-lived process that runs syncs the way the Functions host does (same code, same caches) on the test's clock,
 * and reports the memory it retains once settled. Started by test/reliability/soak.test.ts with --expose-gc.
 */
const config = loadAppConfig(process.env);
const send = (reply: SoakReply) => process.send?.(reply);
const gc = (globalThis as { gc?: () => void }).gc;

process.on("unhandledRejection", (reason) => send({ type: "unhandled", reason: String(reason) }));
process.on("disconnect", () => process.exit(0));
process.on("message", (request: SoakRequest) => void handle(request));

async function handle(request: SoakRequest): Promise<void> {
  if (request.type === "measure") {
    // Several collections with turns of the event loop between them, so finalizers and freed pages settle.
    for (let round = 0; round < 4; round++) {
      gc?.();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // What JavaScript still holds after collection. Not RSS: the allocator keeps freed pages, so RSS drifts up under
    // load (10 % over 50 runs on a busy CI machine) while the heap stays flat.
    const { heapUsed, external } = process.memoryUsage();
    send({ type: "measure", retained: heapUsed + external });
    return;
  }
  try {
    const outcome = await syncKind(request.kind, config, {
      now: () => new Date(request.nowMs),
      upstream: { timeoutMs: 1_500, retry: { sleep: () => Promise.resolve() } },
    });
    send({ type: "sync", outcome });
  } catch (error) {
    send({ type: "sync", error: safeMessage(error) });
  }
}
