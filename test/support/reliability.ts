import { odata } from "@azure/data-tables";
import type { Config } from "../../src/config/config";
import { ManifestStore, type SnapshotRecord } from "../../src/store/manifestStore";
import { readRows, snapshotFilter } from "../../src/store/rowReader";
import { getInventoryTables, type InventoryTables } from "../../src/store/tables";
import { simulatedUser } from "../../dev/simulator/simulatedUser";
import type { SyncHooks } from "../../src/app/inventory";
import { storedUser } from "./powerBiRules";
import { readAllItems, type RouteCaller } from "./routes";

export const USERS_ROUTE = "snapshots/{snapshotId}/users";
export const WORKSPACES_ROUTE = "snapshots/{snapshotId}/workspaces";
export const WORKSPACE_ROUTE = "snapshots/{snapshotId}/workspaces/{workspaceId}";
export const SNAPSHOT_ROUTE = "snapshots/{snapshotId}";

/**
 * Upstream timing for tests, on fake time: a retry records the delay it was asked to wait and goes on at once, and
 * each attempt times out after `timeoutMs`, so a held response costs that, not a minute.
 */
export function fastUpstream(timeoutMs = 1_500): { upstream: NonNullable<SyncHooks["upstream"]>; sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    upstream: { timeoutMs, retry: { sleep: (ms) => Promise.resolve(void sleeps.push(ms)) } },
  };
}

/** A clock the test moves; `now` is what SyncHooks take. */
export function testClock(start = Date.now()) {
  let time = start;
  return {
    now: () => new Date(time),
    advance: (ms: number) => void (time += ms),
  };
}

/**
 * Collects unhandled promise rejections for a whole test file and fails it if there were any: the product must never
 * leave one behind, whatever fault a test injects.
 */
export function guardUnhandledRejections(): void {
  const seen: unknown[] = [];
  const collect = (reason: unknown) => void seen.push(reason);
  beforeAll(() => void process.on("unhandledRejection", collect));
  afterAll(() => {
    process.off("unhandledRejection", collect);
    expect(seen.map(String)).toEqual([]);
  });
}

export async function tablesOf(config: Config): Promise<InventoryTables> {
  return getInventoryTables(config.storage);
}

export function manifestsOf(config: Config, tables: InventoryTables): ManifestStore {
  return new ManifestStore(tables.snapshots, config.tenant!.tenantId);
}

/** How many rows a snapshot has in storage, whatever their row set. */
export async function rowCount(tables: InventoryTables, tenantId: string, snapshotId: string): Promise<number> {
  const queryOptions = { filter: snapshotFilter(tenantId, snapshotId), select: ["RowKey"] };
  let count = 0;
  for await (const page of tables.rows.listEntities({ queryOptions }).byPage({ maxPageSize: 1000 }))
    count += page.length;
  return count;
}

/** Every manifest of a kind, newest first. */
export async function manifestsOfKind(store: ManifestStore, kind: string): Promise<SnapshotRecord[]> {
  const records: SnapshotRecord[] = [];
  for await (const record of store.list({ kind })) records.push(record);
  return records;
}

/** Every entity of both tables that belongs to the tenant: manifests, leases and rows. */
export async function tenantEntities(tables: InventoryTables, tenantId: string): Promise<Record<string, unknown>[]> {
  const entities: Record<string, unknown>[] = [];
  const manifests = odata`PartitionKey eq ${tenantId} or PartitionKey eq ${`${tenantId}|leases`}`;
  for await (const entity of readRows(tables.snapshots, manifests)) entities.push(entity);
  for await (const row of readRows(
    tables.rows,
    odata`PartitionKey ge ${`${tenantId}|`} and PartitionKey lt ${`${tenantId}}`}`,
  ))
    entities.push(row);
  return entities;
}

/** The users a snapshot must hold: the simulator's, projected on the configured `$select`, with powerBiLicense. */
export function expectedUsers(config: Config, seed: number, count: number): Map<string, Record<string, unknown>> {
  const users = new Map<string, Record<string, unknown>>();
  for (let index = 0; index < count; index++) {
    const user = simulatedUser(seed, index);
    users.set(user.id, storedUser(config, user));
  }
  return users;
}

/** Asserts that a users snapshot serves exactly `expected`, field by field, nothing more or less. */
export async function expectUsersServed(
  call: RouteCaller,
  snapshotId: string,
  expected: Map<string, Record<string, unknown>>,
): Promise<void> {
  const served = await readAllItems(call, USERS_ROUTE, { snapshotId });
  const byId = new Map(served.map((user) => [user.id as string, user]));
  expect(byId.size).toBe(served.length);
  expect([...byId.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [id, user] of expected) expect(byId.get(id)).toEqual(user);
}
