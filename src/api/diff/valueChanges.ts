/** How an item's own properties differ: their names, and their values on each side (null where absent). */
export interface FieldChanges {
  fields: string[];
  old: Record<string, unknown>;
  new: Record<string, unknown>;
}

/** Deep equality of JSON values, with object keys in any order and a missing property equal to null. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b || (a ?? null) === (b ?? null)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return [...new Set([...Object.keys(left), ...Object.keys(right)])].every((key) => sameValue(left[key], right[key]));
}

/**
 * The properties that differ between two versions of an item, in the older item's order then the new ones'.
 * Absent and null count as the same: a property added to GRAPH_USER_SELECT is not a change of every user.
 */
export function fieldChanges(
  older: Record<string, unknown>,
  newer: Record<string, unknown>,
  ignore: readonly string[] = [],
): FieldChanges | undefined {
  const changes: FieldChanges = { fields: [], old: {}, new: {} };
  for (const field of new Set([...Object.keys(older), ...Object.keys(newer)])) {
    if (ignore.includes(field) || sameValue(older[field], newer[field])) continue;
    changes.fields.push(field);
    changes.old[field] = older[field] ?? null;
    changes.new[field] = newer[field] ?? null;
  }
  return changes.fields.length === 0 ? undefined : changes;
}
