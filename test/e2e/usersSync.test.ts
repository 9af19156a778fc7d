import { odata, TableClient } from "@azure/data-tables";
import { simulatedUser } from "../../dev/simulator/simulatedUser";
import { syncKind } from "../../src/app/inventory";
import { storedUser } from "../support/powerBiRules";
import { apiCaller, type ApiCall } from "../support/apiCalls";
import { TEST_TABLE_OPTIONS } from "../support/freshTable";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

const USERS = 2_345;

let env: TestEnvironment;
let call: ApiCall;

beforeAll(async () => {
  env = await startTestEnvironment({ users: USERS, seed: 7 });
  call = apiCaller(env.config);
});
afterAll(() => env.close());

describe("users sync end to end", () => {
  let snapshotId: string;

  it("syncs every simulated user through Key Vault, the token endpoint and Graph", async () => {
    const result = await syncKind("users", env.config);
    expect(result).toMatchObject({ kind: "users", status: "succeeded", counts: { users: USERS, invalid: 0 } });
    snapshotId = result.snapshotId;
    expect(env.tenant.calls.count("graph.users")).toBe(Math.ceil(USERS / 999));
    expect(env.tenant.calls.count("graph.subscribedSkus")).toBe(1);
    // In the tables INVENTORY_TABLE_PREFIX names, and only there.
    const prefix = env.settings.INVENTORY_TABLE_PREFIX!;
    const rows = (table: string) =>
      TableClient.fromConnectionString(env.config.storage.connectionString!, table, TEST_TABLE_OPTIONS)
        .listEntities({ queryOptions: { filter: odata`PartitionKey ge ${env.tenant.tenantId}`, select: ["RowKey"] } })
        .byPage({ maxPageSize: 1 })
        .next();
    expect((await rows(`${prefix}InventoryRows`)).value).toHaveLength(1);
    expect((await rows(`${prefix}InventorySnapshots`)).value).toHaveLength(1);
    const unprefixed = await rows("InventoryRows").catch((error: { statusCode?: number }) => {
      if (error.statusCode === 404) return { value: [] };
      throw error;
    });
    expect(unprefixed.value ?? []).toHaveLength(0);
  });

  it("serves exactly the simulator's users, field by field, across pages", async () => {
    const served = new Map<string, unknown>();
    let token: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await call(
        "listUsers",
        { snapshotId: "latest" },
        { top: "1000", ...(token === undefined ? {} : { continuationToken: token }) },
      );
      expect(status).toBe(200);
      expect(body.snapshotId).toBe(snapshotId);
      for (const user of body.items as { id: string }[]) {
        expect(served.has(user.id)).toBe(false);
        served.set(user.id, user);
      }
      token = (body.continuationToken as string | null) ?? undefined;
      pages++;
    } while (token !== undefined);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(served.size).toBe(USERS);
    for (let index = 0; index < USERS; index++) {
      const user = simulatedUser(7, index);
      expect(served.get(user.id)).toEqual(storedUser(env.config, user));
    }
  });

  it("lists and gets the snapshot manifest", async () => {
    const list = await call("listSnapshots", {}, { kind: "users" });
    expect((list.body.items as { id: string }[])[0]).toMatchObject({
      id: snapshotId,
      kind: "users",
      status: "succeeded",
      counts: { users: USERS },
    });
    const one = await call("getSnapshot", { snapshotId });
    expect(one.body).toMatchObject({ id: snapshotId, status: "succeeded" });
    expect(one.body.finishedAt).toEqual(expect.any(String));
    expect(one.body).not.toHaveProperty("position");
    expect(one.body).not.toHaveProperty("partitionBits");
  });

  it.each([
    [{ snapshotId: "latest" }, { top: "0" }, 400, "InvalidParameter"],
    [{ snapshotId: "latest" }, { top: "1001" }, 400, "InvalidParameter"],
    [{ snapshotId: "latest" }, { top: "ten" }, 400, "InvalidParameter"],
    [{ snapshotId: "latest" }, { filter: "x" }, 400, "UnknownParameter"],
    [{ snapshotId: "latest" }, { continuationToken: "forged.token" }, 400, "InvalidContinuationToken"],
    [{ snapshotId: "../../etc" }, {}, 400, "InvalidSnapshotId"],
    [{ snapshotId: "20991231T000000000Z-users-000000" }, {}, 404, "SnapshotNotFound"],
  ])("answers %j %j with %i %s", async (params, query, status, code) => {
    const response = await call("listUsers", params, query);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: { code, message: (response.body.error as { message: string }).message } });
    expect((response.body.error as { message: string }).message.length).toBeGreaterThan(10);
  });
});
