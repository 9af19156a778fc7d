import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startAzurite, type Azurite } from "../../dev/local/azurite";
import { LeaseTakenError } from "../../src/store/lease";
import { syncKind } from "../../src/app/inventory";
import {
  fastUpstream,
  guardUnhandledRejections,
  manifestsOf,
  manifestsOfKind,
  rowCount,
  tablesOf,
  testClock,
} from "../support/reliability";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";
import { SKU_COUNT } from "../support/powerBiRules";

const USERS = 3_000;

let env: TestEnvironment;
let azurite: Azurite | undefined;
let port: number;
const location = mkdtempSync(join(tmpdir(), "tenant-inventory-outage-"));
guardUnhandledRejections();

beforeAll(async () => {
  // A storage of its own, persisted to disk, so it can be stopped mid-run and come back with what it held.
  port = await freePort();
  azurite = await startAzurite({ port, location });
  env = await startTestEnvironment({ users: USERS }, { INVENTORY_STORAGE: azurite.connectionString });
});
afterAll(async () => {
  await env.close();
  await azurite?.stop();
  rmSync(location, { recursive: true, force: true });
});

describe("storage stopped in the middle of a run", () => {
  it("fails the run cleanly, and after storage is back the next run marks the orphan failed and removes its rows", async () => {
    const tables = await tablesOf(env.config);
    const manifests = manifestsOf(env.config, tables);
    const previous = await syncKind("users", env.config);
    expect(previous.status).toBe("succeeded");

    let stopping: Promise<void> | undefined;
    const logs: string[] = [];
    const outcome = await syncKind("users", env.config, {
      ...fastUpstream(),
      log: (line) => logs.push(line),
      onProgress: () => void (stopping ??= azurite!.stop()),
    }).catch((error: unknown) => error);
    await stopping;
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(
      /^snapshot \S+-users-\w+ failed \(.+\) and the failure could not be recorded \(.+\); the next run marks it abandoned$/,
    );
    expect(logs.join("\n")).toMatch(/Could not release the sync-users lease; it expires by itself/);

    azurite = await startAzurite({ port, location });
    const orphan = (await manifestsOfKind(manifests, "users")).find((record) => record.status === "running");
    expect(orphan).toBeDefined();
    expect((outcome as Error).message).toContain(orphan!.id);
    // The failed run could not release its lease either; it expires, and then the next run cleans up.
    await expect(syncKind("users", env.config)).rejects.toBeInstanceOf(LeaseTakenError);
    const next = await syncKind("users", env.config, { now: testClock(Date.now() + 11 * 60_000).now });
    expect(next).toMatchObject({ status: "succeeded", counts: { users: USERS } });
    expect(await manifests.get(orphan!.id)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^abandoned/) as unknown,
    });
    expect(await rowCount(tables, env.tenant.tenantId, orphan!.id)).toBe(0);
    expect(await rowCount(tables, env.tenant.tenantId, previous.snapshotId)).toBe(USERS + SKU_COUNT);
  }, 120_000);
});
