import type { TokenCredential } from "@azure/core-auth";
import type { ApiContext, ApiKind } from "../api/apiContext";
import { ContinuationTokens, tenantTokenKey } from "../api/continuationToken";
import { getAppCredential } from "../auth/appCredential";
import { lazyCredential } from "../auth/lazyCredential";
import { requireTenant, type Config } from "../config/config";
import type { ConfiguredKind, KindClients, KindDefinition } from "../kinds/kind";
import { KINDS } from "../kinds/registry";
import { deploymentSecret } from "../store/deploymentSecret";
import { ManifestStore } from "../store/manifestStore";
import { getInventoryTables, type InventoryTables } from "../store/tables";
import type { SyncOptions, SyncProgress, SyncResult } from "../sync/contract";
import { queueSync, type QueueOutcome } from "../sync/queueSync";
import { syncSnapshot } from "../sync/syncSnapshot";
import { createUpstreamClient, type UpstreamClientOptions } from "../upstream/upstreamClient";
import type { UpstreamStats } from "../upstream/upstreamRun";

export interface InventoryOptions {
  /** The kinds to run; the registry's by default (a test adds one of its own). */
  kinds?: readonly KindDefinition[];
  /** Retry timing and per-attempt deadline of upstream calls; tests inject a sleep that does not wait. */
  upstream?: Pick<UpstreamClientOptions, "retry" | "timeoutMs">;
}

/** What a caller may add to one run. */
export interface RunHooks {
  onProgress?: (progress: SyncProgress) => void;
  log?: (message: string) => void;
  /** The clock; tests move it to resume a throttled run, expire a dead run's lease or age snapshots. */
  now?: () => Date;
  /** When the invocation must pause; by default INVENTORY_INVOCATION_MINUTES after it starts. */
  deadline?: Date;
  heartbeatMs?: number;
}

/** A sync's summary plus the upstream calls it made, retries counted apart. */
export interface SyncOutcome extends SyncResult {
  upstream: UpstreamStats;
}

/** The app, composed once per process: its kinds, clients and tables, and what timers, routes and commands run. */
export interface Inventory {
  readonly config: Config;
  readonly kinds: readonly ConfiguredKind[];
  /** One sync of `kind` now: what its timer and `npm run sync` run. */
  sync(kind: string, hooks?: RunHooks): Promise<SyncOutcome>;
  /** Continues a queued, paused or interrupted snapshot of `kind`, if there is one: the resume timer. */
  resume(kind: string, hooks?: RunHooks): Promise<SyncOutcome | undefined>;
  /** Queues an on-demand sync of `kind`. */
  request(kind: string, hooks?: Pick<RunHooks, "log" | "now">): Promise<QueueOutcome>;
  /** What the HTTP API reads from, built on first use (and again after a failed build). */
  api(): Promise<ApiContext>;
  /** Stops every run at its next checkpoint (each pauses, to go on later) and waits for them to finish. */
  close(): Promise<void>;
}

/**
 * The composition root: builds the tables, the app credential and one upstream pipeline per service once, and
 * hands them to the sync engine and the API for every run and request.
 */
export function createInventory(config: Config, options: InventoryOptions = {}): Inventory {
  const kinds = (options.kinds ?? KINDS).map((kind) => kind.configure(config.settings));
  const byName = new Map(kinds.map((kind) => [kind.name, kind]));
  const kindNamed = (name: string): ConfiguredKind => {
    const kind = byName.get(name);
    if (kind === undefined) throw new Error(`unknown kind "${name}"; kinds: ${[...byName.keys()].join(", ")}`);
    return kind;
  };
  let credential: TokenCredential | undefined;
  let clients: KindClients | undefined;
  const processClients = (): KindClients => {
    const tenant = requireTenant(config);
    credential ??= lazyCredential(() => getAppCredential(tenant));
    const client = (service: "graph" | "powerbi") =>
      createUpstreamClient({
        service,
        baseUrl: config.upstream[service].endpoint,
        scope: config.upstream[service].scope,
        credential: credential!,
        ...options.upstream,
      });
    clients ??= { graph: client("graph"), powerbi: client("powerbi") };
    return clients;
  };
  const shutdown = new AbortController();
  const running = new Set<Promise<unknown>>();
  const tracked = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    void work.finally(() => running.delete(work)).catch(() => undefined);
    return work;
  };

  const engineOptions = async (hooks: RunHooks): Promise<SyncOptions & { retentionDays: number }> => {
    const tenant = requireTenant(config);
    const now = hooks.now ?? (() => new Date());
    return {
      ...hooks,
      tenantId: tenant.tenantId,
      tables: await getInventoryTables(config.storage),
      stallMs: config.stallMs,
      onInvalidItem: config.onInvalidItem,
      retentionDays: config.retentionDays,
      deadline: hooks.deadline ?? new Date(now().getTime() + config.invocationMs),
      signal: shutdown.signal,
    };
  };

  const run = async (name: string, hooks: RunHooks, resumeOnly: boolean): Promise<SyncOutcome | undefined> => {
    const kind = kindNamed(name);
    const base = processClients();
    const stats: UpstreamStats = { requests: 0, retries: 0 };
    const options = await engineOptions(hooks);
    // Stops the run's upstream calls when the engine says so (lease lost, shutting down).
    const abort = new AbortController();
    const view = { stats, signal: abort.signal };
    const source = kind.sync({ graph: base.graph.forRun(view), powerbi: base.powerbi.forRun(view) });
    const result = await tracked(syncSnapshot(source, { ...options, resumeOnly, abort }));
    return result === undefined ? undefined : { ...result, upstream: { ...stats } };
  };

  let apiContext: Promise<ApiContext> | undefined;
  const inventory: Inventory = {
    config,
    kinds,
    // Without resumeOnly a run always has a snapshot to report.
    sync: async (name, hooks = {}) => (await run(name, hooks, false))!,
    resume: (name, hooks = {}) => run(name, hooks, true),
    request: async (name, hooks = {}) => {
      const kind = kindNamed(name);
      return queueSync(kind.sync(processClients()), await engineOptions(hooks));
    },
    api: () => {
      apiContext ??= createApiContext(config, inventory, kinds).catch((error: unknown) => {
        apiContext = undefined;
        throw error;
      });
      return apiContext;
    },
    close: async () => {
      shutdown.abort();
      await Promise.allSettled([...running]);
    },
  };
  return inventory;
}

async function createApiContext(
  config: Config,
  inventory: Inventory,
  kinds: readonly ConfiguredKind[],
): Promise<ApiContext> {
  const tenantId = requireTenant(config).tenantId;
  const tables: InventoryTables = await getInventoryTables(config.storage);
  const secret = await deploymentSecret(tables.snapshots, "continuation-token-key");
  return {
    tenantId,
    manifests: new ManifestStore(tables.snapshots, tenantId),
    rows: tables.rows,
    tokens: new ContinuationTokens(tenantTokenKey(secret, tenantId)),
    kinds: new Map(kinds.map((kind): [string, ApiKind] => [kind.name, { name: kind.name, diff: kind.diff }])),
    requestSync: (kind, log) => inventory.request(kind, { log }),
  };
}

const shared = new WeakMap<Config, Inventory>();

/** The process's inventory for a configuration, built on first use: what the Functions entry point serves. */
export function inventoryFor(config: Config): Inventory {
  let inventory = shared.get(config);
  if (inventory === undefined) {
    inventory = createInventory(config);
    shared.set(config, inventory);
  }
  return inventory;
}

/** A run's hooks, and upstream options that give it an inventory of its own. */
export type SyncHooks = RunHooks & Pick<InventoryOptions, "upstream">;

/** One sync of `kind` with the process's inventory for `config` (or, with `upstream` options, an inventory of its own). */
export function syncKind(kind: string, config: Config, hooks: SyncHooks = {}): Promise<SyncOutcome> {
  const { upstream, ...runHooks } = hooks;
  const inventory = upstream === undefined ? inventoryFor(config) : createInventory(config, { upstream });
  return inventory.sync(kind, runHooks);
}
