import { SeededRandom } from "./seeded";
import type { TenantEdit } from "./tenantEdits";

/**
 * A small change to the tenant, as a day of admins' work makes: a few users move department or are disabled, one
 * joins and one leaves; a workspace is edited and one is created. A pure function of (seed, round) over the tenant's
 * sizes, so a local session's snapshots differ from one sync to the next, the same way each time.
 */
export function tenantDrift(seed: number, round: number, users: number, workspaces: number): TenantEdit {
  const random = new SeededRandom(seed, "drift", round);
  const someUser = () => random.int(0, Math.max(0, users - 1));
  const edit: TenantEdit = { addUsers: 1, addWorkspaces: 1 };
  if (users > 0) {
    const departments = ["Sales", "Finance & Accounting", "Marketing", "HR"];
    edit.changeUsers = {
      [someUser()]: { department: random.pick(departments) },
      [someUser()]: { department: random.pick(departments) },
      [someUser()]: { accountEnabled: false },
    };
    edit.removeUsers = [someUser()];
  }
  if (workspaces > 0) edit.touchWorkspaces = [random.int(0, workspaces - 1)];
  return edit;
}
