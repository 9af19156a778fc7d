import { randomUUID } from "node:crypto";
import { TableServiceClient } from "@azure/data-tables";
import type { Config } from "../../src/config/config";
import { loadAppConfig } from "../../src/kinds/registry";
import {
  startSimulatedTenant,
  type SimulatedTenant,
  type SimulatedTenantOptions,
} from "../../dev/simulator/simulatedTenant";
import { readSimulatorTls } from "../../dev/simulator/tls";
import { tableNamesOf } from "../../src/store/tables";
import { TEST_TABLE_OPTIONS } from "./freshTable";

export interface TestEnvironment {
  tenant: SimulatedTenant;
  config: Config;
  /** Settings the product reads, as an environment. */
  settings: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A simulated tenant with a tenant id of its own, wired to tables of its own in the run's Azurite, which are dropped
 * when it closes. Azurite filters every row of a table for each query, so tables shared by the whole run would make
 * each test slower than the one before. The managed identity variables go into process.env, where
 * DefaultAzureCredential reads them.
 */
export async function startTestEnvironment(
  options: Omit<SimulatedTenantOptions, "tls"> = {},
  extraSettings: Record<string, string> = {},
): Promise<TestEnvironment> {
  const tlsDir = process.env.SIMULATOR_TLS_DIR;
  const storage = process.env.TEST_STORAGE_CONNECTION_STRING;
  if (tlsDir === undefined || storage === undefined) throw new Error("run the tests with `npm test`");
  const tenant = await startSimulatedTenant({
    tenantId: randomUUID(),
    ...options,
    tls: await readSimulatorTls(tlsDir),
  });
  const tablePrefix = `t${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const settings = {
    ...tenant.settings(),
    INVENTORY_STORAGE: storage,
    INVENTORY_TABLE_PREFIX: tablePrefix,
    ...extraSettings,
  };
  process.env.IDENTITY_ENDPOINT = settings.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = settings.IDENTITY_HEADER;
  const config = loadAppConfig(settings);
  const dropTables = async () => {
    const service = TableServiceClient.fromConnectionString(storage, TEST_TABLE_OPTIONS);
    // The SDK treats a table that was never created (404) as deleted.
    await Promise.all(Object.values(tableNamesOf(config.storage)).map((name) => service.deleteTable(name)));
  };
  return { tenant, settings, config, close: () => Promise.all([tenant.close(), dropTables()]).then(() => undefined) };
}
