import { randomUUID } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createInventory } from "../../src/app/inventory";
import { loadAppConfig } from "../../src/kinds/registry";
import { ManifestStore } from "../../src/store/manifestStore";
import { partitionBitsFor } from "../../src/store/rowKeys";
import { getInventoryTables } from "../../src/store/tables";
import { startSnapshot } from "../../src/sync/kindRuns";
import { createUpstreamClient } from "../../src/upstream/upstreamClient";

// Never asked for a token: the test only reads what the users kind declares.
const unused: TokenCredential = { getToken: (): Promise<AccessToken | null> => Promise.resolve(null) };

/**
 * Counts of a snapshot of each kind, and the rows of its largest row set, which size the next one's partitions: the
 * other counts describe items, or count rows of smaller row sets (a catalog's lineage edges, one row each way).
 */
const CASES: { kind: string; counts: Record<string, number>; rows: number }[] = [
  {
    kind: "users",
    counts: { users: 3_000, licenses: 5, guests: 300, disabled: 215, powerBiPro: 900, powerBiNone: 2_100, invalid: 0 },
    rows: 3_005,
  },
  {
    kind: "workspaces",
    counts: {
      workspaces: 1_000,
      dedicated: 2_000,
      personal: 300,
      orphaned: 90,
      users: 2_500,
      reports: 800,
      invalid: 0,
    },
    rows: 4_300,
  },
  {
    kind: "catalog",
    counts: { workspaces: 500, scanned: 500, carried: 0, items: 3_000, Report: 2_000, SemanticModel: 1_000 },
    rows: 3_500,
  },
  {
    kind: "catalog",
    counts: { workspaces: 500, items: 3_000, datasources: 40, edges: 3_300, unendorsedModels: 700, invalid: 0 },
    rows: 3_500,
  },
];

describe("partitions of a snapshot", () => {
  it.each(CASES)("of $kind are sized by its rows ($rows), not by counts that describe its items", async (example) => {
    const storage = process.env.TEST_STORAGE_CONNECTION_STRING;
    if (storage === undefined) throw new Error("run the tests with `npm test`");
    const tenantId = randomUUID();
    const config = loadAppConfig({
      INVENTORY_TENANT_ID: tenantId,
      INVENTORY_CLIENT_ID: randomUUID(),
      INVENTORY_STORAGE: storage,
      KEY_VAULT_URL: "https://127.0.0.1:1",
    });
    const client = createUpstreamClient({
      service: "graph",
      baseUrl: "https://127.0.0.1:1",
      scope: "x",
      credential: unused,
    });
    const sync = createInventory(config)
      .kinds.find((kind) => kind.name === example.kind)!
      .sync({ graph: client, powerbi: client });
    expect(sync.rowsOf(example.counts)).toBe(example.rows);

    const manifests = new ManifestStore((await getInventoryTables(config.storage)).snapshots, tenantId);
    const started = await startSnapshot(sync, manifests, new Date(Date.now() - 60_000), {
      status: "running",
      epoch: 1,
    });
    const counts = { ...started.counts, ...example.counts };
    await manifests.update(started, { status: "succeeded", finishedAt: new Date().toISOString(), counts });
    const everyCount = Object.values(example.counts).reduce((sum, count) => sum + count, 0);
    expect(partitionBitsFor(example.rows)).not.toBe(partitionBitsFor(everyCount));

    const next = await startSnapshot(sync, manifests, new Date(), { status: "running", epoch: 2 });
    expect(next.partitionBits).toBe(partitionBitsFor(example.rows));
  });
});
