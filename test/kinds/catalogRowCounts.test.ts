import { randomUUID } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createInventory } from "../../src/app/inventory";
import { loadAppConfig } from "../../src/kinds/registry";
import { ManifestStore } from "../../src/store/manifestStore";
import { partitionBitsFor } from "../../src/store/rowKeys";
import { getInventoryTables } from "../../src/store/tables";
import { startSnapshot } from "../../src/sync/kindRuns";
import { createUpstreamClient } from "../../src/upstream/upstreamClient";

// Never asked for a token: the test only reads what the catalog kind declares.
const unused: TokenCredential = { getToken: (): Promise<AccessToken | null> => Promise.resolve(null) };

describe("partitions of a catalog snapshot", () => {
  it("are sized by its items row set (workspaces and items), not by every count together", async () => {
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
      service: "powerbi",
      baseUrl: "https://127.0.0.1:1",
      scope: "x",
      credential: unused,
    });
    const catalog = createInventory(config)
      .kinds.find((kind) => kind.name === "catalog")!
      .sync({ graph: client, powerbi: client });
    expect(catalog.rowCounts).toEqual(["workspaces", "items"]);

    const manifests = new ManifestStore((await getInventoryTables(config.storage)).snapshots, tenantId);
    const started = await startSnapshot(catalog, manifests, new Date(Date.now() - 60_000), {
      status: "running",
      epoch: 1,
    });
    // The counts of a 20,000-workspace scan: 150,000 rows in the items set (and as many in each lineage set); every
    // count together, each item counted again by type and by what it lacks, would be 528,000.
    const counts = {
      workspaces: 20_000,
      scanned: 20_000,
      carried: 0,
      items: 130_000,
      SemanticModel: 30_000,
      Report: 60_000,
      Dashboard: 12_000,
      Dataflow: 11_000,
      Datamart: 500,
      Lakehouse: 16_500,
      datasources: 32_000,
      edges: 150_000,
      unendorsedModels: 25_000,
      unlabelledModels: 21_000,
      scanFailed: 0,
      unreturned: 0,
      invalid: 0,
    };
    await manifests.update(started, { status: "succeeded", finishedAt: new Date().toISOString(), counts });
    expect(partitionBitsFor(150_000)).not.toBe(partitionBitsFor(528_000));

    const next = await startSnapshot(catalog, manifests, new Date(), { status: "running", epoch: 2 });
    expect(next.partitionBits).toBe(partitionBitsFor(150_000));
  });
});
