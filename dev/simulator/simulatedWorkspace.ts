import {
  WORKSPACE_EXPANSIONS,
  type AdminGroup,
  type Dataset,
  type GroupUser,
  type WorkspaceExpansion,
  type WorkspaceState,
  type WorkspaceType,
} from "./powerBiTypes";
import { SeededRandom, seededGuid } from "./seeded";
import { simulatedUser } from "./simulatedUser";
import {
  dashboards,
  dataflows,
  datasets,
  groupMember,
  reports,
  smallMembership,
  userMember,
  workbooks,
} from "./workspaceArtifacts";

/** Index of the workspace with {@link BIG_WORKSPACE_USERS} users (when the tenant has any workspace). */
export const BIG_USERS_WORKSPACE_INDEX = 0;
export const BIG_WORKSPACE_USERS = 5000;
/** Index of the workspace with {@link BIG_WORKSPACE_REPORTS} reports (when the tenant has two workspaces or more). */
export const BIG_REPORTS_WORKSPACE_INDEX = 1;
export const BIG_WORKSPACE_REPORTS = 2000;

/** What a `$filter` can see; cheap to compute, so filtered paging never builds whole workspaces it skips. */
export interface WorkspaceSummary {
  readonly id: string;
  readonly type: WorkspaceType;
  readonly state: WorkspaceState;
}

interface Special {
  readonly type: WorkspaceType;
  readonly state: WorkspaceState;
  readonly name?: string;
}

// The first indices each pin one quirk, so a tenant of ten workspaces already shows all of them.
const specials: Readonly<Record<number, Special>> = {
  0: { type: "Workspace", state: "Active", name: "All staff (5,000 members)" },
  1: { type: "Workspace", state: "Active", name: "Report factory" },
  2: { type: "Workspace", state: "Active", name: `Sales "EMEA" – O'Neil's team` },
  3: { type: "Workspace", state: "Deleted", name: "Finance/Ops \\ Q1 #1? (archive)" },
  4: { type: "Group", state: "Removing", name: "📊 Marketing 🚀 Insights" },
  5: { type: "PersonalGroup", state: "Active" },
  6: { type: "Workspace", state: "Active", name: "Everything once" },
  7: { type: "PersonalGroup", state: "Deleted" },
  8: { type: "Workspace", state: "Active", name: "Nobody home" },
};
const topics = ["Sales", "Finance", "HR", "Supply Chain", "Marketing", "IT Ops", "Legal", "Customer Success"];
const oddSuffixes = [` "draft"`, " / archive", " #2", " (old?)", " \\ shared", " 🎯", " O'Hara"];

/** Type, state and id of the workspace at `index`; a pure function of (seed, index). */
export function workspaceSummary(seed: number, index: number): WorkspaceSummary {
  const id = seededGuid(seed, "workspace", index);
  const special = specials[index];
  if (special !== undefined) return { id, type: special.type, state: special.state };
  const random = new SeededRandom(seed, "workspace-kind", index);
  const typeRoll = random.next();
  const stateRoll = random.next();
  return {
    id,
    type: typeRoll < 0.7 ? "Workspace" : typeRoll < 0.9 ? "PersonalGroup" : "Group",
    state: stateRoll < 0.85 ? "Active" : stateRoll < 0.95 ? "Deleted" : "Removing",
  };
}

function capacityId(seed: number, random: SeededRandom): string {
  // The service writes capacity ids in upper case while every other id is lower case.
  return seededGuid(seed, "capacity", random.int(0, 2)).toUpperCase();
}

/**
 * The Power BI workspace at `index` as Get Groups As Admin returns it with every array expanded (users may be
 * missing, as the service warns). A pure function of (seed, index); index 0 has 5,000 users and index 1 2,000 reports.
 */
export function simulatedWorkspace(seed: number, index: number): AdminGroup {
  return expandedWorkspace(seed, index, new Set(WORKSPACE_EXPANSIONS)) as unknown as AdminGroup;
}

/**
 * The same workspace with only the arrays `$expand` names, as the service sends it. Each array has a random stream
 * of its own, so arrays left out are never built (the 5,000 members cost nothing unless asked for).
 */
export function expandedWorkspace(
  seed: number,
  index: number,
  expand: ReadonlySet<WorkspaceExpansion>,
): Record<string, unknown> {
  const { id, type, state } = workspaceSummary(seed, index);
  const random = new SeededRandom(seed, "workspace", index);
  const owner = simulatedUser(seed, random.int(0, 2999));
  const dedicated = index === 0 || index === 6 || (specials[index] === undefined && random.chance(0.25));
  const workspace: Record<string, unknown> = {
    id,
    name: specials[index]?.name ?? workspaceName(type, index, owner.displayName, random),
    type,
    state,
    isReadOnly: false,
    isOnDedicatedCapacity: dedicated,
  };
  if (random.chance(0.6)) {
    workspace.description = random.chance(0.2) ? "" : `Owned by ${owner.displayName}.\nAsk before sharing "gold" data.`;
  }
  if (dedicated) {
    workspace.capacityId = capacityId(seed, random);
    workspace.defaultDatasetStorageFormat = random.chance(0.5) ? "Large" : "Small";
    workspace.capacityMigrationStatus = "Migrated";
  }
  if (random.chance(0.05)) workspace.dataflowStorageId = seededGuid(seed, "dataflow-storage", index);
  if (random.chance(0.1)) workspace.hasWorkspaceLevelSettings = true;
  const everything = index === 6;
  const stream = (name: WorkspaceExpansion): SeededRandom => new SeededRandom(seed, `workspace-${name}`, index);
  // Reports and workbooks point at the workspace's datasets, so those are rebuilt (from their own stream) when needed.
  const sets = (): Dataset[] => {
    const random = stream("datasets");
    return datasets(seed, id, random, index === BIG_REPORTS_WORKSPACE_INDEX ? 3 : everything ? 2 : random.int(0, 3));
  };
  const builders: Record<WorkspaceExpansion, (random: SeededRandom) => unknown[] | undefined> = {
    users: (random) => members(seed, index, type, random),
    reports: (random) => {
      const count = index === BIG_REPORTS_WORKSPACE_INDEX ? BIG_WORKSPACE_REPORTS : everything ? 3 : random.int(0, 4);
      return reports(seed, id, random, count, sets());
    },
    dashboards: (random) => dashboards(seed, id, random, everything ? 1 : random.int(0, 2)),
    datasets: () => sets(),
    dataflows: (random) => dataflows(seed, id, random, everything ? 1 : random.chance(0.3) ? random.int(1, 2) : 0),
    workbooks: (random) => {
      const available = sets();
      return workbooks(random, everything || (available.length > 0 && random.chance(0.1)) ? 1 : 0, available);
    },
  };
  for (const name of WORKSPACE_EXPANSIONS) {
    const array = expand.has(name) ? builders[name](stream(name)) : undefined;
    if (array !== undefined) workspace[name] = array;
  }
  return workspace;
}

function workspaceName(type: WorkspaceType, index: number, ownerName: string, random: SeededRandom): string {
  if (type === "PersonalGroup") return `PersonalWorkspace ${ownerName}`;
  const suffix = random.chance(0.05) ? random.pick(oddSuffixes) : "";
  const base = type === "Group" ? `${random.pick(topics)} team (classic)` : `${random.pick(topics)} analytics`;
  return `${base} ${index}${suffix}`;
}

/** Undefined where the service leaves `users` out; see `specials` for the pinned indices. */
function members(seed: number, index: number, type: WorkspaceType, random: SeededRandom): GroupUser[] | undefined {
  if (index === BIG_USERS_WORKSPACE_INDEX) return bigMembership(seed);
  if (index === 7) return undefined;
  if (index === 8) return [];
  if (index === 2) return smallMembership(seed, random, 4, true);
  if (type === "PersonalGroup") {
    if (random.chance(0.3)) return undefined;
    return [userMember(seed, random.int(0, 2999), "Admin")];
  }
  return smallMembership(seed, random, random.int(1, 6), random.chance(0.05));
}

function bigMembership(seed: number): GroupUser[] {
  const rights = ["Member", "Contributor", "Viewer"] as const;
  return Array.from({ length: BIG_WORKSPACE_USERS }, (_, k) => {
    const right = k < 3 ? "Admin" : (rights[k % 3] ?? "Viewer");
    // Every 250th member is a security group, as large workspaces are usually shared through groups.
    return k % 250 === 249 ? groupMember(seed, Math.floor(k / 250), right) : userMember(seed, k, right);
  });
}
