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

describe("partitions of a users snapshot", () => {
  it("are sized by its rows (users and SKUs), not by counts that describe its users", async () => {
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
    const users = createInventory(config)
      .kinds.find((kind) => kind.name === "users")!
      .sync({ graph: client, powerbi: client });
    expect(users.rowCounts).toEqual(["users", "licenses"]);

    const manifests = new ManifestStore((await getInventoryTables(config.storage)).snapshots, tenantId);
    const started = await startSnapshot(users, manifests, new Date(Date.now() - 60_000), {
      status: "running",
      epoch: 1,
    });
    // 3,005 rows; every count together would be 6,520.
    const counts = {
      users: 3_000,
      licenses: 5,
      guests: 300,
      disabled: 215,
      powerBiPro: 900,
      powerBiNone: 2_100,
      invalid: 0,
    };
    await manifests.update(started, { status: "succeeded", finishedAt: new Date().toISOString(), counts });
    expect(partitionBitsFor(3_005)).not.toBe(partitionBitsFor(6_520));

    const next = await startSnapshot(users, manifests, new Date(), { status: "running", epoch: 2 });
    expect(next.partitionBits).toBe(partitionBitsFor(3_005));
  });
});
