import type { WorkspaceExpansion } from "./powerBiTypes";
import { expandedWorkspace } from "./simulatedWorkspace";
import { simulatedUser, type SimulatedUser } from "./simulatedUser";

/** A workspace as the service sends it (with the arrays `$expand` asked for), changed by a test. */
export type WorkspaceChange = (workspace: Record<string, unknown>) => Record<string, unknown>;

/**
 * Changes to the tenant's data after it started, as admins make them between two syncs. Users and workspaces are
 * named by index; added ones get the next indices, so `simulatedUser(seed, index)` still tells what they hold.
 */
export interface TenantEdit {
  removeUsers?: readonly number[];
  /** Properties replaced on the generated user. */
  changeUsers?: Readonly<Record<number, Partial<SimulatedUser>>>;
  addUsers?: number;
  removeWorkspaces?: readonly number[];
  /** Applied to the workspace as served; `$filter` still sees its generated type and state. */
  changeWorkspaces?: Readonly<Record<number, WorkspaceChange>>;
  addWorkspaces?: number;
}

/** The edits made so far; the Graph and Power BI routes serve the data through them. */
export class TenantEdits {
  addedUsers = 0;
  addedWorkspaces = 0;
  private readonly removedUsers = new Set<number>();
  private readonly removedWorkspaces = new Set<number>();
  private readonly userChanges = new Map<number, Partial<SimulatedUser>>();
  private readonly workspaceChanges = new Map<number, WorkspaceChange[]>();

  apply(edit: TenantEdit): void {
    for (const index of edit.removeUsers ?? []) this.removedUsers.add(index);
    for (const index of edit.removeWorkspaces ?? []) this.removedWorkspaces.add(index);
    for (const [index, change] of Object.entries(edit.changeUsers ?? {})) {
      this.userChanges.set(Number(index), { ...this.userChanges.get(Number(index)), ...change });
    }
    for (const [index, change] of Object.entries(edit.changeWorkspaces ?? {})) {
      this.workspaceChanges.set(Number(index), [...(this.workspaceChanges.get(Number(index)) ?? []), change]);
    }
    this.addedUsers += edit.addUsers ?? 0;
    this.addedWorkspaces += edit.addWorkspaces ?? 0;
  }

  /** The user at `index` as the tenant has it now; undefined once removed. */
  user(seed: number, index: number): SimulatedUser | undefined {
    if (this.removedUsers.has(index)) return undefined;
    const user = simulatedUser(seed, index);
    const change = this.userChanges.get(index);
    return change === undefined ? user : { ...user, ...change };
  }

  workspaceRemoved(index: number): boolean {
    return this.removedWorkspaces.has(index);
  }

  /** True while every workspace index below the count is served, so paging can skip straight to an offset. */
  get workspacesContiguous(): boolean {
    return this.removedWorkspaces.size === 0;
  }

  /** The workspace at `index` as the service sends it now (the caller skips removed ones). */
  workspace(seed: number, index: number, expand: ReadonlySet<WorkspaceExpansion>): Record<string, unknown> {
    const changes = this.workspaceChanges.get(index) ?? [];
    return changes.reduce((workspace, change) => change(workspace), expandedWorkspace(seed, index, expand));
  }
}
