import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inventoryFor, syncKind, type SyncOutcome } from "../../src/app/inventory";
import { loadAppConfig } from "../../src/kinds/registry";
import { guardUnhandledRejections } from "../support/reliability";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

// Enough workspaces for three scans of up to 100: a pause can fall between them, and scans can run side by side.
const WORKSPACES = 420;
const SEED = 29;
const LISTED = { excludePersonalWorkspaces: true, excludeInActiveWorkspaces: true };
const HOUR = 3_600_000;

guardUnhandledRejections();

/** A clock that runs with real time (the simulated scans need it to move) and that tests can also move ahead. */
function movingClock() {
  let offset = 0;
  return {
    ms: () => Date.now() + offset,
    now: () => new Date(Date.now() + offset),
    advance: (ms: number) => void (offset += ms),
  };
}

async function withTenant<T>(
  options: { scanner?: Record<string, unknown>; settings?: Record<string, string> },
  work: (env: TestEnvironment, clock: ReturnType<typeof movingClock>) => Promise<T>,
): Promise<T> {
  const clock = movingClock();
  const env = await startTestEnvironment(
    { workspaces: WORKSPACES, users: 20, seed: SEED, scanner: { scanDelayMs: 40, now: clock.ms, ...options.scanner } },
    options.settings,
  );
  try {
    return await work(env, clock);
  } finally {
    await env.close();
  }
}

/** The workspaces a complete catalog snapshot of the tenant holds now. */
function listedCount(env: TestEnvironment): number {
  return env.tenant.scanner.expectedListedIds(LISTED).length;
}

function expectComplete(env: TestEnvironment, outcome: SyncOutcome): void {
  expect(outcome.error).toBeUndefined();
  const workspaces = listedCount(env);
  const items = env.tenant.scanner
    .expectedResult(env.tenant.scanner.expectedListedIds(LISTED), {})
    .workspaces.reduce((sum, info) => {
      const record = info as unknown as Record<string, unknown>;
      return (
        sum +
        Object.values(record)
          .filter(Array.isArray)
          .reduce((n, list) => n + (list as unknown[]).length, 0)
      );
    }, 0);
  expect(outcome).toMatchObject({ status: "succeeded", counts: { workspaces, scanned: workspaces, items } });
}

describe("catalog runs against the scanner's limits", () => {
  it("spread over invocations by the hourly getInfo budget: each pause comes once the scans in flight are collected, no call repeated", async () => {
    await withTenant({ scanner: { limits: { getInfo: 1 } } }, async (env, clock) => {
      const chunks = Math.ceil(listedCount(env) / 100);
      expect(chunks).toBe(3);
      const first = await syncKind("catalog", env.config, { now: clock.now });
      expect(first.status).toBe("paused");
      expect(Date.parse(first.resumeAfter!)).toBeGreaterThan(clock.ms());
      expect(env.tenant.calls.count("powerbi.scanResult", 200)).toBe(1);
      // Before Retry-After has passed, neither a run nor `npm run sync -- catalog` calls Power BI.
      env.tenant.calls.reset();
      expect(await inventoryFor(env.config).resume("catalog", { now: clock.now })).toMatchObject({ status: "paused" });
      const command = await syncCommand(env, "catalog");
      expect(command.code).toBe(3);
      expect(JSON.parse(command.stdout.trim().split("\n").at(-1)!)).toMatchObject({
        snapshotId: first.snapshotId,
        status: "paused",
      });
      expect(env.tenant.calls.count("powerbi.getInfo") + env.tenant.calls.count("powerbi.scanResult")).toBe(0);
      env.tenant.calls.reset();
      let outcome = first;
      for (let invocation = 0; invocation < 5 && outcome.status === "paused"; invocation++) {
        clock.advance(HOUR);
        outcome = (await inventoryFor(env.config).resume("catalog", { now: clock.now }))!;
        expect(outcome.snapshotId).toBe(first.snapshotId);
      }
      expectComplete(env, outcome);
      // Two more getInfo calls after the first; each scan's result read once.
      expect(env.tenant.calls.count("powerbi.getInfo", 202)).toBe(chunks - 1);
      expect(env.tenant.calls.count("powerbi.scanResult", 200)).toBe(chunks - 1);
    });
  });

  it("whose scanResult budget runs out with results waiting: keeps those scans for a later invocation, and ends exact", async () => {
    await withTenant({ scanner: { limits: { scanResult: 1 } } }, async (env, clock) => {
      let outcome = await syncKind("catalog", env.config, { now: clock.now });
      expect(outcome.status).toBe("paused");
      for (let invocation = 0; invocation < 5 && outcome.status === "paused"; invocation++) {
        clock.advance(HOUR);
        outcome = (await inventoryFor(env.config).resume("catalog", { now: clock.now }))!;
      }
      expectComplete(env, outcome);
      // One scan a chunk, each result read once; only the throttled reads were refused.
      const chunks = Math.ceil(listedCount(env) / 100);
      expect(env.tenant.calls.count("powerbi.getInfo", 202)).toBe(chunks);
      expect(env.tenant.calls.count("powerbi.scanResult", 200)).toBe(chunks);
    });
  });

  it("at the getInfo budget: collects the scans in flight before it pauses, so the next hour's budget is all for new ones", async () => {
    await withTenant({ scanner: { limits: { getInfo: 2, scanResult: 2 } } }, async (env, clock) => {
      expect(Math.ceil(listedCount(env) / 100)).toBe(3);
      const first = await syncKind("catalog", env.config, { now: clock.now });
      expect(first.status).toBe("paused");
      // Both scans the first hour allowed were collected in it, within its scanResult budget.
      expect(env.tenant.calls.count("powerbi.scanResult", 200)).toBe(2);
      clock.advance(HOUR);
      const second = (await inventoryFor(env.config).resume("catalog", { now: clock.now }))!;
      expect(second.snapshotId).toBe(first.snapshotId);
      expectComplete(env, second);
      expect(env.tenant.calls.count("powerbi.scanResult", 429)).toBe(0);
      expect(env.tenant.calls.count("powerbi.getInfo", 429)).toBe(1);
    });
  });

  it("whose submitted scans expire during a pause: submits those again, and ends exact", async () => {
    // A spent scanResult budget pauses the run with scans still in flight.
    await withTenant({ scanner: { limits: { scanResult: 1 } } }, async (env, clock) => {
      const first = await syncKind("catalog", env.config, { now: clock.now });
      expect(first.status).toBe("paused");
      env.tenant.scanner.expireResults();
      env.tenant.calls.reset();
      clock.advance(HOUR);
      let outcome = (await inventoryFor(env.config).resume("catalog", { now: clock.now }))!;
      for (let invocation = 0; invocation < 5 && outcome.status === "paused"; invocation++) {
        clock.advance(HOUR);
        outcome = (await inventoryFor(env.config).resume("catalog", { now: clock.now }))!;
      }
      expectComplete(env, outcome);
      expect(
        env.tenant.calls.count("powerbi.scanStatus", 404) + env.tenant.calls.count("powerbi.scanResult", 404),
      ).toBeGreaterThan(0);
    });
  });

  it("with one scan allowed at a time: lowers the scans in flight on the 429 without Retry-After, and ends exact", async () => {
    // Scans of a quarter second: the next chunk's getInfo comes while one runs, even on a loaded machine.
    await withTenant({ scanner: { maxConcurrentScans: 1, scanDelayMs: 250 } }, async (env, clock) => {
      const outcome = await syncKind("catalog", env.config, { now: clock.now });
      expectComplete(env, outcome);
      expect(env.tenant.calls.count("powerbi.getInfo", 429)).toBeGreaterThan(0);
    });
  });

  it("whose getInfo answer is lost after the scan began: counts that scan against the limit, submits once more", async () => {
    await withTenant({ scanner: { maxConcurrentScans: 2 } }, async (env, clock) => {
      // The service starts the scan, then the answer breaks off: the client cannot know the scan exists.
      env.tenant.faults.inject({ route: "powerbi.getInfo", kind: "truncated" });
      const outcome = await syncKind("catalog", env.config, { now: clock.now });
      expectComplete(env, outcome);
      expect(env.tenant.calls.count("powerbi.getInfo", 202)).toBe(4);
      // Never more scans at once than the service allows, the lost one included: no 429 was needed beyond one.
      expect(env.tenant.calls.count("powerbi.getInfo", 429)).toBeLessThanOrEqual(1);
    });
  });

  it("whose scan fails once: submits it again and ends exact", async () => {
    await withTenant({}, async (env, clock) => {
      env.tenant.scanner.failNext(1);
      const outcome = await syncKind("catalog", env.config, { now: clock.now });
      expectComplete(env, outcome);
      expect(env.tenant.calls.count("powerbi.getInfo", 202)).toBe(4);
    });
  });

  it("whose scan fails twice: fails the snapshot with the reason, or with skip counts the workspaces left out", async () => {
    await withTenant({}, async (env, clock) => {
      // Three scans go out at once and fail; of the three submitted again, the first fails too.
      env.tenant.scanner.failNext(4);
      const failed = await syncKind("catalog", env.config, { now: clock.now });
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatch(/workspace\(s\) could not be scanned: their scans failed twice/);
      expect(failed.counts.invalid).toBe(failed.counts.scanFailed);
      expect(failed.counts.scanFailed).toBeGreaterThan(0);
      const skip = loadAppConfig({ ...env.settings, INVENTORY_INVALID_ITEMS: "skip" });
      env.tenant.scanner.failNext(4);
      const skipped = await syncKind("catalog", skip, { now: clock.now });
      expect(skipped.status).toBe("succeeded");
      expect(skipped.counts.workspaces! + skipped.counts.scanFailed!).toBe(listedCount(env));
    });
  });
});

/** `npm run sync -- <kind>` as its own process, with the test tenant's settings. */
function syncCommand(env: TestEnvironment, kind: string): Promise<{ code: number | null; stdout: string }> {
  const script = join(__dirname, "..", "..", "dist", "dev", "local", "syncCommand.js");
  const child = spawn(process.execPath, [script, kind], {
    cwd: tmpdir(),
    env: { ...process.env, ...env.settings },
    stdio: ["ignore", "pipe", "ignore"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout })));
}
