import type { ScanOptions, WorkspaceInfo } from "../../dev/simulator/scannerTypes";
import { hubDatasourceId } from "../../dev/simulator/scannerDatasources";
import { simulatedWorkspace } from "../../dev/simulator/simulatedWorkspace";
import { startStorageProxy } from "../../bench/storageProxy";
import { syncKind } from "../../src/app/inventory";
import { loadAppConfig } from "../../src/kinds/registry";
import { CATALOG_ROW_SETS } from "../../src/kinds/catalog/catalogRows";
import { readRows, rowSetFilter } from "../../src/store/rowReader";
import { CHECKPOINT_COLUMN } from "../../src/sync/kindRuns";
import { tablesOf } from "../support/reliability";
import { ApiClient, errorCode } from "../api/apiClient";
import { startTestEnvironment, type TestEnvironment } from "../support/testEnvironment";

// Forty workspaces cover every quirk the simulated scanner pins to its first indices (the hub data source, reports
// on other workspaces' models, the dataflow chain, Fabric items), over several scans of up to 100... so ten a scan.
const WORKSPACES = 40;
const SCAN: Partial<ScanOptions> = { lineage: true, datasourceDetails: true, getArtifactUsers: true };

let env: TestEnvironment;
let client: ApiClient;

beforeAll(async () => {
  env = await startTestEnvironment({ workspaces: WORKSPACES, users: 50, seed: 17, scanner: { scanDelayMs: 40 } });
  client = new ApiClient(env.config);
});
afterAll(() => env.close());

/** The item types of the scanner's artifact arrays, written here rather than taken from the product. */
const TYPES: Readonly<Record<string, string>> = {
  reports: "Report",
  dashboards: "Dashboard",
  datasets: "SemanticModel",
  dataflows: "Dataflow",
  datamarts: "Datamart",
  Lakehouse: "Lakehouse",
  warehouses: "Warehouse",
  SQLAnalyticsEndpoint: "SQLAnalyticsEndpoint",
  Notebook: "Notebook",
  DataPipeline: "DataPipeline",
  Eventhouse: "Eventhouse",
  KQLDatabase: "KQLDatabase",
  Eventstream: "Eventstream",
  Environment: "Environment",
  Reflex: "Reflex",
  MLModel: "MLModel",
};

/** What the catalog must hold for one scanned workspace: the workspace and each artifact as an item. */
function expectedItems(info: WorkspaceInfo): Record<string, unknown>[] {
  const { type, ...workspace } = info as unknown as Record<string, unknown>;
  const items: Record<string, unknown>[] = [];
  for (const [key, itemType] of Object.entries(TYPES)) {
    delete workspace[key];
    for (const raw of ((info as unknown as Record<string, unknown>)[key] ?? []) as Record<string, unknown>[]) {
      const { type: upstreamType, ...artifact } = raw;
      items.push({
        ...artifact,
        id: raw.id ?? raw.objectId,
        type: itemType,
        workspaceId: info.id,
        ...(upstreamType === undefined ? {} : { upstreamType }),
      });
    }
  }
  return [{ ...workspace, type: "Workspace", upstreamType: type }, ...items];
}

function truth() {
  const ids = env.tenant.scanner.expectedListedIds({
    excludePersonalWorkspaces: true,
    excludeInActiveWorkspaces: true,
  });
  return env.tenant.scanner.expectedResult(ids, SCAN);
}

const LISTED = { excludePersonalWorkspaces: true, excludeInActiveWorkspaces: true };
const DAY = 86_400_000;

/**
 * A row set of a snapshot as stored, by row key: every property but the partition, what the service adds and the
 * checkpoint that wrote the row (which crash clean-up reads, and which differs between any two runs).
 */
async function rowsOf(snapshotId: string, rowSet: string): Promise<Map<string, Record<string, unknown>>> {
  const rows = new Map<string, Record<string, unknown>>();
  const { rows: table } = await tablesOf(env.config);
  for await (const row of readRows(table, rowSetFilter(env.tenant.tenantId, snapshotId, rowSet))) {
    const { partitionKey: _partitionKey, rowKey, etag: _etag, timestamp: _timestamp, ...properties } = row;
    delete properties[CHECKPOINT_COLUMN];
    rows.set(String(rowKey), properties);
  }
  return rows;
}

/** Asserts that a catalog snapshot holds exactly what a scan of the simulated tenant gives now. */
async function expectSnapshotIsTruth(snapshotId: string): Promise<void> {
  const expected = truth();
  const items = expected.workspaces.flatMap(expectedItems);
  // Every item field by field through the export (which leaves users out), and whole, users and all, through the
  // single-item route for every workspace and the first items of each.
  const exported = await client.call("listItems", { params: { snapshotId }, query: { format: "ndjson" } });
  const served = new Map(
    exported.text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .map((item) => [item.id as string, item]),
  );
  expect([...served.keys()].sort()).toEqual(items.map((item) => item.id as string).sort());
  for (const item of items) {
    const { users: _users, ...listed } = item;
    expect(served.get(item.id as string)).toEqual(listed);
  }
  const whole = expected.workspaces.flatMap((info) => expectedItems(info).slice(0, 4));
  for (const item of whole) {
    const answer = await client.call("getItem", { params: { snapshotId, itemId: (item.id as string).toUpperCase() } });
    expect([item.id, answer.status]).toEqual([item.id, 200]);
    expect(answer.body).toEqual(item);
  }

  const edges = env.tenant.scanner.expectedLineageEdges(LISTED);
  const datasources = await client.allPages("listDatasources", { snapshotId });
  const byId = new Map(datasources.items.map((item) => [String(item.datasourceId).toLowerCase(), item]));
  expect(byId.size).toBe(new Set(expected.datasourceInstances!.map((d) => d.datasourceId.toLowerCase())).size);
  for (const datasource of expected.datasourceInstances!) {
    const usedBy = edges.filter((edge) => edge.from === datasource.datasourceId.toLowerCase()).length;
    expect(byId.get(datasource.datasourceId.toLowerCase())).toEqual({ ...datasource, usedBy });
  }

  const key = (edge: { from: string; to: string }) => `${edge.from.toLowerCase()} ${edge.to.toLowerCase()}`;
  // Every node of workspace 6 (one of each item, the dataflow chain, a datamart, Fabric relations) and the hub data
  // source, which feeds models all over the tenant.
  const six = simulatedWorkspace(17, 6).id.toLowerCase();
  const ofSix = new Set(
    expected.workspaces.find((info) => info.id.toLowerCase() === six)!.datasets.map((d) => d.id.toLowerCase()),
  );
  const hub = hubDatasourceId(17).toLowerCase();
  expect(edges.filter((edge) => edge.from === hub).length).toBeGreaterThan(1);
  // Roots the snapshot holds: an edge may also name something it does not (a model in a personal workspace).
  const held = new Set([
    ...items.map((item) => (item.id as string).toLowerCase()),
    ...expected.datasourceInstances!.map((d) => d.datasourceId.toLowerCase()),
  ]);
  const roots = new Set(
    [
      hub,
      ...edges.filter((edge) => ofSix.has(edge.to) || ofSix.has(edge.from)).flatMap((edge) => [edge.from, edge.to]),
    ].filter((id) => held.has(id)),
  );
  expect(roots.size).toBeGreaterThan(5);
  for (const root of roots) {
    for (const direction of ["downstream", "upstream"] as const) {
      const want = env.tenant.scanner.expectedLineage(root, direction, LISTED);
      const answer = await client.call("getLineage", { params: { snapshotId, id: root }, query: { direction } });
      expect([root, direction, answer.status]).toEqual([root, direction, 200]);
      const body = answer.body as { nodes: { id: string }[]; edges: { from: string; to: string }[] };
      expect(body.nodes.map((node) => node.id.toLowerCase()).sort()).toEqual([...want.nodes].sort());
      expect(body.edges.map(key).sort()).toEqual(want.edges.map(key).sort());
    }
  }
}

describe("a catalog sync, in full", () => {
  let snapshotId: string;

  it("scans every listed workspace in ceil(N/100) getInfo and scanResult calls, plus one list call", async () => {
    env.tenant.calls.reset();
    const result = await syncKind("catalog", env.config);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe("succeeded");
    snapshotId = result.snapshotId;
    const expected = truth();
    expect(result.counts).toMatchObject({
      workspaces: expected.workspaces.length,
      scanned: expected.workspaces.length,
      carried: 0,
    });
    const scans = Math.ceil(expected.workspaces.length / 100);
    expect(env.tenant.calls.count("powerbi.modified")).toBe(1);
    expect(env.tenant.calls.count("powerbi.getInfo")).toBe(scans);
    expect(env.tenant.calls.count("powerbi.scanResult")).toBe(scans);
  });

  it("holds exactly the simulator's truth: items field by field, data sources with usedBy, lineage both ways", async () => {
    await expectSnapshotIsTruth(snapshotId);
  });

  it("answers an unknown id with 404 and a users snapshot with 400 WrongSnapshotKind", async () => {
    const unknown = await client.call("getItem", { params: { snapshotId, itemId: "nope" } });
    expect([unknown.status, errorCode(unknown)]).toEqual([404, "ItemNotFound"]);
    const users = await syncKind("users", env.config);
    const wrong = await client.call("getLineage", { params: { snapshotId: users.snapshotId, id: "x" } });
    expect([wrong.status, errorCode(wrong)]).toEqual([400, "WrongSnapshotKind"]);
  });
});

describe("an incremental catalog sync", () => {
  it("scans only what changed or is new, drops what was deleted, and holds what a full scan would", async () => {
    const { items } = CATALOG_ROW_SETS;
    const listed = () => new Set(env.tenant.scanner.expectedListedIds(LISTED).map((id) => id.toLowerCase()));
    const before = listed();
    const indexOf = (id: string) =>
      Array.from({ length: WORKSPACES }, (_, index) => index).find((index) => simulatedWorkspace(17, index).id === id);
    // Two listed workspaces change, one listed workspace goes, and one is added.
    const [changedA, changedB, removed] = [...before].slice(3, 6).map((id) => indexOf(id)!);
    env.tenant.edit({ touchWorkspaces: [changedA!, changedB!], removeWorkspaces: [removed!], addWorkspaces: 1 });
    const after = listed();
    expect(after.size).toBe(before.size);
    env.tenant.calls.reset();
    // Through a proxy that records what storage is asked, so the moment of the scan's getInfo can be placed among
    // the reads: the scan is submitted before the copy of the unchanged workspaces reads the previous snapshot's
    // items, and runs at the service while they are copied.
    const proxy = await startStorageProxy(env.config.storage.connectionString!);
    // The copy reads whole rows; the plan, before it, only the previous workspaces' keys ($select=RowKey).
    const itemReads = () =>
      proxy.requests.filter((request) => request.includes(`|${items}|`) && !request.includes("$select=")).length;
    let itemReadsAtSubmit: number | undefined;
    env.tenant.faults.inject({
      route: "powerbi.getInfo",
      kind: "rewrite",
      rewrite: (body) => ((itemReadsAtSubmit = itemReads()), body),
    });
    const proxied = loadAppConfig({ ...env.settings, INVENTORY_STORAGE: proxy.connectionString });
    const incremental = await syncKind("catalog", proxied).finally(() => proxy.close());
    expect(incremental.error).toBeUndefined();
    expect(incremental.status).toBe("succeeded");
    expect({ atSubmit: itemReadsAtSubmit, atEnd: itemReads() > 0 }).toEqual({ atSubmit: 0, atEnd: true });
    expect(env.tenant.calls.count("powerbi.modified")).toBe(2);
    expect(env.tenant.calls.count("powerbi.getInfo")).toBe(1);
    expect(incremental.counts).toMatchObject({ workspaces: after.size, scanned: 3, carried: after.size - 3 });
    await expectSnapshotIsTruth(incremental.snapshotId);

    // Row for row what a full scan of the changed tenant stores (eight days on, the last full scan is too old).
    const full = await syncKind("catalog", env.config, { now: () => new Date(Date.now() + 8 * DAY) });
    expect(full.counts).toMatchObject({ scanned: after.size, carried: 0 });
    // What the run served from (its plan and what each scan found, on the way to the data sources) differs by design.
    const { datasources, down, up } = CATALOG_ROW_SETS;
    for (const rowSet of [items, datasources, down, up]) {
      const [carried, scanned] = [await rowsOf(incremental.snapshotId, rowSet), await rowsOf(full.snapshotId, rowSet)];
      expect({ rowSet, rows: carried.size }).toEqual({ rowSet, rows: scanned.size });
      for (const [rowKey, row] of scanned)
        expect({ rowSet, rowKey, row: carried.get(rowKey) }).toEqual({ rowSet, rowKey, row });
    }
  });
});
