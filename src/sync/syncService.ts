import type { TokenCredential } from "@azure/core-auth";
import { ConfigError, type Config, type TenantConfig } from "../config/config";
import { getAppCredential } from "../auth/appCredential";
import { lazyCredential } from "../auth/lazyCredential";
import { ManifestStore } from "../store/manifestStore";
import type { SnapshotKind } from "../store/snapshot";
import { getInventoryTables } from "../store/tables";
import { createUpstreamClient, type UpstreamClient, type UpstreamClientOptions } from "../upstream/upstreamClient";
import type { KindSync } from "./kindSync";
import { applyRetention } from "./retention";
import { queueSync } from "./queueSync";
import { runSync, type SyncProgress, type SyncResult } from "./runSync";
import { safeMessage } from "./safeMessage";
import type { SnapshotRecord } from "../store/manifestStore";
import { usersSync } from "./usersSync";
import { workspacesSync } from "./workspacesSync";

export interface SyncHooks {
  onProgress?: (progress: SyncProgress) => void;
  log?: (message: string) => void;
  /** The clock; tests move it to resume a throttled run, expire a dead run's lease or age snapshots. */
  now?: () => Date;
  /** Retry timing and per-attempt deadline of upstream calls; tests inject a sleep that does not wait. */
  upstream?: Pick<UpstreamClientOptions, "retry" | "timeoutMs">;
}

/** A sync's summary plus the upstream calls it made, retries counted apart. */
export interface SyncOutcome extends SyncResult {
  upstream: { requests: number; retries: number };
}

/** The one entry point of every sync: timers, `npm run sync` and on-demand requests all come here. */
export async function syncKind(kind: SnapshotKind, config: Config, hooks: SyncHooks = {}): Promise<SyncOutcome> {
  // Without resumeOnly a run always has a snapshot to report.
  return (await sync(kind, config, hooks, false))!;
}

/**
 * Queues an on-demand sync, which the resume timer starts within its period. Throws SyncAlreadyRunningError (with
 * the running snapshot's id) when a run of the kind is queued, paused or in progress.
 */
export async function requestSync(kind: SnapshotKind, config: Config, hooks: SyncHooks = {}): Promise<SnapshotRecord> {
  const tenant = requireTenant(config);
  const tables = await getInventoryTables(config.storage);
  const { source } = kindSync(
    kind,
    config,
    lazyCredential(() => getAppCredential(tenant)),
    hooks,
  );
  return queueSync(source, {
    tenantId: tenant.tenantId,
    tables,
    stallMs: config.stallMs,
    onInvalidItem: config.onInvalidItem,
    ...hooks,
  });
}

/** Continues a paused snapshot of the kind, or starts a queued one, if there is one; for the frequent resume timer. */
export function resumePausedSync(
  kind: SnapshotKind,
  config: Config,
  hooks: SyncHooks = {},
): Promise<SyncOutcome | undefined> {
  return sync(kind, config, hooks, true);
}

async function sync(
  kind: SnapshotKind,
  config: Config,
  hooks: SyncHooks,
  resumeOnly: boolean,
): Promise<SyncOutcome | undefined> {
  const tenant = requireTenant(config);
  const tables = await getInventoryTables(config.storage);
  const { source, client } = kindSync(
    kind,
    config,
    lazyCredential(() => getAppCredential(tenant)),
    hooks,
  );
  const result = await runSync(source, {
    tenantId: tenant.tenantId,
    tables,
    stallMs: config.stallMs,
    onInvalidItem: config.onInvalidItem,
    resumeOnly,
    ...hooks,
  });
  if (result === undefined) return undefined;
  if (result.status === "succeeded") {
    const manifests = new ManifestStore(tables.snapshots, tenant.tenantId);
    const log = hooks.log ?? (() => undefined);
    try {
      await applyRetention(manifests, tables.rows, tenant.tenantId, kind, config.retentionDays, hooks.now?.(), log);
    } catch (error) {
      // Housekeeping: the snapshot stands, and the next successful run of the kind tries again.
      log(`Retention of ${kind} snapshots failed: ${safeMessage(error)}`);
    }
  }
  return { ...result, upstream: { ...client.stats } };
}

function kindSync(
  kind: SnapshotKind,
  config: Config,
  credential: TokenCredential,
  hooks: SyncHooks,
): { source: KindSync<unknown>; client: UpstreamClient } {
  switch (kind) {
    case "users": {
      const { endpoint, scope, userSelect } = config.graph;
      const client = createUpstreamClient({
        service: "graph",
        baseUrl: endpoint,
        scope,
        credential,
        ...hooks.upstream,
      });
      return { source: usersSync(client, userSelect), client };
    }
    case "workspaces": {
      const { endpoint, scope, groups } = config.powerBi;
      const client = createUpstreamClient({
        service: "powerbi",
        baseUrl: endpoint,
        scope,
        credential,
        ...hooks.upstream,
      });
      return { source: workspacesSync(client, groups), client };
    }
  }
}

/** The configured tenant; syncing needs one. */
export function requireTenant(config: Config): TenantConfig {
  if (config.tenant === undefined) {
    throw new ConfigError(
      "INVENTORY_TENANT_ID: not set; set it (with INVENTORY_CLIENT_ID and KEY_VAULT_URL) to sync a tenant",
    );
  }
  return config.tenant;
}
