import { getAppCredential } from "../src/auth/appCredential";
import { lazyCredential } from "../src/auth/lazyCredential";
import { requireTenant } from "../src/config/config";
import { userSelectOf } from "../src/kinds/users/usersKind";
import { groupsQueryOf } from "../src/kinds/workspaces/workspacesKind";
import { loadAppConfig } from "../src/kinds/registry";
import { listGraphUsers } from "../src/sources/graph/graphUsers";
import { listSubscribedSkus } from "../src/sources/graph/subscribedSkus";
import { listAdminGroups } from "../src/sources/powerbi/adminGroups";
import type { SourcePage } from "../src/sources/sourcePage";
import { createUpstreamClient } from "../src/upstream/upstreamClient";

/** What an upstream-only child reports on its last stdout line. */
export interface UpstreamReport {
  /** Items and pages of the kind's main list (users, workspaces); the users' SKU call is in the time only. */
  items: number;
  pages: number;
  /** From the first call (token and vault included) to the last page parsed and validated. */
  ms: number;
  /** Until the first page was there: what a sync waits before its first write. */
  firstPageMs: number;
}

/**
 * `node dist/bench/upstreamChild.js users|workspaces`: lists a kind from the simulated tenant exactly as a sync does
 * (same client, pages and validation) and writes nothing. Its time is the upstream side's floor, as the storage
 * ceiling is the storage side's: a sync that overlaps both perfectly takes the longer of the two.
 */
async function main(): Promise<void> {
  const kind = process.argv[2];
  if (kind !== "users" && kind !== "workspaces") throw new Error("usage: upstreamChild.js users|workspaces");
  const config = loadAppConfig();
  const tenant = requireTenant(config);
  const credential = lazyCredential(() => getAppCredential(tenant));
  const service = kind === "users" ? "graph" : "powerbi";
  const { endpoint, scope } = config.upstream[service];
  const client = createUpstreamClient({ service, baseUrl: endpoint, scope, credential });
  const pages: AsyncIterable<SourcePage<{ id: string }>> =
    kind === "users" ? listGraphUsers(client, userSelectOf(config)) : listAdminGroups(client, groupsQueryOf(config));
  const started = performance.now();
  // A users sync reads the subscribed SKUs before the first page of users: part of its upstream floor.
  if (kind === "users") for await (const page of listSubscribedSkus(client)) void page;
  const report: UpstreamReport = { items: 0, pages: 0, ms: 0, firstPageMs: 0 };
  const seen = new Set<string>();
  for await (const page of pages) {
    if (report.pages === 0) report.firstPageMs = performance.now() - started;
    for (const item of page.items) seen.add(item.id);
    report.items = seen.size;
    // A long page comes in parts; only its last one ends the upstream call.
    if (page.partial === true) continue;
    report.pages++;
    // As the sync does: once every item the service counted is in, the next page could only be empty.
    if (page.total !== undefined && seen.size >= page.total) break;
  }
  report.ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
