import type { WorkspaceExpansion } from "./powerBiTypes";
import { expandedWorkspace } from "./simulatedWorkspace";
import type { AssignedLicense } from "./simulatedSkus";
import { simulatedLicenses, simulatedUser, type SimulatedUser } from "./simulatedUser";
import { editedWorkspaceName } from "./workspaceVersion";

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
  /**
   * Applied to the workspace as served, by admin/groups and (to its WorkspaceInfo) by the scanner; `$filter` still
   * sees its generated type and state.
   */
  changeWorkspaces?: Readonly<Record<number, WorkspaceChange>>;
  addWorkspaces?: number;
  /**
   * Edits each workspace in both APIs: its name gains " (edited N)" after the Nth touch, and its scan one more
   * report (see editedReportId in scannerReports.ts).
   */
  touchWorkspaces?: readonly number[];
}

/** The edits made so far; the Graph and Power BI routes serve the data through them. */
export class TenantEdits {
  addedUsers = 0;
  addedWorkspaces = 0;
  /** How many edits were applied: what is derived from the data (the SKUs' seat counts) is cached per version. */
  version = 0;
  private readonly removedUsers = new Set<number>();
  private readonly removedWorkspaces = new Set<number>();
  private readonly userChanges = new Map<number, Partial<SimulatedUser>>();
  private readonly workspaceChanges = new Map<number, WorkspaceChange[]>();
  private readonly versions = new Map<number, number>();
  private readonly editedAt = new Map<number, number>();
  /** When each batch of added workspaces came: offsets below `end` (past the generated count) came at `at`. */
  private readonly addedBatches: { end: number; at: number }[] = [];

  /** Applies an edit made at `now` (epoch ms): the scanner lists changed, touched and added workspaces as modified then. */
  apply(edit: TenantEdit, now = Date.now()): void {
    this.version++;
    for (const index of edit.removeUsers ?? []) this.removedUsers.add(index);
    for (const index of edit.removeWorkspaces ?? []) this.removedWorkspaces.add(index);
    for (const [index, change] of Object.entries(edit.changeUsers ?? {})) {
      this.userChanges.set(Number(index), { ...this.userChanges.get(Number(index)), ...change });
    }
    for (const [index, change] of Object.entries(edit.changeWorkspaces ?? {})) {
      this.workspaceChanges.set(Number(index), [...(this.workspaceChanges.get(Number(index)) ?? []), change]);
      this.editedAt.set(Number(index), now);
    }
    for (const index of edit.touchWorkspaces ?? []) {
      this.versions.set(index, this.workspaceVersion(index) + 1);
      this.editedAt.set(index, now);
    }
    this.addedUsers += edit.addUsers ?? 0;
    if ((edit.addWorkspaces ?? 0) > 0) {
      this.addedWorkspaces += edit.addWorkspaces ?? 0;
      this.addedBatches.push({ end: this.addedWorkspaces, at: now });
    }
  }

  /** The user at `index` as the tenant has it now; undefined once removed. */
  user(seed: number, index: number): SimulatedUser | undefined {
    if (this.removedUsers.has(index)) return undefined;
    const user = simulatedUser(seed, index);
    const change = this.userChanges.get(index);
    return change === undefined ? user : { ...user, ...change };
  }

  /** The `assignedLicenses` of the user at `index` as the tenant has them now, without building the user. */
  licenses(seed: number, index: number): AssignedLicense[] | undefined {
    if (this.removedUsers.has(index)) return undefined;
    return this.userChanges.get(index)?.assignedLicenses ?? simulatedLicenses(seed, index);
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
    const generated = expandedWorkspace(seed, index, expand);
    const version = this.workspaceVersion(index);
    if (version > 0) generated.name = editedWorkspaceName(generated.name as string, version);
    return this.changedWorkspace(index, generated);
  }

  /** How often `touchWorkspaces` named the workspace: the version its data is generated at. */
  workspaceVersion(index: number): number {
    return this.versions.get(index) ?? 0;
  }

  /** How many `changeWorkspaces` functions apply to the workspace so far (a scan keeps the count it saw). */
  workspaceChangeCount(index: number): number {
    return this.workspaceChanges.get(index)?.length ?? 0;
  }

  /** Runs the first `count` (default all) change functions of the workspace over `workspace`. */
  changedWorkspace<T extends object>(index: number, workspace: T, count?: number): T {
    const changes = (this.workspaceChanges.get(index) ?? []).slice(0, count);
    return changes.reduce<T>((served, change) => change(served as Record<string, unknown>) as T, workspace);
  }

  /**
   * When the workspace was last changed, touched or added by an edit (epoch ms), or undefined when never; indices
   * from `generatedCount` on are added workspaces.
   */
  workspaceEditedAt(index: number, generatedCount: number): number | undefined {
    const edited = this.editedAt.get(index);
    if (edited !== undefined) return edited;
    const offset = index - generatedCount;
    return offset < 0 ? undefined : this.addedBatches.find((batch) => offset < batch.end)?.at;
  }
}
