import { createInventory, type Inventory, type SyncOutcome } from "../../src/app/inventory";
import { ConfigError, type Config } from "../../src/config/config";
import { KINDS, loadAppConfig } from "../../src/kinds/registry";
import { safeMessage } from "../../src/common/safeMessage";
import type { SyncProgress } from "../../src/sync/contract";
import { loadLocalSettings } from "./localSettings";

const NAMES = KINDS.map((kind) => kind.name);
const USAGE = `usage: npm run sync -- ${[...NAMES, "all"].join("|")}`;

const HELP = [
  USAGE,
  "",
  "Runs one sync now, with the current configuration (environment and local.settings.json), through the same",
  "code the timers run. `all` syncs every kind in turn. Progress goes to stderr on a terminal; each kind ends",
  'with one JSON line on stdout: {"snapshotId", "kind", "status", "counts", "durationMs"}.',
  "",
  ...KINDS.map((kind) => `  ${kind.name.padEnd(12)}${kind.description}`),
  "",
  "Needs INVENTORY_TENANT_ID and INVENTORY_CLIENT_ID, and KEY_VAULT_URL unless INVENTORY_CREDENTIAL=federated",
  "(`npm start` runs the simulated tenant instead).",
  "",
  "Exit codes: 0 succeeded, 1 failed, 2 bad arguments or configuration, 3 paused (a later run resumes it).",
].join("\n");

/** Exit codes: 0 succeeded, 1 failed, 2 bad arguments or configuration, 3 paused (the next run resumes it). */
const EXIT = { succeeded: 0, failed: 1, usage: 2, paused: 3, queued: 3, running: 3 } as const;

/**
 * `npm run sync -- <kind>|all`: one sync now, through the same code the timers run. Progress goes to stderr on a
 * terminal; each kind ends with one JSON line on stdout.
 */
export async function syncCommand(args: string[], out: (line: string) => void = console.log): Promise<number> {
  const [target, ...extra] = args;
  if (args.length === 1 && (target === "--help" || target === "-h")) {
    out(HELP);
    return EXIT.succeeded;
  }
  const kinds: string[] | undefined =
    target === "all" ? [...NAMES] : target !== undefined && NAMES.includes(target) ? [target] : undefined;
  if (kinds === undefined || extra.length > 0) {
    console.error(target === undefined ? USAGE : `unknown argument "${[target, ...extra].join(" ")}"; ${USAGE}`);
    return EXIT.usage;
  }
  let config: Config;
  try {
    loadLocalSettings();
    config = loadAppConfig();
    if (config.tenant === undefined) {
      throw new ConfigError(
        "INVENTORY_TENANT_ID: not set. `npm start` runs the simulated tenant; to sync a real one, set INVENTORY_TENANT_ID, INVENTORY_CLIENT_ID and KEY_VAULT_URL",
      );
    }
  } catch (error) {
    console.error(safeMessage(error));
    return EXIT.usage;
  }
  let exit: number = EXIT.succeeded;
  const inventory = createInventory(config);
  for (const kind of kinds) {
    const result = await runOne(kind, inventory);
    // The documented fields first; `upstream` (calls and retries) and `error` extend it.
    const { snapshotId, status, counts, durationMs, upstream, error } = result;
    out(
      JSON.stringify({
        snapshotId,
        kind,
        status,
        counts,
        durationMs,
        upstream,
        ...(error === undefined ? {} : { error }),
      }),
    );
    exit = Math.max(exit, EXIT[result.status]);
  }
  return exit;
}

async function runOne(kind: string, inventory: Inventory): Promise<SyncOutcome> {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  const onProgress = (progress: SyncProgress) => {
    const line = `${kind}: page ${progress.pages}, ${progress.items.toLocaleString("en-US")} items, ${progress.rows.toLocaleString("en-US")} rows written, ${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (tty) process.stderr.write(`\r${line}\u001b[K`);
  };
  try {
    return await inventory.sync(kind, {
      onProgress,
      log: (message) => process.stderr.write(`${tty ? "\n" : ""}${message}\n`),
    });
  } catch (error) {
    const message = safeMessage(error);
    return {
      snapshotId: "",
      kind,
      status: "failed",
      counts: {},
      durationMs: Date.now() - started,
      upstream: { requests: 0, retries: 0 },
      error: message,
    };
  } finally {
    if (tty) process.stderr.write("\n");
  }
}

if (require.main === module) {
  syncCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(safeMessage(error));
      process.exit(EXIT.failed);
    },
  );
}
