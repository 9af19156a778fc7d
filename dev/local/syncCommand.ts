import { ConfigError, loadConfig } from "../../src/config/config";
import { SNAPSHOT_KINDS, type SnapshotKind } from "../../src/store/snapshot";
import { safeMessage } from "../../src/sync/safeMessage";
import type { SyncProgress } from "../../src/sync/runSync";
import { syncKind, type SyncOutcome } from "../../src/sync/syncService";
import { loadLocalSettings } from "./localSettings";

const USAGE = `usage: npm run sync -- ${SNAPSHOT_KINDS.join("|")}|all`;

const HELP = [
  USAGE,
  "",
  "Runs one sync now, with the current configuration (environment and local.settings.json), through the same",
  "code the timers run. `all` syncs every kind in turn. Progress goes to stderr on a terminal; each kind ends",
  'with one JSON line on stdout: {"snapshotId", "kind", "status", "counts", "durationMs"}.',
  "",
  "Needs INVENTORY_TENANT_ID, INVENTORY_CLIENT_ID and KEY_VAULT_URL (`npm start` runs the simulated tenant).",
  "",
  "Exit codes: 0 succeeded, 1 failed, 2 bad arguments or configuration, 3 paused (a later run resumes it).",
].join("\n");

/** Exit codes: 0 succeeded, 1 failed, 2 bad arguments or configuration, 3 paused (the next run resumes it). */
const EXIT = { succeeded: 0, failed: 1, usage: 2, running: 3 } as const;

/**
 * `npm run sync -- users|workspaces|all`: one sync now, through the same code the timers run. Progress goes to
 * stderr on a terminal; each kind ends with one JSON line on stdout.
 */
export async function syncCommand(args: string[], out: (line: string) => void = console.log): Promise<number> {
  const [target, ...extra] = args;
  if (args.length === 1 && (target === "--help" || target === "-h")) {
    out(HELP);
    return EXIT.succeeded;
  }
  const kinds: SnapshotKind[] | undefined =
    target === "all"
      ? [...SNAPSHOT_KINDS]
      : SNAPSHOT_KINDS.includes(target as SnapshotKind)
        ? [target as SnapshotKind]
        : undefined;
  if (kinds === undefined || extra.length > 0) {
    console.error(target === undefined ? USAGE : `unknown argument "${[target, ...extra].join(" ")}"; ${USAGE}`);
    return EXIT.usage;
  }
  let config;
  try {
    loadLocalSettings();
    config = loadConfig();
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
  for (const kind of kinds) {
    const result = await runOne(kind, config);
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

async function runOne(kind: SnapshotKind, config: ReturnType<typeof loadConfig>): Promise<SyncOutcome> {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  const onProgress = (progress: SyncProgress) => {
    const line = `${kind}: page ${progress.pages}, ${progress.items.toLocaleString("en-US")} items, ${progress.rows.toLocaleString("en-US")} rows written, ${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (tty) process.stderr.write(`\r${line}\u001b[K`);
  };
  try {
    return await syncKind(kind, config, {
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
