import type { TableClient } from "@azure/data-tables";
import { WORKSPACE_ARTIFACTS } from "../../config/config";
import type { SnapshotRecord } from "../../store/manifestStore";
import { idFromRowKey } from "../../store/rowKeys";
import { readItemsAfter } from "../../store/rowReader";
import type { SnapshotKind } from "../../store/snapshot";
import type { ArtifactChanges, DiffEntry } from "../schemas";
import { artifactChanges } from "./artifactChanges";
import { mergeJoin, type Keyed, type Pair } from "./mergeJoin";
import { fieldChanges } from "./valueChanges";
import { wholeWorkspaces, type WholeWorkspace } from "./wholeWorkspaces";

type Item = Record<string, unknown>;

/** One compared key: where the comparison stands, and the difference found there, if any. */
export interface DiffStep {
  key: string;
  entry: DiffEntry | undefined;
}

export interface DiffSides {
  tenantId: string;
  kind: SnapshotKind;
  older: SnapshotRecord;
  newer: SnapshotRecord;
}

/**
 * Compares two snapshots of a kind key by key, resuming after `after`: a streaming merge join, so memory is bounded
 * by the readers' pages (and one workspace's arrays), not by the tenant.
 */
export function diffSteps(table: TableClient, sides: DiffSides, after?: string): AsyncGenerator<DiffStep> {
  const range = (snapshot: SnapshotRecord) => ({
    tenantId: sides.tenantId,
    snapshotId: snapshot.id,
    partitionBits: snapshot.partitionBits,
  });
  if (sides.kind === "users") {
    const read = (snapshot: SnapshotRecord) =>
      readItemsAfter<Item>(table, { ...range(snapshot), rowSet: "users" }, { after });
    return steps(mergeJoin(read(sides.older), read(sides.newer)), (pair) => userEntry(pair));
  }
  const read = (snapshot: SnapshotRecord): AsyncIterable<Keyed<WholeWorkspace>> =>
    wholeWorkspaces(table, range(snapshot), after);
  return steps(mergeJoin(read(sides.older), read(sides.newer)), workspaceEntry);
}

async function* steps<T>(pairs: AsyncIterable<Pair<T>>, entry: (pair: Pair<T>) => DiffEntry | undefined) {
  for await (const pair of pairs) yield { key: pair.key, entry: entry(pair) };
}

function userEntry({ key, older, newer }: Pair<Item>): DiffEntry | undefined {
  const id = idFromRowKey(key);
  if (older === undefined) return { change: "added", id, item: newer! };
  if (newer === undefined) return { change: "removed", id, item: older };
  const changes = fieldChanges(older, newer);
  return changes === undefined ? undefined : { change: "changed", id, ...changes };
}

function workspaceEntry({ key, older, newer }: Pair<WholeWorkspace>): DiffEntry | undefined {
  const id = idFromRowKey(key);
  if (older === undefined) return { change: "added", id, item: newer!.workspace };
  if (newer === undefined) return { change: "removed", id, item: older.workspace };
  const artifacts: Partial<Record<(typeof WORKSPACE_ARTIFACTS)[number], ArtifactChanges>> = {};
  for (const artifact of WORKSPACE_ARTIFACTS) {
    const changes = artifactChanges(artifact, older.arrays[artifact], newer.arrays[artifact]);
    if (changes !== undefined) artifacts[artifact] = changes;
  }
  const own = fieldChanges(older.workspace, newer.workspace) ?? { fields: [], old: {}, new: {} };
  if (own.fields.length === 0 && Object.keys(artifacts).length === 0) return undefined;
  return { change: "changed", id, ...own, artifacts };
}
