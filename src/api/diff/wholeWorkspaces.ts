import type { TableClient } from "@azure/data-tables";
import { WORKSPACE_ARTIFACTS, type WorkspaceArtifact } from "../../config/config";
import { readItemsAfter, type RowSetRange } from "../../store/rowReader";
import type { Keyed } from "./mergeJoin";

/** A workspace and its artifact arrays, as two snapshots are compared. */
export interface WholeWorkspace {
  workspace: Record<string, unknown>;
  arrays: Record<WorkspaceArtifact, unknown[]>;
}

/**
 * The workspaces of a snapshot with their arrays, in key order. Child rows are keyed `${workspace row key}|artifact|n`
 * in partitions chosen by the same hash, so the workspace rows and the child rows are two streams in the same
 * order, merged here: memory is one workspace, not the snapshot.
 */
export async function* wholeWorkspaces(
  table: TableClient,
  range: Omit<RowSetRange, "rowSet">,
  after: string | undefined,
): AsyncGenerator<Keyed<WholeWorkspace>> {
  const children = readItemsAfter<unknown>(table, { ...range, rowSet: "workspaceItems" }, { after })[
    Symbol.asyncIterator
  ]();
  try {
    let child = await children.next();
    for await (const { rowKey, item } of readItemsAfter<Record<string, unknown>>(
      table,
      { ...range, rowSet: "workspaces" },
      { after },
    )) {
      const arrays = Object.fromEntries(
        WORKSPACE_ARTIFACTS.map((artifact): [WorkspaceArtifact, unknown[]] => [artifact, []]),
      ) as Record<WorkspaceArtifact, unknown[]>;
      // Children of workspaces before this one (resumed past, or orphaned) are passed over.
      while (child.done !== true) {
        const [hash, id, artifact] = child.value.rowKey.split("|");
        const owner = `${hash}|${id}`;
        if (owner > rowKey) break;
        if (owner === rowKey) arrays[artifact as WorkspaceArtifact]?.push(child.value.item);
        child = await children.next();
      }
      yield { rowKey, item: { workspace: item, arrays } };
    }
  } finally {
    await children.return(undefined);
  }
}
