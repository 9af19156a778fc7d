import type { Config } from "../src/config/config";
import { simulatedUser } from "../dev/simulator/simulatedUser";
import { expandedWorkspace } from "../dev/simulator/simulatedWorkspace";
import type { SimulatorRoute } from "../dev/simulator/simulatorRoute";
import { TenantEdits } from "../dev/simulator/tenantEdits";
import { TenantSkus } from "../dev/simulator/tenantSkus";
import { licenseRows } from "../src/kinds/users/licenseRows";
import { PowerBiPlans } from "../src/kinds/users/powerBiLicense";
import { selectsLicenses } from "../src/kinds/users/usersSync";
import { subscribedSkuSchema } from "../src/sources/graph/subscribedSkus";
import { userSelectOf } from "../src/kinds/users/usersKind";
import { USERS_ROW_SET, userRows } from "../src/kinds/users/usersRows";
import { WORKSPACES_ROW_SET, workspaceRows } from "../src/kinds/workspaces/workspaceRows";
import { groupsQueryOf } from "../src/kinds/workspaces/workspacesKind";
import { adminGroupSchema } from "../src/sources/powerbi/adminGroups";
import { GRAPH_USERS_PAGE_SIZE, graphUserSchema } from "../src/sources/graph/graphUsers";
import type { StoredRow } from "../src/store/rowCodec";
import type { RowLayout } from "../src/sync/contract";
import type { BenchOptions } from "./options";

/**
 * What the benchmark needs to know of a kind to measure it: a phase per kind, each with the storage ceiling's sweep
 * over the kind's own rows. A new kind (catalog) adds an entry here; a kind that writes more rows (the users kind's
 * licences) builds them in its `rows`, with its own code, and every figure follows.
 */
export interface BenchKind {
  readonly name: string;
  /** How many items the simulated tenant lists at these sizes. */
  count(options: BenchOptions): number;
  /** The simulator routes of the kind's calls, which the sync's calls are checked against. */
  readonly routes: readonly SimulatorRoute[];
  /** The fewest upstream calls that list `count` items with `config`. */
  minimumCalls(config: Config, count: number): number;
  /**
   * The rows a sync of the simulated tenant writes, built by the kind's own code from the items the simulator serves
   * with the default settings, into `layout`: so the ceiling writes as many rows, as big, as the sync.
   */
  rows(config: Config, seed: number, count: number, layout: RowLayout): StoredRow[];
  /** The row set the kind's list route pages through, for the page and export reads of the sweep. */
  readonly itemRowSet: string;
}

export const usersBench: BenchKind = {
  name: "users",
  count: (options) => options.users,
  routes: ["graph.subscribedSkus", "graph.users"],
  // The subscribed SKUs (one call), then the users pages.
  minimumCalls: (_config, count) => 1 + Math.max(1, Math.ceil(count / GRAPH_USERS_PAGE_SIZE)),
  rows: (config, seed, count, layout) => {
    const select = userSelectOf(config);
    const rows: StoredRow[] = [];
    // The SKUs first, as the sync reads them: the simulated tenant's, for its unedited users.
    const tenant = { tenantId: layout.tenantId, seed, users: count, edits: new TenantEdits() };
    const plans = new PowerBiPlans();
    for (const served of new TenantSkus(tenant).list()) {
      const sku = subscribedSkuSchema.parse(served);
      plans.add(sku);
      rows.push(...licenseRows(sku, layout).rows);
    }
    const licensed = selectsLicenses(select) ? plans : undefined;
    for (let index = 0; index < count; index++) {
      const user = simulatedUser(seed, index) as unknown as Record<string, unknown>;
      // As the simulated Graph projects $select: every selected property, null when unset.
      const selected = Object.fromEntries(select.map((name) => [name, user[name] ?? null]));
      rows.push(...userRows(graphUserSchema.parse(selected), layout, licensed).rows);
    }
    return rows;
  },
  itemRowSet: USERS_ROW_SET,
};

export const workspacesBench: BenchKind = {
  name: "workspaces",
  count: (options) => options.workspaces,
  routes: ["powerbi.groups"],
  minimumCalls: (config, count) => Math.max(1, Math.ceil(count / groupsQueryOf(config).top)),
  rows: (config, seed, count, layout) => {
    const expand = new Set(groupsQueryOf(config).expand);
    const rows: StoredRow[] = [];
    for (let index = 0; index < count; index++) {
      rows.push(...workspaceRows(adminGroupSchema.parse(expandedWorkspace(seed, index, expand)), layout).rows);
    }
    return rows;
  },
  itemRowSet: WORKSPACES_ROW_SET,
};

/** The kinds measured, in order. */
export const BENCH_KINDS: readonly BenchKind[] = [usersBench, workspacesBench];
