import { WORKSPACE_ARTIFACTS, type AdminGroup } from "../../sources/powerbi/adminGroups";
import { encodeItem, type StoredRow } from "../../store/rowCodec";
import { childSuffix, itemKeys } from "../../store/rowKeys";
import type { ItemRows, RowLayout } from "../../sync/contract";

export const WORKSPACES_ROW_SET = "workspaces";
/** Artifacts and user assignments, each a child row of its workspace. */
export const WORKSPACE_ITEMS_ROW_SET = "workspaceItems";

/**
 * Counts of a workspaces snapshot besides one per artifact array: `dedicated` (on dedicated capacity), `personal`
 * (personal workspaces), and `orphaned` (no Admin), which only a run that expands users can count.
 */
export function workspaceCountNames(expand: readonly string[]): string[] {
  return [
    "workspaces",
    "dedicated",
    "personal",
    ...(expand.includes("users") ? ["orphaned"] : []),
    ...WORKSPACE_ARTIFACTS,
  ];
}

/**
 * A row per workspace (without its arrays) and a row per artifact and user assignment, beside it in one partition,
 * so a workspace with 5,000 users stores and reads back whole.
 */
export function workspaceRows(group: AdminGroup, layout: RowLayout): ItemRows {
  const rows: StoredRow[] = [];
  const orphaned =
    group.users === undefined ? undefined : !group.users.some((user) => user.groupUserAccessRight === "Admin");
  const counts: Record<string, number> = {
    workspaces: 1,
    dedicated: group.isOnDedicatedCapacity === true ? 1 : 0,
    personal: group.type === "PersonalGroup" ? 1 : 0,
    // Counted only when users were expanded: otherwise nobody knows (see workspaceCountNames).
    ...(orphaned === undefined ? {} : { orphaned: orphaned ? 1 : 0 }),
  };
  const workspace: Record<string, unknown> = { ...group };
  for (const artifact of WORKSPACE_ARTIFACTS) {
    delete workspace[artifact];
    const items = group[artifact] ?? [];
    counts[artifact] = items.length;
    items.forEach((item, index) => {
      const keys = itemKeys(
        layout.tenantId,
        layout.snapshotId,
        WORKSPACE_ITEMS_ROW_SET,
        layout.partitionBits,
        group.id,
        childSuffix(artifact, index),
      );
      rows.push(...encodeItem(keys.partitionKey, keys.rowKey, item));
    });
  }
  const keys = itemKeys(layout.tenantId, layout.snapshotId, WORKSPACES_ROW_SET, layout.partitionBits, group.id);
  const columns = {
    type: group.type ?? undefined,
    state: group.state ?? undefined,
    isOnDedicatedCapacity: group.isOnDedicatedCapacity ?? undefined,
    capacityId: group.capacityId?.toLowerCase() ?? undefined,
    // Unknown when users were not expanded (or Power BI stops sending them), rather than wrongly true.
    orphaned,
  };
  rows.unshift(...encodeItem(keys.partitionKey, keys.rowKey, workspace, columns));
  return { rows, counts };
}
