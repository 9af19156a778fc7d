import type { ArtifactChanges } from "../schemas";
import { fieldChanges } from "./valueChanges";

type Item = Record<string, unknown>;

/**
 * How one array of an item changed: elements matched by identity (the first of `identity`'s properties that is a
 * non-empty string); a matched element whose other properties differ (a user who became Admin) is `changed`.
 * Memory is the two arrays of one item.
 */
export function artifactChanges(
  identity: readonly string[],
  older: readonly unknown[],
  newer: readonly unknown[],
): ArtifactChanges | undefined {
  const remaining = keyed(identity, older);
  const changes: ArtifactChanges = { added: [], removed: [], changed: [] };
  for (const [key, item] of keyed(identity, newer)) {
    const before = remaining.get(key);
    remaining.delete(key);
    if (before === undefined) {
      changes.added.push(item);
      continue;
    }
    const changed = fieldChanges(before, item);
    if (changed !== undefined) changes.changed.push({ key, ...changed });
  }
  changes.removed.push(...remaining.values());
  const none = changes.added.length + changes.removed.length + changes.changed.length === 0;
  return none ? undefined : changes;
}

/** Elements by identity; an identity seen again gets `#2`, `#3`..., so duplicates pair up in order. */
function keyed(identity: readonly string[], items: readonly unknown[]): Map<string, Item> {
  const byKey = new Map<string, Item>();
  const seen = new Map<string, number>();
  for (const element of items) {
    const item = (typeof element === "object" && element !== null ? element : { value: element }) as Item;
    const base = identityOf(identity, item);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    byKey.set(count === 1 ? base : `${base}#${count}`, item);
  }
  return byKey;
}

function identityOf(identity: readonly string[], item: Item): string {
  for (const name of identity) {
    const value = item[name];
    if (typeof value === "string" && value !== "") return value;
  }
  return JSON.stringify(item);
}
