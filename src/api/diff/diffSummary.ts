import { WORKSPACE_ARTIFACTS } from "../../config/config";
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
  const artifacts =
    sides.kind === "workspaces"
      ? Object.fromEntries(WORKSPACE_ARTIFACTS.map((name) => [name, { added: 0, removed: 0, changed: 0 }]))
      : undefined;
  for await (const { entry } of steps) {
    if (entry === undefined) {
      summary.unchanged++;
      continue;
    }
    summary[entry.change]++;
    if (entry.change !== "changed") continue;
    for (const field of entry.fields) summary.fields[field] = (summary.fields[field] ?? 0) + 1;
    for (const [name, changes] of Object.entries(entry.artifacts ?? {})) {
      const counts = artifacts?.[name];
      if (counts === undefined) continue;
      counts.added += changes.added.length;
      counts.removed += changes.removed.length;
      counts.changed += changes.changed.length;
    }
  }
  return artifacts === undefined ? summary : { ...summary, artifacts };
}
