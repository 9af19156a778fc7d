import { InvocationContext, type Timer } from "@azure/functions";
import type { SyncOutcome } from "../../src/app/inventory";
import { timerResume } from "../../src/functions/timerSync";
import { LeaseTakenError } from "../../src/store/lease";

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: "", next: "", lastUpdated: "" },
};

function failedOutcome(kind: string): SyncOutcome {
  const outcome = { snapshotId: `s-${kind}`, kind, status: "failed", counts: {}, durationMs: 1 } as const;
  return { ...outcome, error: `${kind} upstream refused`, upstream: { requests: 1, retries: 0 } };
}

describe("the resume timer", () => {
  it("tries every kind whatever the others did, logs each failure, and fails naming them all", async () => {
    const tried: string[] = [];
    const handler = timerResume(["users", "workspaces", "catalog", "things"], (kind) => {
      tried.push(kind);
      if (kind === "users") return Promise.reject(new Error("storage unreachable"));
      if (kind === "workspaces") return Promise.resolve(undefined);
      if (kind === "things") return Promise.reject(new LeaseTakenError("a sync-things run is in progress"));
      return Promise.resolve(failedOutcome(kind));
    });
    const errors: string[] = [];
    const context = new InvocationContext({
      functionName: "resumeSyncs",
      logHandler: (level, ...args) => void (level === "error" && errors.push(args.map(String).join(" "))),
    });
    const outcome = await handler(timer, context).catch((error: unknown) => error);
    expect(tried).toEqual(["users", "workspaces", "catalog", "things"]);
    expect(errors).toEqual([
      "Resuming users failed: users sync: storage unreachable",
      "Resuming catalog failed: catalog sync failed: catalog upstream refused",
    ]);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toBe(
      "2 resumed sync(s) failed: users sync: storage unreachable; catalog sync failed: catalog upstream refused",
    );
  });

  it("succeeds when every kind had nothing to do or finished", async () => {
    const handler = timerResume(["users", "workspaces"], () => Promise.resolve(undefined));
    await expect(handler(timer, new InvocationContext({ functionName: "resumeSyncs" }))).resolves.toBeUndefined();
  });
});
