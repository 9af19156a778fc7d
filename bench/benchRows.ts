import type { Config } from "../src/config/config";
import { simulatedUser } from "../dev/simulator/simulatedUser";
import { expandedWorkspace } from "../dev/simulator/simulatedWorkspace";
import { adminGroupSchema } from "../src/sources/powerbi/adminGroups";
import { graphUserSchema } from "../src/sources/graph/graphUsers";
import type { StoredRow } from "../src/store/rowCodec";
import type { SnapshotKind } from "../src/store/snapshot";
import type { RowLayout } from "../src/sync/kindSync";
import { usersSync } from "../src/sync/usersSync";
import { workspacesSync } from "../src/sync/workspacesSync";
import type { UpstreamClient } from "../src/upstream/upstreamClient";

/** toRows never calls upstream; the kinds only need a client to list pages. */
const NO_UPSTREAM: UpstreamClient = {
  service: "graph",
  getJson: () => Promise.reject(new Error("the benchmark's row builder makes no upstream calls")),
  stats: { requests: 0, retries: 0 },
};

/**
 * The rows a sync of the simulated tenant writes, built by the kind's own toRows from the items the simulator serves
 * with the default settings, under another snapshot id. So the storage ceiling and the naive baseline write as many
 * rows, as big, into the same partition layout as the sync, without its upstream calls.
 */
export function benchRows(
  config: Config,
  kind: SnapshotKind,
  seed: number,
  count: number,
  layout: RowLayout,
): StoredRow[] {
  const rows: StoredRow[] = [];
  if (kind === "users") {
    const source = usersSync(NO_UPSTREAM, config.graph.userSelect);
    for (let index = 0; index < count; index++) {
      const user = simulatedUser(seed, index) as unknown as Record<string, unknown>;
      // As the simulated Graph projects $select: every selected property, null when unset.
      const selected = Object.fromEntries(config.graph.userSelect.map((name) => [name, user[name] ?? null]));
      rows.push(...source.toRows(graphUserSchema.parse(selected), layout).rows);
    }
  } else {
    const source = workspacesSync(NO_UPSTREAM, config.powerBi.groups);
    const expand = new Set(config.powerBi.groups.expand);
    for (let index = 0; index < count; index++) {
      const group = adminGroupSchema.parse(expandedWorkspace(seed, index, expand));
      rows.push(...source.toRows(group, layout).rows);
    }
  }
  return rows;
}
