import type { DiffSummary } from "../schemas";
import type { DiffSides, DiffStep } from "./snapshotDiff";

/** Counts a whole diff in one streaming pass: entries are counted and dropped, never kept. */
export async function summarize(sides: DiffSides, steps: AsyncIterable<DiffStep>): Promise<DiffSummary> {
  const summary: DiffSummary = {
    kind: sides.kind,
    from: sides.older.id,
    to: sides.newer.id,
    added: 0,
    removed: 0,
    changed: 0,
    unchanged: 0,
    fields: {},
  };
  const arrays = Object.keys({ ...sides.declaration.children?.arrays, ...sides.declaration.arrays });
  const artifacts = Object.fromEntries(arrays.map((name) => [name, { added: 0, removed: 0, changed: 0 }]));
  for await (const { entry } of steps) {
    if (entry === undefined) {
      summary.unchanged++;
      continue;
    }
    summary[entry.change]++;
    if (entry.change !== "changed") continue;
    for (const field of entry.fields) summary.fields[field] = (summary.fields[field] ?? 0) + 1;
    for (const [name, changes] of Object.entries(entry.artifacts ?? {})) {
      const counts = artifacts[name];
      if (counts === undefined) continue;
      counts.added += changes.added.length;
      counts.removed += changes.removed.length;
      counts.changed += changes.changed.length;
    }
  }
  return arrays.length === 0 ? summary : { ...summary, artifacts };
}
