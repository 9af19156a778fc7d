import type { TableClient } from "@azure/data-tables";
import type { ManifestStore } from "../store/manifestStore";
import type { Snapshot } from "../store/snapshot";
import type { ContinuationTokens } from "./continuationToken";
import type { DiffDeclaration } from "./diff/diffDeclaration";

/** What a request for an on-demand sync got: a queued snapshot, or the id of the run already under way. */
export type SyncRequestOutcome = { queued: Snapshot } | { alreadyRunning: string | undefined };

/** A kind as the generic routes see it. */
export interface ApiKind {
  readonly name: string;
  readonly diff: DiffDeclaration;
}

/** What the API handlers read from: one tenant's manifests and rows, the kinds, and the way to request a sync. */
export interface ApiContext {
  readonly tenantId: string;
  readonly manifests: ManifestStore;
  readonly rows: TableClient;
  readonly tokens: ContinuationTokens;
  readonly kinds: ReadonlyMap<string, ApiKind>;
  requestSync(kind: string, log: (message: string) => void): Promise<SyncRequestOutcome>;
}
