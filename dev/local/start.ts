import { createInventory } from "../../src/app/inventory";
import { ConfigError } from "../../src/config/config";
import { functionDefinitions } from "../../src/functions/definitions";
import { loadAppConfig } from "../../src/kinds/registry";
import { startSimulatedTenant } from "../simulator/simulatedTenant";
import { readSimulatorTls } from "../simulator/tls";
import { isFree, startAzurite, type Azurite } from "./azurite";

/** Where `UseDevelopmentStorage=true` looks for tables. */
const DEVELOPMENT_TABLE_PORT = 10002;
import { startLocalHost } from "./localHost";
import { loadLocalSettings } from "./localSettings";
import { applySimulatorCredential } from "./simulatorCredential";
import { runTrustingSimulator } from "./trustedProcess";

const log = (message: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${message}`);

/**
 * `npm start`: the local host. Without INVENTORY_TENANT_ID it first starts an embedded Azurite and the simulated
 * tenant, points the settings at them, and runs a first sync of every kind.
 */
async function main(): Promise<number> {
  loadLocalSettings();
  const simulated = process.env.INVENTORY_TENANT_ID === undefined || process.env.INVENTORY_TENANT_ID === "";
  if (simulated && process.env.SIMULATOR_TLS_DIR === undefined) {
    return runTrustingSimulator(__filename, process.argv.slice(2));
  }
  const stops: (() => Promise<void>)[] = [];
  let azurite: Azurite | undefined;
  if (simulated) {
    log("No INVENTORY_TENANT_ID: starting Azurite and the simulated tenant");
    azurite = await startAzurite();
    stops.push(() => azurite!.stop());
    const tenant = await startSimulatedTenant({
      tls: await readSimulatorTls(process.env.SIMULATOR_TLS_DIR!),
      ...(process.env.SIMULATOR_USERS === undefined ? {} : { users: Number(process.env.SIMULATOR_USERS) }),
      ...(process.env.SIMULATOR_WORKSPACES === undefined
        ? {}
        : { workspaces: Number(process.env.SIMULATOR_WORKSPACES) }),
    });
    stops.unshift(() => tenant.close());
    Object.assign(process.env, tenant.settings(), { INVENTORY_STORAGE: azurite.connectionString });
    const credential = applySimulatorCredential(tenant);
    log(`Simulated tenant ${tenant.tenantId} at ${tenant.url} (app credential: ${credential})`);
  }
  const config = loadAppConfig();
  if (!simulated && /^UseDevelopmentStorage=true$/i.test(config.storage.connectionString ?? "")) {
    // `func start` expects an Azurite someone started; we start one, persisted beside the project, if none listens.
    if (await isFree(DEVELOPMENT_TABLE_PORT)) {
      log(`Starting Azurite on port ${DEVELOPMENT_TABLE_PORT}, data in .azurite/`);
      azurite = await startAzurite({ port: DEVELOPMENT_TABLE_PORT, location: ".azurite" });
      stops.push(() => azurite!.stop());
    }
  }
  const inventory = createInventory(config);
  const definitions = functionDefinitions(inventory);
  // Stopped in this order: no new requests or timers, then running syncs pause at a checkpoint, then storage.
  stops.unshift(() => inventory.close());
  const host = await startLocalHost(definitions, { port: Number(process.env.PORT ?? 7071), log });
  stops.unshift(() => host.close());
  log(`Functions host listening on ${host.url}/api`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log("Stopping");
    for (const close of stops) await close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());

  if (simulated) {
    const syncs = definitions.filter(
      (definition) => definition.trigger === "timer" && definition.name.startsWith("sync"),
    );
    for (const timer of syncs) {
      log(`First sync: ${timer.name}`);
      await host.runTimer(timer.name);
    }
  }
  console.log(
    [
      "",
      "Try:",
      `  ${host.url}/api/health`,
      `  ${host.url}/api/snapshots`,
      `  ${host.url}/api/snapshots/latest/users?top=5`,
      `  ${host.url}/api/snapshots/latest/workspaces?top=5`,
      "Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
  return new Promise<number>(() => undefined);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error),
    );
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
