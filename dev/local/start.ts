import { rm } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { createInventory, type Inventory } from "../../src/app/inventory";
import { ConfigError } from "../../src/config/config";
import { functionDefinitions } from "../../src/functions/definitions";
import { loadAppConfig } from "../../src/kinds/registry";
import { startSimulatedTenant, type SimulatedTenant } from "../simulator/simulatedTenant";
import { readSimulatorTls } from "../simulator/tls";
import { isFree, startAzurite } from "./azurite";
import { startLocalHost, type LocalHost } from "./localHost";
import { loadLocalSettings } from "./localSettings";
import { Services } from "./services";
import { withDrift } from "./simulatorDrift";
import { applySimulatorCredential } from "./simulatorCredential";
import { runTrustingSimulator } from "./trustedProcess";

/** Where `UseDevelopmentStorage=true` looks for tables. */
const DEVELOPMENT_TABLE_PORT = 10002;

/**
 * How long a stop waits for running syncs, which it asks to pause at their next checkpoint. One still running after
 * that is left to the next run (which continues or abandons it); a second Ctrl-C stops at once.
 */
const STOP_WAIT_MS = 10_000;

const log = (message: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${message}`);

const services = new Services(log);
let host: LocalHost | undefined;
let inventory: Inventory | undefined;
/** Set once a stop has begun: no first sync starts after it, and a second signal stops at once. */
let stopping: Promise<never> | undefined;
let stopNow: () => void = () => undefined;
/** Once syncs are abandoned, what they log while storage goes away is noise. */
let quiet = false;

/**
 * `npm start`: the local host. Without INVENTORY_TENANT_ID it first starts the simulated tenant and an embedded
 * Azurite, points the settings at them, and runs a first sync of every kind. Whatever way it ends (a bad setting,
 * an error, Ctrl-C, SIGTERM, its parent dying), it stops in order: the host and timers, then (after running syncs
 * end, or a bound) the simulated tenant and Azurite.
 */
async function main(simulated: boolean): Promise<void> {
  let tenant: SimulatedTenant | undefined;
  if (simulated) {
    log("No INVENTORY_TENANT_ID: starting the simulated tenant and Azurite");
    tenant = await startSimulatedTenant({
      tls: await readSimulatorTls(process.env.SIMULATOR_TLS_DIR!),
      ...(process.env.SIMULATOR_USERS === undefined ? {} : { users: Number(process.env.SIMULATOR_USERS) }),
      ...(process.env.SIMULATOR_WORKSPACES === undefined
        ? {}
        : { workspaces: Number(process.env.SIMULATOR_WORKSPACES) }),
    });
    const started = tenant;
    services.add("the simulated tenant", () => started.close());
    Object.assign(process.env, tenant.settings());
    const credential = applySimulatorCredential(tenant);
    // A bad setting stops here, before Azurite is started.
    loadAppConfig();
    const azurite = await startAzurite();
    services.add("Azurite", () => azurite.stop());
    process.env.INVENTORY_STORAGE = azurite.connectionString;
    log(`Simulated tenant ${tenant.tenantId} at ${tenant.url} (app credential: ${credential})`);
  }
  const config = loadAppConfig();
  if (!simulated && /^UseDevelopmentStorage=true$/i.test(config.storage.connectionString ?? "")) {
    // `func start` expects an Azurite someone started; we start one, persisted beside the project, if none listens.
    if (await isFree(DEVELOPMENT_TABLE_PORT)) {
      log(`Starting Azurite on port ${DEVELOPMENT_TABLE_PORT}, data in .azurite/`);
      const azurite = await startAzurite({ port: DEVELOPMENT_TABLE_PORT, location: ".azurite" });
      services.add("Azurite", () => azurite.stop());
    }
  }
  const hostLog = (message: string) => {
    if (!quiet) log(message);
  };
  inventory = createInventory(config);
  const drifting = tenant !== undefined && process.env.SIMULATOR_CHANGES !== "off";
  const definitions = drifting ? withDrift(functionDefinitions(inventory), tenant!) : functionDefinitions(inventory);
  host = await startLocalHost(definitions, { port: Number(process.env.PORT ?? 7071), log: hostLog });
  log(`Functions host listening on ${host.url}/api`);

  if (simulated) {
    // Two syncs of each kind, the simulated tenant changing a little before the second: diffs show something.
    const syncs = definitions.filter(
      (definition) => definition.trigger === "timer" && definition.name.startsWith("sync"),
    );
    for (const round of drifting ? ["First", "Second"] : ["First"]) {
      for (const timer of syncs) {
        if (stopping !== undefined) return;
        log(`${round} sync: ${timer.name}`);
        await host.runTimer(timer.name);
      }
    }
  }
  if (stopping !== undefined) return;
  console.log(
    [
      "",
      "Try:",
      `  ${host.url}/api/dashboard`,
      `  ${host.url}/api/health`,
      `  ${host.url}/api/snapshots`,
      `  ${host.url}/api/snapshots/latest/users?top=5`,
      `  ${host.url}/api/snapshots/latest/licenses`,
      `  ${host.url}/api/snapshots/latest/workspaces?top=5`,
      `  ${host.url}/api/snapshots/latest/items?type=SemanticModel&top=5`,
      `  ${host.url}/api/snapshots/latest/diff/latest/summary?kind=users   (latest against itself: nothing changed)`,
      `  ${host.url}/api/openapi.json`,
      "Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
}

/**
 * Stops everything in order and exits with `code`, once. The host stops taking work and waits for running syncs
 * for at most `waitMs` (or until stopNow()); then the services stop, last started first.
 */
function stop(reason: string, code: number, waitMs: number): Promise<never> {
  stopping ??= (async () => {
    const now = new Promise<void>((resolve) => (stopNow = resolve));
    if (host !== undefined) {
      log(
        waitMs > 0
          ? `Stopping (${reason}); waiting for running syncs (Ctrl-C again: stop now)`
          : `Stopping (${reason})`,
      );
      // Running syncs are asked to pause at their next checkpoint while the host stops taking work.
      const paused = inventory?.close();
      const left = await host.close({ until: Promise.race([now, delay(waitMs, undefined, { ref: false })]) });
      await Promise.race([paused, now]);
      if (left.length > 0) {
        quiet = true;
        log(`Not waiting for ${left.join(", ")}: the next run marks what it left unfinished as abandoned`);
      }
    }
    await services.stopAll();
    process.exit(code);
  })();
  return stopping;
}

/** A signal asks for an orderly stop; a second one for a stop now. */
function onSignal(signal: NodeJS.Signals): void {
  if (stopping !== undefined) {
    stopNow();
    return;
  }
  void stop(signal, 0, STOP_WAIT_MS);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

loadLocalSettings();
const simulated = process.env.INVENTORY_TENANT_ID === undefined || process.env.INVENTORY_TENANT_ID === "";
if (simulated && process.env.SIMULATOR_TLS_DIR === undefined) {
  // This process only sets up trust; the one it starts runs (and stops) everything.
  runTrustingSimulator(__filename, process.argv.slice(2), { ownProcessGroup: true }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(describe(error));
      process.exit(1);
    },
  );
} else {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
  // The process that started this one is gone (even killed): nobody is left to stop what this one started, nor to
  // remove the certificate folder it made for the simulated tenant.
  if (process.connected) {
    process.once("disconnect", () => {
      const tlsDir = process.env.SIMULATOR_TLS_DIR;
      if (tlsDir !== undefined)
        services.add("the certificate folder", () => rm(tlsDir, { recursive: true, force: true }));
      void stop("the parent process ended", 0, STOP_WAIT_MS);
    });
  }
  process.on("uncaughtException", (error) => {
    console.error(`Unexpected error: ${describe(error)}`);
    void stop("an unexpected error", 1, 0);
  });
  process.on("unhandledRejection", (reason) => {
    console.error(`Unexpected error: ${describe(reason)}`);
    void stop("an unexpected error", 1, 0);
  });
  main(simulated).catch((error: unknown) => {
    if (stopping !== undefined) return;
    console.error(describe(error));
    void stop(error instanceof ConfigError ? "a bad setting" : "an error", error instanceof ConfigError ? 2 : 1, 0);
  });
}
