import type { Config } from "../src/config/config";
import { simulatedUser } from "../dev/simulator/simulatedUser";
import { expandedWorkspace } from "../dev/simulator/simulatedWorkspace";
import { TenantEdits } from "../dev/simulator/tenantEdits";
import { TenantSkus } from "../dev/simulator/tenantSkus";
import { licenseRows } from "../src/kinds/users/licenseRows";
import { PowerBiPlans } from "../src/kinds/users/powerBiLicense";
import { userSelectOf } from "../src/kinds/users/usersKind";
import { userRows } from "../src/kinds/users/usersRows";
import { selectsLicenses } from "../src/kinds/users/usersSync";
import { subscribedSkuSchema } from "../src/sources/graph/subscribedSkus";
import { workspaceRows } from "../src/kinds/workspaces/workspaceRows";
import { groupsQueryOf } from "../src/kinds/workspaces/workspacesKind";
import { adminGroupSchema } from "../src/sources/powerbi/adminGroups";
import { graphUserSchema } from "../src/sources/graph/graphUsers";
import type { StoredRow } from "../src/store/rowCodec";
import type { RowLayout } from "../src/sync/contract";

/**
 * The rows a sync of the simulated tenant writes, built by the kind's own toRows from the items the simulator serves
 * with the default settings, under another snapshot id. So the storage ceiling and the naive baseline write as many
 * rows, as big, into the same partition layout as the sync, without its upstream calls.
 */
export function benchRows(config: Config, kind: string, seed: number, count: number, layout: RowLayout): StoredRow[] {
  const rows: StoredRow[] = [];
  if (kind === "users") {
    const select = userSelectOf(config);
    // The SKUs first, as the sync reads them: the simulated tenant's, for its unedited users.
    const tenant = { tenantId: layout.tenantId, seed, users: count, edits: new TenantEdits() };
    const plans = new PowerBiPlans();
    for (const served of new TenantSkus(tenant).list()) {
      const sku = subscribedSkuSchema.parse(served);
      plans.add(sku);
      rows.push(...licenseRows(sku, layout).rows);
    }
    for (let index = 0; index < count; index++) {
      const user = simulatedUser(seed, index) as unknown as Record<string, unknown>;
      // As the simulated Graph projects $select: every selected property, null when unset.
      const selected = Object.fromEntries(select.map((name) => [name, user[name] ?? null]));
      const licensed = selectsLicenses(select) ? plans : undefined;
      rows.push(...userRows(graphUserSchema.parse(selected), layout, licensed).rows);
    }
  } else {
    const expand = new Set(groupsQueryOf(config).expand);
    for (let index = 0; index < count; index++) {
      const group = adminGroupSchema.parse(expandedWorkspace(seed, index, expand));
      rows.push(...workspaceRows(group, layout).rows);
    }
  }
  return rows;
}
