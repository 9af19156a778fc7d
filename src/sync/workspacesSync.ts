import { encodeItem, type StoredRow } from "../store/rowCodec";
import { itemKeys } from "../store/rowKeys";
import { WORKSPACE_ARTIFACTS, type AdminGroupsQuery } from "../config/config";
import { listAdminGroups, type AdminGroup } from "../sources/powerbi/adminGroups";
import type { UpstreamClient } from "../upstream/upstreamClient";
import type { KindSync, RowLayout } from "./kindSync";

/** Child rows of one workspace continue its key with the artifact type and the item's place in the array. */
export function artifactSuffix(artifact: string, index: number): string {
  return `|${artifact}|${String(index).padStart(6, "0")}`;
}

/**
 * Workspaces snapshots: a row per workspace (without its arrays) and a row per artifact and user assignment, beside
 * it in one partition, so a workspace with 5,000 users stores and reads back whole. Resumable: the Power BI budget
 * of 50 calls an hour can pause a run for most of an hour.
 */
export function workspacesSync(powerBi: UpstreamClient, query: AdminGroupsQuery): KindSync<AdminGroup> {
  return {
    kind: "workspaces",
    countNames: ["workspaces", ...WORKSPACE_ARTIFACTS],
    resumable: true,
    pages: (from) => listAdminGroups(powerBi, query, typeof from === "number" ? from : 0),
    idOf: (group) => group.id,
    toRows(group, layout) {
      const rows: StoredRow[] = [];
      const counts: Record<string, number> = { workspaces: 1 };
      const workspace: Record<string, unknown> = { ...group };
      for (const artifact of WORKSPACE_ARTIFACTS) {
        delete workspace[artifact];
        const items = group[artifact] ?? [];
        counts[artifact] = items.length;
        items.forEach((item, index) => rows.push(...childRows(layout, group.id, artifact, index, item)));
      }
      const keys = itemKeys(layout.tenantId, layout.snapshotId, "workspaces", layout.partitionBits, group.id);
      const columns = {
        type: group.type ?? undefined,
        state: group.state ?? undefined,
        isOnDedicatedCapacity: group.isOnDedicatedCapacity ?? undefined,
        capacityId: group.capacityId?.toLowerCase() ?? undefined,
        // Unknown when users were not expanded (or Power BI stops sending them), rather than wrongly true.
        orphaned:
          group.users === undefined ? undefined : !group.users.some((user) => user.groupUserAccessRight === "Admin"),
      };
      rows.unshift(...encodeItem(keys.partitionKey, keys.rowKey, workspace, columns));
      return { rows, counts };
    },
  };
}

function childRows(
  layout: RowLayout,
  workspaceId: string,
  artifact: string,
  index: number,
  item: unknown,
): StoredRow[] {
  const keys = itemKeys(
    layout.tenantId,
    layout.snapshotId,
    "workspaceItems",
    layout.partitionBits,
    workspaceId,
    artifactSuffix(artifact, index),
  );
  return encodeItem(keys.partitionKey, keys.rowKey, item);
}
