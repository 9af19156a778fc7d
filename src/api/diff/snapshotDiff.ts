import type { TableClient } from "@azure/data-tables";
import type { SnapshotRecord } from "../../store/manifestStore";
import { idFromRowKey } from "../../store/rowKeys";
import type { ArtifactChanges, DiffEntry } from "../schemas";
import { artifactChanges } from "./artifactChanges";
import type { DiffDeclaration } from "./diffDeclaration";
import { mergeJoin, type Pair } from "./mergeJoin";
import { fieldChanges } from "./valueChanges";
import { wholeItems, type WholeItem } from "./wholeItems";

/** One compared key: where the comparison stands, and the difference found there, if any. */
export interface DiffStep {
  key: string;
  entry: DiffEntry | undefined;
}

export interface DiffSides {
  tenantId: string;
  kind: string;
  declaration: DiffDeclaration;
  older: SnapshotRecord;
  newer: SnapshotRecord;
}

/**
 * Compares two snapshots of a kind key by key, resuming after `after`: a streaming merge join, so memory is bounded
 * by the readers' pages (and one item's arrays), not by the tenant.
 */
export async function* diffSteps(table: TableClient, sides: DiffSides, after?: string): AsyncGenerator<DiffStep> {
  const read = (snapshot: SnapshotRecord) =>
    wholeItems(
      table,
      { tenantId: sides.tenantId, snapshotId: snapshot.id, partitionBits: snapshot.partitionBits },
      sides.declaration,
      after,
    );
  const identities = { ...sides.declaration.children?.arrays, ...sides.declaration.arrays };
  const inline = Object.keys(sides.declaration.arrays ?? {});
  for await (const pair of mergeJoin(read(sides.older), read(sides.newer))) {
    yield { key: pair.key, entry: entryOf(pair, identities, inline) };
  }
}

function entryOf(
  { key, older, newer }: Pair<WholeItem>,
  identities: Readonly<Record<string, readonly string[]>>,
  inline: readonly string[],
): DiffEntry | undefined {
  const id = idFromRowKey(key);
  if (older === undefined) return { change: "added", id, item: newer!.item };
  if (newer === undefined) return { change: "removed", id, item: older.item };
  const artifacts: Record<string, ArtifactChanges> = {};
  const array = (side: WholeItem, name: string): unknown[] => {
    const value = inline.includes(name) ? side.item[name] : side.arrays[name];
    return Array.isArray(value) ? value : [];
  };
  for (const [name, identity] of Object.entries(identities)) {
    const changes = artifactChanges(identity, array(older, name), array(newer, name));
    if (changes !== undefined) artifacts[name] = changes;
  }
  const own = fieldChanges(older.item, newer.item, inline) ?? { fields: [], old: {}, new: {} };
  if (own.fields.length === 0 && Object.keys(artifacts).length === 0) return undefined;
  return Object.keys(identities).length === 0
    ? { change: "changed", id, ...own }
    : { change: "changed", id, ...own, artifacts };
}
