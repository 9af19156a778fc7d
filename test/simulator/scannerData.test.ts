import type { AdminGroup } from "../../dev/simulator/powerBiTypes";
import { hubDatasourceId, usesHub } from "../../dev/simulator/scannerDatasources";
import { lineageClosure, workspaceLineageEdges } from "../../dev/simulator/scannerLineage";
import { workspacePlan } from "../../dev/simulator/scannerPlan";
import {
  FABRIC_ITEM_KEYS,
  FULL_SCAN,
  type FabricItemKey,
  type ScanDataset,
  type WorkspaceInfo,
  type WorkspaceInfoResponse,
} from "../../dev/simulator/scannerTypes";
import { scannerWorkspaceInfo } from "../../dev/simulator/scannerWorkspace";
import type { SimulatedTenant } from "../../dev/simulator/simulatedTenant";
import { workspaceSummary } from "../../dev/simulator/simulatedWorkspace";
import { scanAll } from "./scannerClient";
import { getJson, POWER_BI, startTenant, tokenFor } from "./simulatorClient";

const SEED = 3;
const WORKSPACES = 60;
let tenant: SimulatedTenant;
let token: string;
const allIds = Array.from({ length: WORKSPACES }, (_, i) => workspaceSummary(SEED, i).id);

beforeAll(async () => {
  tenant = await startTenant({ seed: SEED, workspaces: WORKSPACES, scanner: { scanDelayMs: 0 } });
  token = await tokenFor(tenant, POWER_BI);
});
afterAll(() => tenant.close());

const datasetsOf = (result: WorkspaceInfoResponse): ScanDataset[] => result.workspaces.flatMap((w) => w.datasets);
const workspace = (result: WorkspaceInfoResponse, index: number): WorkspaceInfo => {
  const found = result.workspaces.find((w) => w.id === workspaceSummary(SEED, index).id);
  if (found === undefined) throw new Error(`workspace ${index} is not in the result`);
  return found;
};

describe("scan flags shape the result", () => {
  it("sends tables, roles and schemaRetrievalError only with datasetSchema, DAX and M only with datasetExpressions", async () => {
    const bare = datasetsOf(await scanAll(tenant, token, allIds, {}));
    const schema = datasetsOf(await scanAll(tenant, token, allIds, { datasetSchema: true }));
    const expressions = datasetsOf(await scanAll(tenant, token, allIds, { datasetExpressions: true }));
    const both = datasetsOf(await scanAll(tenant, token, allIds, { datasetSchema: true, datasetExpressions: true }));
    const has = (datasets: ScanDataset[], key: keyof ScanDataset): number => datasets.filter((d) => key in d).length;
    expect(bare.length).toBeGreaterThan(20);
    for (const key of ["tables", "roles", "expressions", "schemaRetrievalError"] as const)
      expect(has(bare, key)).toBe(0);
    expect(has(schema, "tables")).toBeGreaterThan(10);
    expect(has(schema, "roles")).toBeGreaterThan(0);
    expect(has(schema, "schemaRetrievalError")).toBeGreaterThan(0);
    expect(has(schema, "tables") + has(schema, "schemaRetrievalError")).toBe(schema.length);
    expect(has(schema, "expressions")).toBe(0);
    const tables = schema.flatMap((d) => d.tables ?? []);
    expect(tables.some((table) => table.measures.length > 0)).toBe(true);
    expect(
      tables.every((table) => table.source === undefined && table.measures.every((m) => !("expression" in m))),
    ).toBe(true);
    expect(has(expressions, "expressions")).toBe(expressions.length);
    expect(has(expressions, "tables")).toBe(0);
    const full = both.flatMap((d) => d.tables ?? []);
    expect(full.every((table) => table.source !== undefined && table.measures.every((m) => "expression" in m))).toBe(
      true,
    );
    // The flags only add members: with them stripped, every model is the same.
    const strip = (d: ScanDataset): ScanDataset => {
      const rest: Partial<ScanDataset> = { ...d };
      for (const key of ["tables", "roles", "expressions", "schemaRetrievalError", "schemaMayNotBeUpToDate"] as const) {
        delete rest[key];
      }
      return rest as ScanDataset;
    };
    expect(both.map(strip)).toEqual(bare);
  });

  it("leaves out lineage members and tiles without lineage, and data source instances without datasourceDetails", async () => {
    const bare = await scanAll(tenant, token, allIds, {});
    const text = JSON.stringify(bare);
    for (const member of ["datasourceUsages", "upstreamDataflows", "upstreamDatasets", "upstreamDatamarts", "tiles"]) {
      expect(text).not.toContain(`"${member}"`);
    }
    expect(Object.keys(bare)).toEqual(["workspaces"]);
    const lineage = JSON.stringify(await scanAll(tenant, token, allIds, { lineage: true }));
    for (const member of ["datasourceUsages", "upstreamDataflows", "upstreamDatasets", "upstreamDatamarts", "tiles"]) {
      expect(lineage).toContain(`"${member}"`);
    }
    for (const member of ["tables", "expressions", "roles", "users", "datasourceInstances"]) {
      expect(lineage).not.toContain(`"${member}"`);
    }
    const details = await scanAll(tenant, token, allIds, { datasourceDetails: true });
    expect(details.datasourceInstances?.length).toBeGreaterThan(10);
    expect(details.misconfiguredDatasourceInstances?.length).toBeGreaterThan(0);
  });

  it("with getArtifactUsers gives the workspace admin/groups' members and every item users with its kind's right", async () => {
    const result = await scanAll(tenant, token, allIds.slice(0, 10), { getArtifactUsers: true });
    const groups = (await getJson(tenant, "/v1.0/myorg/admin/groups?$top=10&$expand=users", token)).body as {
      value: AdminGroup[];
    };
    result.workspaces.forEach((info, i) => expect(info.users).toEqual(groups.value[i]?.users ?? []));
    expect(workspace(result, 0).users).toHaveLength(5000);
    const rights: [keyof WorkspaceInfo, string][] = [
      ["reports", "reportUserAccessRight"],
      ["datasets", "datasetUserAccessRight"],
      ["dashboards", "dashboardUserAccessRight"],
      ["dataflows", "dataflowUserAccessRight"],
      ["datamarts", "datamartUserAccessRight"],
      ["Lakehouse", "artifactUserAccessRight"],
    ];
    for (const [key, right] of rights) {
      const items = result.workspaces.flatMap((info) => (info[key] ?? []) as { users?: object[] }[]);
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        expect(item.users?.length).toBeGreaterThan(0);
        for (const user of item.users ?? []) expect(Object.keys(user)).toContain(right);
      }
    }
    const bare = await scanAll(tenant, token, allIds.slice(0, 10), {});
    expect(JSON.stringify(bare)).not.toContain('"users"');
  });
});

describe("what a tenant holds", () => {
  it("puts Fabric items under the scanner's keys, endpoints and KQL databases related to their parents", async () => {
    const result = await scanAll(tenant, token, allIds, { lineage: true });
    const everything = workspace(result, 6);
    expect(Object.keys(everything)).toEqual(expect.arrayContaining(Object.keys(FABRIC_ITEM_KEYS)));
    const endpoints = everything.SQLAnalyticsEndpoint ?? [];
    expect(endpoints.map((e) => e.relations?.[0]?.dependentOnArtifactId)).toEqual([
      everything.Lakehouse?.[0]?.id,
      everything.warehouses?.[0]?.id,
    ]);
    expect(everything.KQLDatabase?.[0]?.relations?.[0]?.dependentOnArtifactId).toBe(everything.Eventhouse?.[0]?.id);
    expect(everything.warehouses?.[0]).toHaveProperty("configuredBy");
    expect(everything.Notebook?.[0]).toHaveProperty("lastUpdatedDate");
    // Only workspaces on a dedicated capacity have Fabric items, and keys without items are left out.
    const shared = result.workspaces.filter((w) => !w.isOnDedicatedCapacity);
    expect(shared.length).toBeGreaterThan(0);
    for (const info of shared) {
      expect(Object.keys(info).filter((key) => key in FABRIC_ITEM_KEYS)).toEqual([]);
    }
    for (const info of result.workspaces) {
      for (const key of Object.keys(FABRIC_ITEM_KEYS) as FabricItemKey[]) {
        if (key in info) expect(info[key]?.length).toBeGreaterThan(0);
      }
    }
  });

  it("has one hub data source that very many models across workspaces read directly", async () => {
    const result = await scanAll(tenant, token, allIds, { lineage: true, datasourceDetails: true });
    const hub = hubDatasourceId(SEED);
    expect(result.datasourceInstances?.filter((instance) => instance.datasourceId === hub)).toEqual([
      {
        datasourceType: "Sql",
        connectionDetails: { server: "sql-hub.corp.contoso.com", database: "EnterpriseDW" },
        datasourceId: hub,
        gatewayId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      },
    ]);
    const readers = result.workspaces.filter((w) =>
      w.datasets.some((d) => d.datasourceUsages?.some((usage) => usage.datasourceInstanceId === hub)),
    );
    expect(readers.length).toBeGreaterThan(3);
    // At 20,000 workspaces the hub has thousands of direct readers.
    let count = 0;
    for (let index = 0; index < 20_000; index += 1) {
      const plan = workspacePlan(SEED, index);
      for (let k = 0; k < plan.datasets; k += 1) if (usesHub(index, k)) count += 1;
    }
    expect(count).toBeGreaterThan(2000);
  });

  it("lists each data source used by the scanned workspaces once, and nothing unused", async () => {
    const result = await scanAll(tenant, token, allIds, { lineage: true, datasourceDetails: true });
    const edges = result.workspaces.flatMap(workspaceLineageEdges);
    const instances = (result.datasourceInstances ?? []).map((instance) => instance.datasourceId);
    expect(new Set(instances).size).toBe(instances.length);
    const used = new Set(edges.map((edge) => edge.from).filter((id) => instances.includes(id)));
    expect(used).toEqual(new Set(instances));
    const text = JSON.stringify(result.workspaces);
    for (const instance of result.misconfiguredDatasourceInstances ?? []) expect(text).toContain(instance.datasourceId);
    expect(result.datasourceInstances?.some((instance) => instance.gatewayId !== undefined)).toBe(true);
    expect(result.datasourceInstances?.some((instance) => instance.gatewayId === undefined)).toBe(true);
  });

  it("has reports on models of other workspaces, naming that workspace, some with an upper-case datasetId", async () => {
    const result = await scanAll(tenant, token, allIds, {});
    const thin = workspace(result, 2).reports;
    expect(thin.length).toBeGreaterThan(0);
    const models = new Map(result.workspaces.flatMap((w) => w.datasets.map((d) => [d.id, w.id] as const)));
    for (const report of thin) {
      expect(report.datasetWorkspaceId).not.toBe(workspaceSummary(SEED, 2).id);
      expect(models.get(report.datasetId?.toLowerCase() ?? "")).toBe(report.datasetWorkspaceId);
    }
    const ids = result.workspaces.flatMap((w) =>
      w.reports.flatMap((r) => (r.datasetId === undefined ? [] : [r.datasetId])),
    );
    expect(ids.some((id) => id !== id.toLowerCase())).toBe(true);
  });

  it("chains data source → dataflow → dataflow → model → report → dashboard, as the lineage closure shows", async () => {
    const result = await scanAll(tenant, token, allIds, { lineage: true });
    const everything = workspace(result, 6);
    const [first, second] = everything.dataflows;
    const model = everything.datasets[0];
    expect(second?.upstreamDataflows).toEqual([{ targetDataflowId: first?.objectId, groupId: everything.id }]);
    expect(model?.upstreamDataflows).toEqual([{ targetDataflowId: second?.objectId, groupId: everything.id }]);
    const source = first?.datasourceUsages?.[0]?.datasourceInstanceId ?? "";
    const edges = result.workspaces.flatMap(workspaceLineageEdges);
    const downstream = lineageClosure(edges, source, "downstream").nodes;
    const onModel = everything.reports.filter((r) => r.datasetId?.toLowerCase() === model?.id).map((r) => r.id);
    expect(onModel.length).toBeGreaterThan(0);
    expect(downstream).toEqual(expect.arrayContaining([first?.objectId, second?.objectId, model?.id, ...onModel]));
    const pinned = everything.dashboards.filter((d) => d.tiles?.some((t) => onModel.includes(t.reportId ?? "")));
    for (const dashboard of pinned) {
      expect(downstream).toContain(dashboard.id);
      expect(lineageClosure(edges, dashboard.id, "upstream").nodes).toContain(source);
    }
    // The simulator's own closure over the tenant agrees with the one computed from the payload.
    expect(new Set(tenant.scanner.expectedLineage(source, "downstream").nodes)).toEqual(new Set(downstream));
  });
});

describe("determinism and identity", () => {
  it("gives the same payload for the same seed, another for another seed", async () => {
    const twin = await startTenant({ seed: SEED, workspaces: WORKSPACES, scanner: { scanDelayMs: 0 } });
    const other = await startTenant({ seed: SEED + 1, workspaces: WORKSPACES, scanner: { scanDelayMs: 0 } });
    try {
      const mine = await scanAll(tenant, token, allIds.slice(0, 20), FULL_SCAN);
      const twins = await scanAll(twin, await tokenFor(twin, POWER_BI), allIds.slice(0, 20), FULL_SCAN);
      expect(twins).toEqual(mine);
      const otherIds = Array.from({ length: 20 }, (_, i) => workspaceSummary(SEED + 1, i).id);
      const others = await scanAll(other, await tokenFor(other, POWER_BI), otherIds, FULL_SCAN);
      expect(others.workspaces.map((w) => w.datasets.map((d) => d.id))).not.toEqual(
        mine.workspaces.map((w) => w.datasets.map((d) => d.id)),
      );
      expect(mine.workspaces[5]).toEqual(scannerWorkspaceInfo(SEED, 5, FULL_SCAN));
    } finally {
      await Promise.all([twin.close(), other.close()]);
    }
  });

  it("shares id, name, type, state and capacity (lower-case here) with admin/groups", async () => {
    const result = await scanAll(tenant, token, allIds, {});
    const groups = (await getJson(tenant, `/v1.0/myorg/admin/groups?$top=${WORKSPACES}`, token)).body as {
      value: AdminGroup[];
    };
    expect(result.workspaces.map((w) => [w.id, w.name, w.type, w.state, w.capacityId])).toEqual(
      groups.value.map((g) => [g.id, g.name, g.type, g.state, g.capacityId?.toLowerCase()]),
    );
    expect(groups.value.some((g) => g.capacityId !== undefined && g.capacityId !== g.capacityId.toLowerCase())).toBe(
      true,
    );
  });
});
