import type { DatasourceInstance } from "./scannerTypes";
import { SeededRandom, seededGuid } from "./seeded";

/** Data sources each workspace has of its own; its items use some of them. */
export const LOCAL_DATASOURCES = 3;
const GATEWAYS = 3;

/** The on-premises gateways that bound data sources go through. */
export function gatewayId(seed: number, gateway: number): string {
  return seededGuid(seed, "scan-gateway", gateway);
}

/** The enterprise SQL server that very many semantic models across the tenant read directly. */
export function hubDatasourceId(seed: number): string {
  return seededGuid(seed, "scan-datasource", "hub");
}

/** The hub as `datasourceInstances` lists it: a SQL data source on gateway 0. */
export function hubDatasource(seed: number): DatasourceInstance {
  return {
    datasourceType: "Sql",
    connectionDetails: { server: "sql-hub.corp.contoso.com", database: "EnterpriseDW" },
    datasourceId: hubDatasourceId(seed),
    gatewayId: gatewayId(seed, 0),
  };
}

/**
 * Whether dataset `k` of the workspace at `index` reads the hub: every dataset with `(index + k) % 10 === 0`, and
 * dataset 0 of the "Everything once" workspace (6). A 20,000-workspace tenant has thousands of them.
 */
export function usesHub(index: number, k: number): boolean {
  return (index + k) % 10 === 0 || (index === 6 && k === 0);
}

export function localDatasourceId(seed: number, index: number, j: number): string {
  return seededGuid(seed, "scan-datasource", index, j);
}

/** Data source `j` (0..2) of the workspace at `index`; a pure function of (seed, index, j). */
export function localDatasource(seed: number, index: number, j: number): DatasourceInstance {
  const random = new SeededRandom(seed, "scan-datasource", index, j);
  const datasourceId = localDatasourceId(seed, index, j);
  const gateway = (): string => gatewayId(seed, random.int(0, GATEWAYS - 1));
  const roll = random.next();
  if (roll < 0.35) {
    const onPremises = random.chance(0.5);
    const server = onPremises ? `sql${index % 97}.corp.contoso.com` : `contoso-${index % 89}.database.windows.net`;
    const instance: DatasourceInstance = {
      datasourceType: "Sql",
      connectionDetails: { server, database: `Sales_${index}_${j}` },
      datasourceId,
    };
    return onPremises ? { ...instance, gatewayId: gateway() } : instance;
  }
  if (roll < 0.5) {
    return {
      datasourceType: "SharePointList",
      connectionDetails: { url: `https://contoso.sharepoint.com/sites/team${index}` },
      datasourceId,
    };
  }
  if (roll < 0.65) {
    return {
      datasourceType: "File",
      connectionDetails: { path: `\\\\files.corp.contoso.com\\finance\\${index}\\ledger ${j}.xlsx` },
      datasourceId,
      gatewayId: gateway(),
    };
  }
  if (roll < 0.8) {
    return {
      datasourceType: "Web",
      connectionDetails: { url: `https://api.contoso.com/v2/export?team=${index}&feed=${j}` },
      datasourceId,
    };
  }
  if (roll < 0.9) {
    return {
      datasourceType: "AnalysisServices",
      connectionDetails: { server: "asazure://westeurope.asazure.windows.net/contoso", database: `Cube${index % 7}` },
      datasourceId,
    };
  }
  return {
    datasourceType: "Extension",
    connectionDetails: { kind: "Snowflake", path: `contoso.snowflakecomputing.com;WH_${index % 5}` },
    datasourceId,
  };
}

/** The misconfigured data source of dataset `k` at `index` (see {@link hasMisconfiguredSource}). */
export function misconfiguredDatasource(seed: number, index: number, k: number): DatasourceInstance {
  return {
    datasourceType: "Sql",
    connectionDetails: { server: `old-sql${index % 13}.corp.contoso.com`, database: "Decommissioned" },
    datasourceId: seededGuid(seed, "scan-misconfigured", index, k),
    gatewayId: gatewayId(seed, 1),
  };
}

/** Whether dataset `k` at `index` has a misconfigured data source (about one in 50; dataset 2 of workspace 6). */
export function hasMisconfiguredSource(index: number, k: number): boolean {
  return (index * 7 + k) % 53 === 0 || (index === 6 && k === 2);
}
