import { SeededRandom } from "./seeded";
import { workspaceSummary } from "./simulatedWorkspace";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * How long before the tenant started the workspace at `index` was last modified (ms): about one in six within the
 * last 29 days (so `modifiedSince` 30 days back lists them), the rest 31 to 60 days; workspace 0 three days, 6 ten.
 */
export function generatedModifiedAgoMs(seed: number, index: number): number {
  if (index === 0) return 3 * DAY;
  if (index === 6) return 10 * DAY;
  const random = new SeededRandom(seed, "scan-modified", index);
  return random.chance(1 / 6) ? random.int(2 * HOUR, 29 * DAY) : random.int(31 * DAY, 60 * DAY);
}

/** The tenant as the scanner sees it at one moment: which workspaces exist, at which version, modified when. */
export interface ScannerTenantView {
  readonly seed: number;
  /** Generated plus added workspaces: indices 0..workspaceCount-1, less the removed ones. */
  readonly workspaceCount: number;
  removed(index: number): boolean;
  /** The version the workspace's data is generated at (touches so far). */
  version(index: number): number;
  /** Epoch ms of its last modification: its edit, or `startedAt - generatedModifiedAgoMs`. */
  modifiedAt(index: number): number;
}

/** The query of admin/workspaces/modified, validated; `modifiedSince` in epoch ms. */
export interface ModifiedQuery {
  readonly modifiedSince?: number;
  readonly excludePersonalWorkspaces?: boolean;
  readonly excludeInActiveWorkspaces?: boolean;
}

/**
 * The indices admin/workspaces/modified lists, in index order: every workspace that exists and is not in state
 * Deleted, modified at or after `modifiedSince` when given; personal ones (PersonalGroup) and inactive ones (any state
 * but Active) left out when asked.
 */
export function listedWorkspaceIndices(view: ScannerTenantView, query: ModifiedQuery): number[] {
  const indices: number[] = [];
  for (let index = 0; index < view.workspaceCount; index += 1) {
    if (view.removed(index)) continue;
    const { type, state } = workspaceSummary(view.seed, index);
    if (state === "Deleted") continue;
    if (query.excludePersonalWorkspaces === true && type === "PersonalGroup") continue;
    if (query.excludeInActiveWorkspaces === true && state !== "Active") continue;
    if (query.modifiedSince !== undefined && view.modifiedAt(index) < query.modifiedSince) continue;
    indices.push(index);
  }
  return indices;
}

/** The id the modified list shows: upper-case for every tenth workspace (index % 10 === 9), as the service may. */
export function listedWorkspaceId(seed: number, index: number): string {
  const id = workspaceSummary(seed, index).id;
  return index % 10 === 9 ? id.toUpperCase() : id;
}
