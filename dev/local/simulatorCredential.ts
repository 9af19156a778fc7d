import { ConfigError } from "../../src/config/config";
import type { SimulatedTenant } from "../simulator/simulatedTenant";

/**
 * SIMULATOR_CREDENTIAL for `npm start` on the simulated tenant: `secret` (the default) leaves the tenant's settings as
 * they are; `federated` trusts the managed identity as the app's federated credential, removes the client secret from
 * the simulated vault, and points the settings at that mode (with no vault at all). Returns the mode.
 */
export function applySimulatorCredential(
  tenant: SimulatedTenant,
  env: NodeJS.ProcessEnv = process.env,
): "secret" | "federated" {
  const mode = (env.SIMULATOR_CREDENTIAL ?? "").trim() || "secret";
  if (mode === "secret") return mode;
  if (mode !== "federated") {
    throw new ConfigError(`SIMULATOR_CREDENTIAL: must be secret or federated, not "${mode}"`);
  }
  Object.assign(env, tenant.useFederatedCredential());
  delete env.KEY_VAULT_URL;
  return mode;
}
