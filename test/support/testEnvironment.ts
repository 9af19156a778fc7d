import { randomUUID } from "node:crypto";
import type { Config } from "../../src/config/config";
import { loadAppConfig } from "../../src/kinds/registry";
import {
  startSimulatedTenant,
  type SimulatedTenant,
  type SimulatedTenantOptions,
} from "../../dev/simulator/simulatedTenant";
import { readSimulatorTls } from "../../dev/simulator/tls";

export interface TestEnvironment {
  tenant: SimulatedTenant;
  config: Config;
  /** Settings the product reads, as an environment. */
  settings: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A simulated tenant with a tenant id of its own, wired to the run's Azurite. The unique tenant id keeps test files
 * apart in the shared tables. The managed identity variables go into process.env, where DefaultAzureCredential
 * reads them.
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
  const settings = { ...tenant.settings(), INVENTORY_STORAGE: storage, ...extraSettings };
  process.env.IDENTITY_ENDPOINT = settings.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = settings.IDENTITY_HEADER;
  return { tenant, settings, config: loadAppConfig(settings), close: () => tenant.close() };
}
