import { createHash } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import type { Config } from "../config/config";
import { ManifestStore } from "../store/manifestStore";
import { getInventoryTables } from "../store/tables";
import { requireTenant } from "../sync/syncService";
import { ContinuationTokens } from "./continuationToken";

/** What the API handlers read from: one tenant's manifests and rows. */
export interface ApiContext {
  readonly config: Config;
  readonly tenantId: string;
  readonly manifests: ManifestStore;
  readonly rows: TableClient;
  readonly tokens: ContinuationTokens;
}

/** The API context for a configuration, built on first use (and again after a failed build). */
export function lazyApiContext(config: Config): () => Promise<ApiContext> {
  let context: Promise<ApiContext> | undefined;
  return () => {
    context ??= createApiContext(config).catch((error: unknown) => {
      context = undefined;
      throw error;
    });
    return context;
  };
}

export async function createApiContext(config: Config): Promise<ApiContext> {
  const tenantId = requireTenant(config).tenantId;
  const tables = await getInventoryTables(config.storage);
  // Tokens only need to resist edits and cross-use, not to be secret: they hold table positions the caller may read.
  const key = createHash("sha256")
    .update(`tenant-inventory|${tenantId}|${config.storage.tableEndpoint ?? ""}`)
    .digest("hex");
  return {
    config,
    tenantId,
    manifests: new ManifestStore(tables.snapshots, tenantId),
    rows: tables.rows,
    tokens: new ContinuationTokens(key),
  };
}
